package ssd

import (
	"fmt"
	"math"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// runner is what a product calls on the detector, wherever it runs.
type runner interface {
	Run(*tensor.Tensor) (*Output, error)
}

// TestRunSurvivesGPUFailure runs the detector on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same boxes and scores, and
// that later passes stay there.
func TestRunSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	placed, err := backend.Place[runner](p, "face detector", n, func() (runner, error) {
		return On(n, backend.Backend[*tensor.Tensor](gpu)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	want, err := n.Run(img)
	if err != nil {
		t.Fatal(err)
	}
	run := func(r runner) (*Output, error) { return r.Run(img) }
	for i, fail := range []error{nil, fmt.Errorf("webgpu: %w", backend.ErrDeviceLost), nil} {
		gpu.Fail(fail)
		got, err := backend.Run(placed, run)
		if err != nil {
			t.Fatalf("pass %d (GPU failing with %v): %v", i, fail, err)
		}
		if d := maxDiff(got, want); d != 0 {
			t.Fatalf("pass %d (GPU failing with %v): boxes and scores differ from the CPU's by up to %v", i, fail, d)
		}
	}
	if gpu.Reads() != 2 || p.GPU() {
		t.Fatalf("%d GPU reads, on the GPU %v; want 2 (the second failed) and the CPU from then on", gpu.Reads(), p.GPU())
	}
}

// maxDiff is the largest difference between two outputs' anchor boxes and
// scores (+Inf when their anchors differ in number).
func maxDiff(a, b *Output) float64 {
	ab, as := a.Anchors()
	bb, bs := b.Anchors()
	if len(ab) != len(bb) || len(as) != len(bs) || len(as) == 0 {
		return math.Inf(1)
	}
	d := 0.0
	for i := range as {
		d = max(d, math.Abs(as[i]-bs[i]))
		for k := range 4 {
			d = max(d, math.Abs(ab[i][k]-bb[i][k]))
		}
	}
	return d
}
