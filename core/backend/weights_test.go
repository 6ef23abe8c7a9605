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

// Bind keeps the parameters as loaded, makes the backend's from them
// through upload, and its Release hands back what upload put there.
func TestBindKeepsTheSourceAndReleasesWhatItUploaded(t *testing.T) {
	b := &releases{CPU: backend.NewCPU()}
	src := []*tensor.Tensor{tensor.New(1, 1, 2, 3), tensor.New(3)}
	upload := func(w *backend.Weights[*tensor.Tensor], src []*tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{w.UploadWeights(src[0]), w.Upload(src[1])}
	}
	bound := backend.Bind(backend.Backend[*tensor.Tensor](b), src, upload)
	if !slices.Equal(bound.Src, src) || !slices.Equal(bound.P, src) || bound.B != backend.Backend[*tensor.Tensor](b) {
		t.Fatalf("bound %v to %v on %v, want %v both as loaded and on the CPU (shared)", bound.Src, bound.P, bound.B, src)
	}
	if len(b.released) != 0 {
		t.Fatalf("released %v before Release", b.released)
	}
	bound.Release()
	if !slices.Equal(b.released, src) {
		t.Errorf("released %v, want the two uploads", b.released)
	}
}
