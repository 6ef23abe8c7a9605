package tinyface

import (
	"fmt"
	"reflect"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/ssd"
)

// detector is what a product calls on the network, wherever it runs.
type detector interface {
	Detect(*tensor.Tensor, Options) ([]ssd.Detection, error)
}

// TestDetectSurvivesGPUFailure runs the detector on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same detections, and that
// later passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	placed, err := backend.Place[detector](p, "tiny face detector", n, func() (detector, error) {
		return On(n, backend.Backend[*tensor.Tensor](gpu)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	opt := DefaultOptions()
	want, err := n.Detect(img, opt)
	if err != nil || len(want) == 0 {
		t.Fatalf("on the CPU: %v, error %v; want a face", want, err)
	}
	detect := func(d detector) ([]ssd.Detection, error) { return d.Detect(img, opt) }
	for i, fail := range []error{nil, fmt.Errorf("webgpu: %w", backend.ErrDeviceLost), nil} {
		gpu.Fail(fail)
		got, err := backend.Run(placed, detect)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("pass %d (GPU failing with %v): %v, error %v; want the CPU's %v", i, fail, got, err, want)
		}
	}
	if gpu.Reads() != 2 || p.GPU() {
		t.Fatalf("%d GPU reads, on the GPU %v; want 2 (the second failed) and the CPU from then on", gpu.Reads(), p.GPU())
	}
}
