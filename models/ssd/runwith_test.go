package ssd

import (
	"errors"
	"math"
	"testing"

	"visage/core/tensor"
)

// RunWith hands the forward pass the normalized 512x512 input and decodes
// what it returns against the anchors; outputs that do not fit the anchors
// and the pass's own errors are errors.
func TestRunWithDecodesTheGivenHeads(t *testing.T) {
	n := &Net{p: &Params{Anchors: []float32{0.4, 0.2, 0.6, 0.3}}}
	img := tensor.New(30, 20, 3)
	out, err := n.RunWith(img, func(x *tensor.Tensor) ([]float32, []float32, error) {
		if !tensor.SameShape(x, tensor.New(InputSize, InputSize, 3)) || x.Data[0] != -1 {
			t.Errorf("the pass got shape %v, first value %v; want [512 512 3] normalized (black is −1)", x.Shape, x.Data[0])
		}
		return []float32{0, 0, 0, 0}, []float32{0, 2, 0}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	boxes, scores := out.Anchors()
	if want := 1 / (1 + math.Exp(-2)); len(scores) != 1 || math.Abs(scores[0]-want) > 1e-12 {
		t.Errorf("scores %v, want [%v]", scores, want)
	}
	for k, want := range []float64{0.4, 0.2, 0.6, 0.3} {
		if math.Abs(boxes[0][k]-want) > 1e-7 {
			t.Errorf("box %v, want the anchor itself", boxes[0])
			break
		}
	}
	if _, err := n.RunWith(img, func(*tensor.Tensor) ([]float32, []float32, error) { return make([]float32, 8), make([]float32, 3), nil }); err == nil {
		t.Error("8 box encodings for one anchor were accepted")
	}
	failed := errors.New("device lost")
	if _, err := n.RunWith(img, func(*tensor.Tensor) ([]float32, []float32, error) { return nil, nil, failed }); !errors.Is(err, failed) {
		t.Errorf("the pass's error came back as %v", err)
	}
	if _, err := n.RunWith(tensor.New(4, 4), nil); err == nil {
		t.Error("a [4 4] image was accepted")
	}
}
