package lfw

import (
	"testing"

	"visage/core/tensor"
)

// SmallGrey halves a 250-high image to SmallGreySide, keeping the aspect,
// and leaves three equal channels.
func TestSmallGrey(t *testing.T) {
	img := tensor.New(250, 200, 3)
	for i := range img.Data {
		img.Data[i] = float32(i % 7 * 30)
	}
	got := SmallGrey(img)
	if h, w := got.Shape[0], got.Shape[1]; h != SmallGreySide || w != 100 {
		t.Fatalf("shape %v, want [125 100 3]", got.Shape)
	}
	for i := 0; i < len(got.Data); i += 3 {
		if got.Data[i] != got.Data[i+1] || got.Data[i] != got.Data[i+2] {
			t.Fatalf("pixel %d = %v, want three equal channels", i/3, got.Data[i:i+3])
		}
	}
}
