package art

import "visage/core/tensor"

// PreserveColor returns a new image with the luminance of generated and the
// colour of content (both [H,W,3] RGB 0..255, same size): a luminance-only
// transfer done after stylization. Both are converted to YCbCr (ITU-R BT.601
// full range, as in JPEG), the generated Y is kept with the content's Cb and
// Cr, and the result converted back to RGB and clipped to 0..255. (Gatys et
// al., "Preserving Color in Neural Artistic Style Transfer", 2016, colour
// transfer by luminance only.) It panics when the shapes differ.
func PreserveColor(generated, content *tensor.Tensor) *tensor.Tensor {
	if !tensor.SameShape(generated, content) {
		panic("art: PreserveColor: images of different shapes")
	}
	out := tensor.New(generated.Shape...)
	for i := 0; i < len(out.Data); i += 3 {
		y, _, _ := toYCbCr(generated.Data[i : i+3])
		_, cb, cr := toYCbCr(content.Data[i : i+3])
		px := out.Data[i : i+3]
		px[0] = clip255(y + 1.402*cr)
		px[1] = clip255(y - 0.344136*cb - 0.714136*cr)
		px[2] = clip255(y + 1.772*cb)
	}
	return out
}

// toYCbCr converts one RGB pixel to Y, Cb − 128, Cr − 128 (BT.601 full range).
func toYCbCr(p []float32) (y, cb, cr float32) {
	r, g, b := p[0], p[1], p[2]
	y = 0.299*r + 0.587*g + 0.114*b
	cb = -0.168736*r - 0.331264*g + 0.5*b
	cr = 0.5*r - 0.418688*g - 0.081312*b
	return y, cb, cr
}

func clip255(v float32) float32 { return min(max(v, 0), 255) }
