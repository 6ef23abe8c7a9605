package facerec

import (
	"strings"
	"testing"

	"visage/core/tensor"
)

func TestNormalizeByHand(t *testing.T) {
	x := tensorOf(t, []float32{122.782, 117.001, 104.298, 0, 255, 359.298}, 1, 2, 3)
	normalize(x)
	want := []float32{0, 0, 0, -122.782 / 255, (255 - 117.001) / 255, 1}
	for i, v := range want {
		if d := x.Data[i] - v; d > 1e-6 || d < -1e-6 {
			t.Errorf("normalized[%d] = %v, want %v", i, x.Data[i], v)
		}
	}
}

func TestEncodeRejectsBadImages(t *testing.T) {
	n := &Net{}
	for _, tc := range []struct {
		shape []int
		want  string
	}{
		{[]int{10, 10}, "want [H,W,3]"},
		{[]int{10, 10, 4}, "want [H,W,3]"},
		{[]int{0, 10, 3}, "want [H,W,3]"},
		{[]int{MaxSide + 1, 10, 3}, "at most"},
	} {
		_, err := n.Encode(&tensor.Tensor{Shape: tc.shape})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Encode(%v): error %v, want one containing %q", tc.shape, err, tc.want)
		}
	}
}

func TestPreprocessByHand(t *testing.T) {
	// A 150x75 image of the mean colour: the left and right quarters of the
	// square are zero padding, (0 − mean)/255 after normalization, and the
	// middle is 0. The input must be left alone.
	img := tensor.New(Size, Size/2, 3)
	for i := range img.Data {
		img.Data[i] = meanRGB[i%3]
	}
	x, err := Preprocess(img)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(x, tensor.New(Size, Size, 3)) {
		t.Fatalf("shape %v, want [150 150 3]", x.Shape)
	}
	for _, col := range []int{0, Size/4 - 20, Size / 2, Size - Size/4 + 20, Size - 1} {
		for c := range 3 {
			want := float32(0)
			if col < Size/4-1 || col > Size-Size/4 {
				want = -meanRGB[c] / inputScale
			}
			if got := x.At(Size/2, col, c); got-want > 1e-5 || want-got > 1e-5 {
				t.Errorf("input[75,%d,%d] = %v, want %v", col, c, got, want)
			}
		}
	}
	if img.Data[0] != meanRGB[0] {
		t.Errorf("Preprocess modified its input")
	}
}
