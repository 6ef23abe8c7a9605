package imageio

import (
	"fmt"
	"image"
	"math"

	"visage/core/tensor"
)

// ToImage converts an [H,W,3] RGB tensor with values 0..255 into a new opaque
// image. Values are rounded to the nearest integer and clamped to 0..255 (NaN
// becomes 0). It panics when t is not [H,W,3], which is a programming error.
func ToImage(t *tensor.Tensor) *image.NRGBA {
	if t.Rank() != 3 || t.Shape[2] != 3 {
		panic(fmt.Sprintf("imageio: ToImage wants an [H,W,3] tensor, got shape %v", t.Shape))
	}
	h, w := t.Shape[0], t.Shape[1]
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for p := 0; p < h*w; p++ {
		s := t.Data[3*p : 3*p+3]
		img.Pix[4*p+0] = toByte(s[0])
		img.Pix[4*p+1] = toByte(s[1])
		img.Pix[4*p+2] = toByte(s[2])
		img.Pix[4*p+3] = 255 // opaque
	}
	return img
}

// toByte rounds v to the nearest integer in 0..255; NaN maps to 0.
func toByte(v float32) uint8 {
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= 255:
		return 255
	}
	return uint8(math.Round(float64(v)))
}
