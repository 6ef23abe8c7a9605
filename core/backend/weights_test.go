package backend_test

import (
	"slices"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// releases is the CPU backend, recording what is released.
type releases struct {
	*backend.CPU
	released []*tensor.Tensor
}

func (r *releases) Release(x *tensor.Tensor) { r.released = append(r.released, x) }

// Weights releases what it uploaded, each once, however often Release is
// called.
func TestWeightsReleasesWhatItUploaded(t *testing.T) {
	b := &releases{CPU: backend.NewCPU()}
	w := backend.NewWeights(backend.Backend[*tensor.Tensor](b))
	filters, bias := tensor.New(1, 1, 2, 3), tensor.New(3)
	got := []*tensor.Tensor{w.UploadWeights(filters), w.Upload(bias)}
	if got[0] != filters || got[1] != bias {
		t.Fatal("the CPU's uploads are not the tensors themselves")
	}
	w.Release()
	w.Release()
	if !slices.Equal(b.released, got) {
		t.Errorf("released %v, want the two uploads once each", b.released)
	}
}
