package face

import (
	"fmt"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// fakeNet answers every network's call with its value, or with err.
type fakeNet struct {
	v   float32
	err *error
	out *ssd.Output // Run's answer
}

func (f fakeNet) Encode(*tensor.Tensor) ([]float32, error) { return []float32{f.v}, *f.err }
func (f fakeNet) Run(*tensor.Tensor) (*ssd.Output, error)  { return f.out, *f.err }
func (f fakeNet) Detect(*tensor.Tensor) ([]landmarks.Point, error) {
	return []landmarks.Point{{X: float64(f.v)}}, *f.err
}

type fakeTiny struct{ fakeNet }

func (f fakeTiny) Detect(*tensor.Tensor, tinyface.Options) ([]ssd.Detection, error) {
	return []ssd.Detection{{Score: float64(f.v)}}, *f.err
}

// TestPlacedNetworksFallBack checks that each placed network answers from
// the GPU version until the GPU fails, then from the CPU version, all four
// moving together.
func TestPlacedNetworksFallBack(t *testing.T) {
	var gpuErr, cpuErr error
	gpu, cpu := fakeNet{1, &gpuErr, new(ssd.Output)}, fakeNet{2, &cpuErr, new(ssd.Output)}
	outs := map[*ssd.Output]float64{gpu.out: 1, cpu.out: 2}
	p := backend.OnGPU("fake", false, nil)
	enc, _ := backend.Place[Encoder](p, "encoder", cpu, func() (Encoder, error) { return gpu, nil })
	det, _ := backend.Place[Detector](p, "detector", cpu, func() (Detector, error) { return gpu, nil })
	lm, _ := backend.Place[LandmarkNet](p, "landmarks", cpu, func() (LandmarkNet, error) { return gpu, nil })
	tiny, _ := backend.Place[TinyDetector](p, "tiny", fakeTiny{cpu}, func() (TinyDetector, error) { return fakeTiny{gpu}, nil })
	e, d, l, ty := PlacedEncoder(enc), PlacedDetector(det), PlacedLandmarks(lm), PlacedTiny(tiny)
	answers := func() [4]float64 {
		x, _ := e.Encode(nil)
		o, _ := d.Run(nil)
		pts, _ := l.Detect(nil)
		dets, _ := ty.Detect(nil, tinyface.Options{})
		return [4]float64{float64(x[0]), outs[o], pts[0].X, dets[0].Score}
	}
	if got := answers(); got != [4]float64{1, 1, 1, 1} {
		t.Fatalf("on the GPU: %v, want every answer from the GPU versions (1)", got)
	}
	gpuErr = fmt.Errorf("webgpu: %w", backend.ErrDeviceLost)
	if got := answers(); got != [4]float64{2, 2, 2, 2} || p.GPU() {
		t.Fatalf("after the GPU failed: %v (GPU %v), want every answer from the CPU versions (2)", got, p.GPU())
	}
}
