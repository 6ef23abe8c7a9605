package backend

import "visage/core/tensor"

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
