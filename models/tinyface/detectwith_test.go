package tinyface

import (
	"errors"
	"math"
	"testing"

	"visage/core/tensor"
)

// DetectWith decodes the grid the forward pass returns: one confident
// anchor in the middle cell of a 416 input is one box centred on the
// square image, the size of its anchor; the other cells, at score 0.5,
// are not above the threshold. A grid of the wrong shape and the pass's
// own errors are errors.
func TestDetectWithDecodesTheGrid(t *testing.T) {
	img := tensor.New(100, 100, 3)
	opt := DefaultOptions() // 416: a 13x13 grid
	dets, err := DetectWith(img, opt, func(x *tensor.Tensor) (*tensor.Tensor, error) {
		if !tensor.SameShape(x, tensor.New(416, 416, 3)) {
			t.Errorf("the pass got shape %v, want [416 416 3]", x.Shape)
		}
		out := tensor.New(13, 13, 25)
		out.Data[(6*13+6)*25+4] = 5 // cell (6, 6), anchor 0: score σ(5)
		return out, nil
	})
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
	if _, err := DetectWith(img, opt, func(*tensor.Tensor) (*tensor.Tensor, error) { return tensor.New(5, 5, 25), nil }); err == nil {
		t.Error("a 5x5 grid for a 416 input was accepted")
	}
	failed := errors.New("device lost")
	if _, err := DetectWith(img, opt, func(*tensor.Tensor) (*tensor.Tensor, error) { return nil, failed }); !errors.Is(err, failed) {
		t.Errorf("the pass's error came back as %v", err)
	}
}
