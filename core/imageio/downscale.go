package imageio

import "visage/core/tensor"

// DownscaleArea shrinks img ([H,W,C]) so that its larger side is maxSide,
// each output pixel the mean of the input pixels it covers (exact box
// filter, so no aliasing); images already small enough are returned as is.
func DownscaleArea(img *tensor.Tensor, maxSide int) *tensor.Tensor {
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	if max(h, w) <= maxSide {
		return img
	}
	s := float64(max(h, w)) / float64(maxSide)
	oh, ow := max(1, int(float64(h)/s+0.5)), max(1, int(float64(w)/s+0.5))
	sy, sx := float64(h)/float64(oh), float64(w)/float64(ow)
	out := tensor.New(oh, ow, c)
	acc := make([]float64, c)
	for oy := range oh {
		y0, y1 := float64(oy)*sy, float64(oy+1)*sy
		for ox := range ow {
			x0, x1 := float64(ox)*sx, float64(ox+1)*sx
			clear(acc)
			for y := int(y0); y < h && float64(y) < y1; y++ {
				wy := min(float64(y+1), y1) - max(float64(y), y0)
				for x := int(x0); x < w && float64(x) < x1; x++ {
					wxy := wy * (min(float64(x+1), x1) - max(float64(x), x0))
					for k := range c {
						acc[k] += wxy * float64(img.Data[(y*w+x)*c+k])
					}
				}
			}
			for k := range c {
				out.Data[(oy*ow+ox)*c+k] = float32(acc[k] / (sx * sy))
			}
		}
	}
	return out
}
