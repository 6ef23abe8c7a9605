package backend

import (
	"fmt"

	"visage/core/tensor"
)

// Weights is a network's parameters put on one backend, kept for the
// network's lifetime and handed back together. It is not safe for
// concurrent use while uploading.
type Weights[T any] struct {
	b   Backend[T]
	all []T
}

// NewWeights returns an empty set of weights on b.
func NewWeights[T any](b Backend[T]) *Weights[T] { return &Weights[T]{b: b} }

// Upload is b.Upload, the result kept for Release.
func (w *Weights[T]) Upload(x *tensor.Tensor) T { return w.keep(w.b.Upload(x)) }

// UploadWeights is b.UploadWeights, the result kept for Release.
func (w *Weights[T]) UploadWeights(x *tensor.Tensor) T { return w.keep(w.b.UploadWeights(x)) }

func (w *Weights[T]) keep(t T) T {
	w.all = append(w.all, t)
	return t
}

// Release hands back every tensor uploaded, once; they must not be used
// afterwards.
func (w *Weights[T]) Release() {
	for _, t := range w.all {
		w.b.Release(t)
	}
	w.all = nil
}

// Collect ends a pass of the network named net: it reads outs back
// (ReadAll) and releases them. Its error is ReadAll's, prefixed by net.
func Collect[T any](b Backend[T], net string, outs ...T) ([]*tensor.Tensor, error) {
	read, err := b.ReadAll(outs...)
	for _, o := range outs {
		b.Release(o)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", net, err)
	}
	return read, nil
}

// Bound is a network's parameters on one backend, P, beside the parameters
// as loaded, Src, that P was made from (on the host, shared by every
// runner made from them, so that the network's On can put them on another
// backend): each network's Runner embeds one.
type Bound[T, S, P any] struct {
	B   Backend[T]
	Src S // the parameters as loaded; read-only
	P   P // Src on B
	w   *Weights[T]
}

// Bind puts a network's parameters src on b: upload makes them there,
// putting each of their tensors through w, so that Release hands them all
// back. The CPU shares the tensors; a GPU's upload errors (out of memory)
// surface at the network's first read. The network is then as safe for
// concurrent use as b is.
func Bind[T, S, P any](b Backend[T], src S, upload func(w *Weights[T], src S) P) Bound[T, S, P] {
	w := NewWeights(b)
	return Bound[T, S, P]{B: b, Src: src, P: upload(w, src), w: w}
}

// BindCPU is Bind on a new CPU backend: how each network's Load puts the
// weights it read where its Net runs them.
func BindCPU[S, P any](src S, upload func(w *Weights[*tensor.Tensor], src S) P) Bound[*tensor.Tensor, S, P] {
	return Bind(Backend[*tensor.Tensor](NewCPU()), src, upload)
}

// Release hands back the memory of the parameters on B; the network must
// not be used there afterwards.
func (n Bound[T, S, P]) Release() { n.w.Release() }
