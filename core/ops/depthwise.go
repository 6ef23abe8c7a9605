package ops

import (
	"fmt"

	"visage/core/tensor"
)

// DepthwiseConv2D convolves each input channel with its own filters:
// x [H,W,C], w [kh,kw,C,mult], bias C*mult values or nil. Output channel
// c*mult+m is channel c filtered by w[:,:,c,m] (TensorFlow's depthwiseConv2d).
// It returns a new [oh,ow,C*mult] tensor. In the browser, one filter per
// channel (mult = 1) with C a multiple of 16 (MobileNet's layers) runs on
// the WebAssembly SIMD kernels when the host provides them (depthwiseSIMD).
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
	if oh*ow == 0 || mult == 1 && depthwiseSIMD(x.Data, w.Data, bias, y.Data, h, wd, c, kh, kw, strideH, strideW, top, left, oh, ow) {
		return y
	}
	// Output rows are independent: share them among goroutines.
	forEachPart(oh, workerCount(oh*ow*cm*kh*kw, oh), func(oy int) {
		iy0 := oy*strideH - top
		ky0, ky1 := max(0, -iy0), min(kh, h-iy0) // taps that land inside
		for ox := range ow {
			ix0 := ox*strideW - left
			kx0, kx1 := max(0, -ix0), min(kw, wd-ix0)
			acc := y.Data[(oy*ow+ox)*cm : (oy*ow+ox+1)*cm]
			if bias != nil {
				copy(acc, bias)
			}
			for ky := ky0; ky < ky1; ky++ {
				for kx := kx0; kx < kx1; kx++ {
					xr := x.Data[((iy0+ky)*wd+ix0+kx)*c:][:c]
					wr := w.Data[(ky*kw+kx)*cm:][:cm]
					if mult == 1 {
						// MobileNet's case: one multiply-add per channel, a long
						// loop without the division below.
						mulAdd(acc, xr, wr)
						continue
					}
					for i, wv := range wr { // output channel i reads input i/mult
						acc[i] += xr[i/mult] * wv
					}
				}
			}
		}
	})
	return y
}
