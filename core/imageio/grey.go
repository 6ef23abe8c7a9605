package imageio

import "visage/core/tensor"

// Greyscale returns img ([H,W,3], RGB) with every pixel's three channels set
// to its luma, 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601, as JPEG and most
// cameras' grey modes compute it), so that colour-trained networks read it
// as a grey photo.
func Greyscale(img *tensor.Tensor) *tensor.Tensor {
	out := tensor.New(img.Shape...)
	for i := 0; i+2 < len(img.Data); i += 3 {
		y := 0.299*img.Data[i] + 0.587*img.Data[i+1] + 0.114*img.Data[i+2]
		out.Data[i], out.Data[i+1], out.Data[i+2] = y, y, y
	}
	return out
}
