package facerec

import (
	"fmt"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// encoder is what a product calls on the network, wherever it runs.
type encoder interface {
	Encode(*tensor.Tensor) ([]float32, error)
}

// TestEncodeSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same descriptor, and that
// later passes stay there.
func TestEncodeSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	placed, err := backend.Place[encoder](p, "face network", n, func() (encoder, error) {
		return On(n, backend.Backend[*tensor.Tensor](gpu)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	img := seq(Size, Size, 3)
	want, err := n.Encode(img)
	if err != nil {
		t.Fatal(err)
	}
	encode := func(e encoder) ([]float32, error) { return e.Encode(img) }
	for i, fail := range []error{nil, fmt.Errorf("webgpu: %w", backend.ErrDeviceLost), nil} {
		gpu.Fail(fail)
		got, err := backend.Run(placed, encode)
		if err != nil || distance(got, want) != 0 {
			t.Fatalf("pass %d (GPU failing with %v): error %v, distance %v to the CPU's descriptor", i, fail, err, distance(got, want))
		}
	}
	if gpu.Reads() != 2 || p.GPU() {
		t.Fatalf("%d GPU reads, on the GPU %v; want 2 (the second failed) and the CPU from then on", gpu.Reads(), p.GPU())
	}
}
