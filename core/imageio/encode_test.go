package imageio

import (
	"bytes"
	"math"
	"testing"

	"visage/core/tensor"
)

func TestToImageRoundsAndClamps(t *testing.T) {
	in := []float32{-3, 0.4, 0.5, 254.5, 300, float32(math.NaN()), 1.49, 127.5, 255}
	want := []uint8{0, 0, 1, 255, 255, 0, 1, 128, 255}
	x, _ := tensor.FromData(in, 1, 3, 3)
	img := ToImage(x)
	for p := 0; p < 3; p++ {
		for c := 0; c < 3; c++ {
			if got := img.Pix[4*p+c]; got != want[3*p+c] {
				t.Errorf("value %v → %d, want %d", in[3*p+c], got, want[3*p+c])
			}
		}
		if img.Pix[4*p+3] != 255 {
			t.Errorf("pixel %d alpha %d, want 255", p, img.Pix[4*p+3])
		}
	}
}

func TestToImageDecodeRoundTrip(t *testing.T) {
	x := tensor.New(3, 5, 3) // odd sizes
	for i := range x.Data {
		x.Data[i] = float32((i * 37) % 256)
	}
	got := mustDecode(t, encodePNG(t, ToImage(x)))
	if d := tensor.MaxAbsDiff(got, x); d != 0 {
		t.Errorf("round trip differs by %g", d)
	}
	if !bytes.Equal(ToImage(got).Pix, ToImage(x).Pix) {
		t.Error("ToImage not deterministic")
	}
}

func TestToImagePanicsOnWrongShape(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("ToImage([2,2]) did not panic")
		}
	}()
	ToImage(tensor.New(2, 2))
}
