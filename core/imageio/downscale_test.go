package imageio

import (
	"math"
	"testing"

	"visage/core/tensor"
)

func TestDownscaleAreaHandValues(t *testing.T) {
	// 3x3 → 2x2: each output pixel covers 1.5x1.5 input pixels.
	img, _ := tensor.FromData([]float32{0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3, 1)
	got := DownscaleArea(img, 2)
	// Top-left: (0 + 0.5·1 + 0.5·3 + 0.25·4) / 2.25 = 3/2.25.
	want := []float32{3.0 / 2.25, (0.5*1 + 2 + 0.25*4 + 0.5*5) / 2.25, (0.5*3 + 6 + 0.25*4 + 0.5*7) / 2.25, (0.25*4 + 0.5*5 + 0.5*7 + 8) / 2.25}
	for i := range want {
		if math.Abs(float64(got.Data[i]-want[i])) > 1e-5 {
			t.Fatalf("got %v, want %v", got.Data, want)
		}
	}
}

func TestDownscaleAreaKeepsMeanAndAspect(t *testing.T) {
	img := tensor.New(301, 117, 3)
	var sum float64
	for i := range img.Data {
		img.Data[i] = float32(i % 251)
		sum += float64(img.Data[i])
	}
	got := DownscaleArea(img, 100)
	if got.Shape[0] != 100 || got.Shape[1] != 39 {
		t.Fatalf("shape %v, want [100 39 3]", got.Shape)
	}
	var gs float64
	for _, v := range got.Data {
		gs += float64(v)
	}
	if m0, m1 := sum/float64(img.Len()), gs/float64(got.Len()); math.Abs(m0-m1) > 0.5 {
		t.Errorf("mean %v became %v", m0, m1)
	}
	if DownscaleArea(img, 400) != img {
		t.Error("a small image must be returned as is")
	}
}

func TestGreyscaleByHand(t *testing.T) {
	img := tensor.New(1, 2, 3)
	copy(img.Data, []float32{255, 0, 0, 10, 20, 30})
	got := Greyscale(img).Data
	// 0.299·255 = 76.245; 0.299·10 + 0.587·20 + 0.114·30 = 2.99 + 11.74 + 3.42 = 18.15
	want := []float32{76.245, 76.245, 76.245, 18.15, 18.15, 18.15}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-4 || d < -1e-4 {
			t.Fatalf("Greyscale = %v, want %v", got, want)
		}
	}
	if img.Data[0] != 255 {
		t.Fatal("Greyscale changed its input")
	}
}
