package backend_test

import (
	"slices"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// releasing is the CPU backend, recording the tensors released.
type releasing struct {
	*backend.CPU
	released []*tensor.Tensor
}

func (r *releasing) Release(x *tensor.Tensor) { r.released = append(r.released, x) }

// TestWeightsReleaseWhatTheyUploaded checks that Weights hands back each
// tensor it uploaded, once, and nothing else.
func TestWeightsReleaseWhatTheyUploaded(t *testing.T) {
	b := &releasing{CPU: backend.NewCPU()}
	w := backend.NewWeights(backend.Backend[*tensor.Tensor](b))
	bias, filters := tensor.New(4), tensor.New(3, 3, 2, 4)
	if got := w.Upload(bias); got != bias {
		t.Error("Upload did not return the CPU's upload (the tensor itself)")
	}
	if got := w.Matrix(filters); got != filters {
		t.Error("Matrix did not return the CPU's upload (the tensor itself)")
	}
	w.Release()
	w.Release()
	if !slices.Equal(b.released, []*tensor.Tensor{bias, filters}) {
		t.Errorf("released %d tensors, want the 2 uploaded, once each", len(b.released))
	}
}
