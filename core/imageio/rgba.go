package imageio

import (
	"fmt"

	"visage/core/tensor"
)

// FromRGBA returns width×height RGBA pixels (4 bytes a pixel, row by row,
// as a canvas's ImageData holds them) as a new [H,W,3] RGB tensor with
// values 0..255, alpha ignored. The size must pass CheckSize, and pix must
// hold exactly width·height·4 bytes.
func FromRGBA(width, height int, pix []byte) (*tensor.Tensor, error) {
	if err := CheckSize("RGBA pixels", width, height); err != nil {
		return nil, err
	}
	if len(pix) != width*height*4 {
		return nil, fmt.Errorf("imageio: %dx%d RGBA pixels need %d bytes of data, found %d", width, height, width*height*4, len(pix))
	}
	img := tensor.New(height, width, 3)
	for i := range width * height {
		img.Data[3*i] = float32(pix[4*i])
		img.Data[3*i+1] = float32(pix[4*i+1])
		img.Data[3*i+2] = float32(pix[4*i+2])
	}
	return img, nil
}
