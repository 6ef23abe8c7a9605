package tinyface

import (
	"math"
	"testing"

	"visage/core/tensor"
)

// decode reads the grid: one confident anchor in the middle cell of a 416
// input is one box centred on the square image, the size of its anchor;
// the other cells, at score 0.5, are not above the threshold. A grid of the
// wrong shape is an error.
func TestDecodeReadsTheGrid(t *testing.T) {
	opt := DefaultOptions() // 416: a 13x13 grid
	out := tensor.New(13, 13, 25)
	out.Data[(6*13+6)*25+4] = 5 // cell (6, 6), anchor 0: score σ(5)
	dets, err := decode(out, 100, 100, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) != 1 {
		t.Fatalf("%d detections, want 1", len(dets))
	}
	w, h := anchors[0][0]/13*100, anchors[0][1]/13*100
	want := []float64{50 - w/2, 50 - h/2, w, h, 1 / (1 + math.Exp(-5))}
	got := []float64{dets[0].Box.X, dets[0].Box.Y, dets[0].Box.W, dets[0].Box.H, dets[0].Score}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("detection %v, want box and score %v", got, want)
		}
	}
	if _, err := decode(tensor.New(5, 5, 25), 100, 100, opt); err == nil {
		t.Error("a 5x5 grid for a 416 input was accepted")
	}
}

// toInput pads at the bottom or right, resizes to the input size and
// subtracts the mean before dividing by 255.
func TestToInputPadsAndNormalizes(t *testing.T) {
	img := tensor.New(64, 32, 3) // padded on the right to 64x64, then halved
	for i := range img.Data {
		img.Data[i] = 255
	}
	x := toInput(img, 32)
	if !tensor.SameShape(x, tensor.New(32, 32, 3)) {
		t.Fatalf("input shape %v, want [32 32 3]", x.Shape)
	}
	for c := range 3 {
		left, right := x.Data[c], x.Data[31*3+c]
		if wl, wr := (255-meanRGB[c])/255, -meanRGB[c]/255; math.Abs(float64(left-wl)) > 1e-6 || math.Abs(float64(right-wr)) > 1e-6 {
			t.Errorf("channel %d: top-left %v (white, want %v), top-right %v (padding, want %v)", c, left, wl, right, wr)
		}
	}
}
