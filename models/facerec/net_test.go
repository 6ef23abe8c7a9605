package facerec

import (
	"slices"
	"strings"
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
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
	x, err := preprocess(img)
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

// TestActivationsShapes: every layer's activation on a 150×150 chip has the
// shape Layers documents (worked out from the strides: 150 → 72 → 35 → 17
// → 8 → 3, padded to 4 → 1, padded to 2), in the order asked, all
// post-ReLU; an unknown layer is an error naming it.
func TestActivationsShapes(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := tensor.New(Size, Size, 3)
	for i := range img.Data {
		img.Data[i] = float32((i * 37) % 256)
	}
	want := map[string][]int{
		"conv32_down": {72, 72, 32}, "conv32_1": {35, 35, 32}, "conv32_2": {35, 35, 32}, "conv32_3": {35, 35, 32},
		"conv64_down": {17, 17, 64}, "conv64_1": {17, 17, 64}, "conv64_2": {17, 17, 64}, "conv64_3": {17, 17, 64},
		"conv128_down": {8, 8, 128}, "conv128_1": {8, 8, 128}, "conv128_2": {8, 8, 128},
		"conv256_down": {4, 4, 256}, "conv256_1": {4, 4, 256}, "conv256_2": {4, 4, 256}, "conv256_down_out": {2, 2, 256},
	}
	names := Layers()
	slices.Reverse(names) // any order
	acts, err := n.Activations(img, names...)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != len(want) {
		t.Fatalf("%d layers, want %d", len(acts), len(want))
	}
	for i, name := range names {
		if !slices.Equal(acts[i].Shape, want[name]) {
			t.Errorf("%s: shape %v, want %v", name, acts[i].Shape, want[name])
		}
		if slices.Min(acts[i].Data) < 0 {
			t.Errorf("%s: a negative value after the ReLU", name)
		}
	}
	if _, err := n.Activations(img, "conv32_1", "fc"); err == nil || !strings.Contains(err.Error(), `unknown layer "fc"`) {
		t.Errorf("Activations(fc): error %v, want an unknown layer", err)
	}
}

// TestEncodeSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does: a pass whose device is lost is
// redone on the CPU with the same descriptor, and later passes stay there.
func TestEncodeSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	backendtest.CheckFallback(t, "face network", n, On, (*Runner[*tensor.Tensor]).Encode, seq(Size, Size, 3), nil)
}
