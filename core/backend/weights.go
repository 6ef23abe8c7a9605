package backend

import "visage/core/tensor"

// Weights are a network's parameters uploaded to one backend: the network
// keeps the tensors Upload and Matrix return for as long as it runs there,
// and Release hands them all back.
type Weights[T any] struct {
	b   Backend[T]
	all []T
}

// NewWeights returns an empty set of weights on b.
func NewWeights[T any](b Backend[T]) *Weights[T] { return &Weights[T]{b: b} }

// Upload is the backend's Upload of t, kept for Release.
func (w *Weights[T]) Upload(t *tensor.Tensor) T { return w.keep(w.b.Upload(t)) }

// Matrix is the backend's UploadWeights of t, kept for Release: for a
// tensor that is only ever the weights operand of the matrix kernels.
func (w *Weights[T]) Matrix(t *tensor.Tensor) T { return w.keep(w.b.UploadWeights(t)) }

func (w *Weights[T]) keep(t T) T {
	w.all = append(w.all, t)
	return t
}

// Release hands back every tensor uploaded; they must not be used
// afterwards.
func (w *Weights[T]) Release() {
	for _, t := range w.all {
		w.b.Release(t)
	}
	w.all = nil
}
