package ops

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"visage/core/tensor"
)

// referenceCase is one entry of testdata/ops/reference.json, written by
// testdata/ops/make_reference.mjs with TensorFlow.js's CPU backend.
type referenceCase struct {
	Op               string
	Seed             uint32
	X, W, K, Strides []int
	Pad              string
	Size             []int
	AlignCorners     bool
	HalfPixelCenters bool
	OutShape         []int
	Out              []float32
}

// lcg returns a generator of float32-exact values in [-1, 1); it matches lcg
// in make_reference.mjs, so both sides see the same inputs.
func lcg(seed uint32) func(shape ...int) *tensor.Tensor {
	s := seed
	return func(shape ...int) *tensor.Tensor {
		t := tensor.New(shape...)
		for i := range t.Data {
			s = s*1664525 + 1013904223
			t.Data[i] = float32(s>>8)/(1<<23) - 1
		}
		return t
	}
}

func loadReference(t *testing.T) []referenceCase {
	t.Helper()
	b, err := os.ReadFile("../../testdata/ops/reference.json")
	if err != nil {
		t.Fatalf("reading the TensorFlow.js reference (regenerate with node testdata/ops/make_reference.mjs): %v", err)
	}
	var ref struct{ Cases []referenceCase }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("reference.json holds no cases")
	}
	return ref.Cases
}

func (c referenceCase) String() string {
	return fmt.Sprintf("%s seed %d x%v w%v k%v strides%v %s size%v align=%v half=%v",
		c.Op, c.Seed, c.X, c.W, c.K, c.Strides, c.Pad, c.Size, c.AlignCorners, c.HalfPixelCenters)
}

func (c referenceCase) padding() Padding {
	if c.Pad == "same" {
		return Same
	}
	return Valid
}

// checkRelative fails unless got matches want within 1e-4 of want's largest
// magnitude (or absolutely, when that is below 1).
func checkRelative(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	scale := 1.0
	for _, v := range want.Data {
		scale = max(scale, math.Abs(float64(v)))
	}
	if d := tensor.MaxAbsDiff(got, want); !(d <= 1e-4*scale) {
		t.Errorf("%s: shape %v, max |diff| %.3g (want %v, tolerance %.3g)", what, got.Shape, d, want.Shape, 1e-4*scale)
	}
}

// TestAgainstTensorFlowJS runs every case of the committed tfjs reference
// through our kernels; 2-D convolutions go through both Conv and Conv2D.
func TestAgainstTensorFlowJS(t *testing.T) {
	for _, c := range loadReference(t) {
		want, err := tensor.FromData(c.Out, c.OutShape...)
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		draw := lcg(c.Seed)
		x := draw(c.X...)
		switch c.Op {
		case "conv":
			w := draw(c.W...)
			bias := draw(c.W[len(c.W)-1]).Data
			checkRelative(t, "Conv "+c.String(), Conv(x, w, bias, c.Strides, c.padding()), want)
			if len(c.X) == 3 {
				checkRelative(t, "Conv2D "+c.String(), Conv2D(x, w, bias, c.Strides[0], c.Strides[1], c.padding()), want)
			}
		case "depthwise":
			w := draw(c.W...)
			bias := draw(c.W[2] * c.W[3]).Data
			checkRelative(t, c.String(), DepthwiseConv2D(x, w, bias, c.Strides[0], c.Strides[1], c.padding()), want)
		case "maxPool":
			checkRelative(t, c.String(), MaxPool2D(x, c.K[0], c.K[1], c.Strides[0], c.Strides[1], c.padding()), want)
		case "avgPool":
			checkRelative(t, c.String(), AvgPool2D(x, c.K[0], c.K[1], c.Strides[0], c.Strides[1], c.padding()), want)
		case "resizeBilinear":
			checkRelative(t, c.String(), ResizeBilinear(x, c.Size[0], c.Size[1], c.AlignCorners, c.HalfPixelCenters), want)
		default:
			t.Errorf("unknown op %q in reference.json", c.Op)
		}
	}
}
