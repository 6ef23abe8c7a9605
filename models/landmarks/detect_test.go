package landmarks

import (
	"errors"
	"math"
	"testing"

	"visage/core/tensor"
)

// detect hands the pass the normalized 112x112 crop and maps
// its outputs back to the crop, undoing the centred padding: outputs of
// 0.5 (the square's centre) are the crop's centre. Outputs of the wrong
// length and the pass's own errors are errors.
func TestDetectMapsTheOutputsBack(t *testing.T) {
	crop := tensor.New(60, 40, 3)
	pts, err := detect(crop, func(x *tensor.Tensor) ([]float32, error) {
		if !tensor.SameShape(x, tensor.New(InputSize, InputSize, 3)) {
			t.Errorf("the pass got shape %v, want [112 112 3]", x.Shape)
		}
		out := make([]float32, 2*NumPoints)
		for i := range out {
			out[i] = 0.5
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pts {
		if math.Abs(p.X-20) > 1e-9 || math.Abs(p.Y-30) > 1e-9 {
			t.Fatalf("point %d at %+v, want the crop's centre (20, 30)", i, p)
		}
	}
	if _, err := detect(crop, func(*tensor.Tensor) ([]float32, error) { return make([]float32, 2), nil }); err == nil {
		t.Error("2 outputs were accepted")
	}
	failed := errors.New("device lost")
	if _, err := detect(crop, func(*tensor.Tensor) ([]float32, error) { return nil, failed }); !errors.Is(err, failed) {
		t.Errorf("the pass's error came back as %v", err)
	}
}
