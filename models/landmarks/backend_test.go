package landmarks

import (
	"fmt"
	"slices"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// detector is what a product calls on the network, wherever it runs.
type detector interface {
	Detect(*tensor.Tensor) ([]Point, error)
}

// TestDetectSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same points, and that later
// passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	placed, err := backend.Place[detector](p, "landmark network", n, func() (detector, error) {
		return On(n, backend.Backend[*tensor.Tensor](gpu)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	crop := tensor.New(120, 97, 3)
	for i := range crop.Data {
		crop.Data[i] = float32((i * 37) % 256)
	}
	want, err := n.Detect(crop)
	if err != nil {
		t.Fatal(err)
	}
	detect := func(d detector) ([]Point, error) { return d.Detect(crop) }
	for i, fail := range []error{nil, fmt.Errorf("webgpu: %w", backend.ErrDeviceLost), nil} {
		gpu.Fail(fail)
		got, err := backend.Run(placed, detect)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("pass %d (GPU failing with %v): error %v, points %v, want the CPU's %v", i, fail, err, got, want)
		}
	}
	if gpu.Reads() != 2 || p.GPU() {
		t.Fatalf("%d GPU reads, on the GPU %v; want 2 (the second failed) and the CPU from then on", gpu.Reads(), p.GPU())
	}
}
