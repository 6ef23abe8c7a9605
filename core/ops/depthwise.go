package ops

import (
	"fmt"

	"visage/core/tensor"
)

// DepthwiseConv2D convolves each input channel with its own filters:
// x [H,W,C], w [kh,kw,C,mult], bias C*mult values or nil. Output channel
// c*mult+m is channel c filtered by w[:,:,c,m] (TensorFlow's depthwiseConv2d).
// It returns a new [oh,ow,C*mult] tensor.
func DepthwiseConv2D(x, w *tensor.Tensor, bias []float32, strideH, strideW int, pad Padding) *tensor.Tensor {
	if x.Rank() != 3 || w.Rank() != 4 || w.Shape[2] != x.Shape[2] {
		panic(fmt.Sprintf("ops: DepthwiseConv2D: input %v and filter %v do not match (want x [H,W,C], w [kh,kw,C,mult])", x.Shape, w.Shape))
	}
	h, wd, c := x.Shape[0], x.Shape[1], x.Shape[2]
	kh, kw, mult := w.Shape[0], w.Shape[1], w.Shape[3]
	cm := c * mult
	checkBias("DepthwiseConv2D", bias, cm)
	oh, top := window(h, kh, strideH, pad)
	ow, left := window(wd, kw, strideW, pad)
	y := tensor.New(oh, ow, cm)
	for oy := range oh {
		for ox := range ow {
			acc := y.Data[(oy*ow+ox)*cm : (oy*ow+ox+1)*cm]
			if bias != nil {
				copy(acc, bias)
			}
			for ky := range kh {
				iy := oy*strideH - top + ky
				if iy < 0 || iy >= h {
					continue
				}
				for kx := range kw {
					ix := ox*strideW - left + kx
					if ix < 0 || ix >= wd {
						continue
					}
					xr := x.Data[(iy*wd+ix)*c : (iy*wd+ix+1)*c]
					wr := w.Data[(ky*kw+kx)*cm : (ky*kw+kx+1)*cm]
					for ci, xv := range xr {
						for m := range mult {
							acc[ci*mult+m] += xv * wr[ci*mult+m]
						}
					}
				}
			}
		}
	}
	return y
}
