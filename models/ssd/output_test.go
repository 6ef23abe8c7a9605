package ssd

import (
	"math"
	"testing"

	"visage/core/tensor"
)

// toInput pads at the bottom or right, resizes to 512x512 and maps 0..255
// to −1..1; it rejects what is not an [H,W,3] image.
func TestToInputPadsAndNormalizes(t *testing.T) {
	img := tensor.New(32, 16, 3) // padded on the right to 32x32, then ×16
	for i := range img.Data {
		img.Data[i] = 255
	}
	x, err := toInput(img)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(x, tensor.New(InputSize, InputSize, 3)) {
		t.Fatalf("input shape %v, want [512 512 3]", x.Shape)
	}
	left, right := x.Data[0], x.Data[(InputSize-1)*3]
	if left != 1 || right != -1 {
		t.Errorf("top-left %v (white, want 1), top-right %v (padding, want −1)", left, right)
	}
	for _, bad := range []*tensor.Tensor{tensor.New(4, 4), tensor.New(4, 4, 4), tensor.New(0, 4, 3)} {
		if _, err := toInput(bad); err == nil {
			t.Errorf("a %v image was accepted", bad.Shape)
		}
	}
}

// output decodes the heads against the anchors, and rejects heads that do
// not fit them.
func TestOutputDecodesTheHeads(t *testing.T) {
	anchors := []float32{0.4, 0.2, 0.6, 0.3}
	out, err := output(anchors, []float32{0, 0, 0, 0}, []float32{0, 2, 0}, 30, 20)
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
	if out.h != 30 || out.w != 20 {
		t.Errorf("image size %dx%d, want 20x30", out.w, out.h)
	}
	if _, err := output(anchors, make([]float32, 8), make([]float32, 3), 30, 20); err == nil {
		t.Error("8 box encodings for one anchor were accepted")
	}
	if _, err := output(anchors, make([]float32, 4), make([]float32, 4), 30, 20); err == nil {
		t.Error("4 class logits for one anchor were accepted")
	}
}
