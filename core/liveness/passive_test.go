package liveness

import (
	"errors"
	"math"
	"os"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/face"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/assets/assettest"
)

// TestFaceCrop: on an image whose pixel (x, y) holds (x, y, 255), a 10×10
// box at (20, 30) becomes a 14-px square centred on (25, 35), from 18 to 32
// on x; sampled to 7×7, each output pixel covers 2 image pixels, so pixel
// (u, v) is the image at x = 18 + 2u + ½, y = 28 + 2v + ½ (by hand), over
// 255.
func TestFaceCrop(t *testing.T) {
	img := tensor.New(64, 64, 3)
	for y := range 64 {
		for x := range 64 {
			copy(img.Data[(y*64+x)*3:], []float32{float32(x), float32(y), 255})
		}
	}
	c := FaceCrop(img, face.Box{X: 20, Y: 30, W: 10, H: 10}, 7)
	if c.Shape[0] != 7 || c.Shape[1] != 7 || c.Shape[2] != 3 {
		t.Fatalf("shape %v, want [7 7 3]", c.Shape)
	}
	for v := range 7 {
		for u := range 7 {
			px := c.Data[(v*7+u)*3:]
			wx, wy := (18+2*float64(u)+0.5)/255, (28+2*float64(v)+0.5)/255
			if math.Abs(float64(px[0])-wx) > 1e-6 || math.Abs(float64(px[1])-wy) > 1e-6 || px[2] != 1 {
				t.Fatalf("crop pixel (%d, %d) = %v, want (%.5f, %.5f, 1)", u, v, px[:3], wx, wy)
			}
		}
	}
	// A box at the edge reads zeros outside the image.
	e := FaceCrop(img, face.Box{X: -20, Y: 0, W: 10, H: 10}, 7)
	if e.Data[0] != 0 || e.Data[2] != 0 {
		t.Errorf("crop outside the image: first pixel %v, want zeros", e.Data[:3])
	}
}

// TestPassiveScoresRange loads the real models and checks that both scores
// of a flat grey image and of a random one are finite values in [0, 1]
// (sigmoid and softmax outputs); what the scores say about real faces is
// measured by `visage liveness-eval` (README, Liveness).
func TestPassiveScoresRange(t *testing.T) {
	dir, err := assets.HumanModelsDir()
	assettest.Need(t, err)
	p, err := LoadPassive(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	img := tensor.New(200, 200, 3)
	for i := range img.Data {
		img.Data[i] = 128
	}
	a, l, err := p.Scores(img, face.Box{X: 50, Y: 50, W: 100, H: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []float64{a, l} {
		if !(s >= 0 && s <= 1) {
			t.Errorf("scores %v, %v: want both in [0, 1]", a, l)
		}
	}
	t.Logf("grey image: antispoof %.4f, liveness %.4f", a, l)
}

// TestPassiveOnBackend runs both models through PassiveOn on a fake GPU:
// the scores are the CPU's exactly, and a lost device surfaces from Scores.
func TestPassiveOnBackend(t *testing.T) {
	dir, err := assets.HumanModelsDir()
	assettest.Need(t, err)
	cpu, err := LoadPassive(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	f := backendtest.NewFaulty()
	gpu, err := PassiveOn(cpu, backend.Backend[*tensor.Tensor](f))
	if err != nil {
		t.Fatal(err)
	}
	defer gpu.Release()
	img := tensor.New(120, 160, 3)
	for i := range img.Data {
		img.Data[i] = float32(i % 251)
	}
	box := face.Box{X: 40, Y: 30, W: 70, H: 80}
	a, l, err := gpu.Scores(img, box)
	if err != nil {
		t.Fatal(err)
	}
	wa, wl, err := cpu.Scores(img, box)
	if err != nil {
		t.Fatal(err)
	}
	if a != wa || l != wl {
		t.Errorf("scores on the backend %v, %v; on the CPU %v, %v", a, l, wa, wl)
	}
	f.Fail(backend.ErrDeviceLost)
	if _, _, err := gpu.Scores(img, box); !errors.Is(err, backend.ErrDeviceLost) {
		t.Errorf("Scores on a lost device: error %v, want one wrapping ErrDeviceLost", err)
	}
}
