package art

import (
	"math/rand/v2"
	"slices"
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/facerec"
)

// TestFaceRecFieldIsDependence checks FaceRecField against the face encoder
// itself: changing a chip pixel just outside a unit's window leaves every
// channel of the unit exactly as it was, and changing one on the window's
// edge (top-left and bottom-right corners) moves some channel.
func TestFaceRecFieldIsDependence(t *testing.T) {
	net := assettest.FaceModel(t, facerec.Manifest, facerec.Load)
	rng := rand.New(rand.NewPCG(5, 6))
	chip := tensor.New(facerec.Size, facerec.Size, 3)
	for i := range chip.Data {
		chip.Data[i] = float32(rng.IntN(256))
	}
	unit := func(img *tensor.Tensor, layer string, y, x int) []float32 {
		acts, err := net.Activations(img, layer)
		if err != nil {
			t.Fatal(err)
		}
		a := acts[0]
		c := a.Shape[2]
		i := (y*a.Shape[1] + x) * c
		return slices.Clone(a.Data[i : i+c])
	}
	poked := func(r, c int) *tensor.Tensor {
		img := chip.Clone()
		for ch := range 3 {
			v := img.At(r, c, ch)
			img.Set(255-v, r, c, ch) // far from what it was
		}
		return img
	}
	for _, tc := range []struct {
		layer string
		y, x  int
	}{{"conv32_down", 30, 20}, {"conv32_1", 17, 17}, {"conv32_3", 20, 15}, {"conv64_down", 9, 8}} {
		f, err := FaceRecField(tc.layer)
		if err != nil {
			t.Fatal(err)
		}
		top, left := f.Offset+tc.y*f.Stride, f.Offset+tc.x*f.Stride
		bottom, right := top+f.Size-1, left+f.Size-1 // inclusive
		if top < 1 || left < 1 || bottom > facerec.Size-2 || right > facerec.Size-2 {
			t.Fatalf("%s (%d,%d): window rows %d…%d, columns %d…%d: the test wants it inside the chip with a pixel to spare", tc.layer, tc.y, tc.x, top, bottom, left, right)
		}
		base := unit(chip, tc.layer, tc.y, tc.x)
		for _, p := range [][2]int{{top - 1, left}, {top, left - 1}, {bottom + 1, right}, {bottom, right + 1}} {
			if got := unit(poked(p[0], p[1]), tc.layer, tc.y, tc.x); !slices.Equal(got, base) {
				t.Errorf("%s unit (%d,%d), field %+v: pixel %v outside its window changed it", tc.layer, tc.y, tc.x, f, p)
			}
		}
		for _, p := range [][2]int{{top, left}, {bottom, right}} {
			if got := unit(poked(p[0], p[1]), tc.layer, tc.y, tc.x); slices.Equal(got, base) {
				t.Errorf("%s unit (%d,%d), field %+v: pixel %v on its window's corner left it unchanged", tc.layer, tc.y, tc.x, f, p)
			}
		}
	}
}
