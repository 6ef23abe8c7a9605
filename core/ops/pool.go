package ops

import (
	"fmt"
	"math"

	"visage/core/tensor"
)

// MaxPool2D returns a new [oh,ow,C] tensor holding the maximum of each kh×kw
// window of x [H,W,C]. With Same padding the padded cells are ignored, as in
// TensorFlow. In the browser, C a multiple of 16 runs on the WebAssembly
// SIMD kernels when the host provides them.
func MaxPool2D(x *tensor.Tensor, kh, kw, strideH, strideW int, pad Padding) *tensor.Tensor {
	return pool2D(x, kh, kw, strideH, strideW, pad, true)
}

// AvgPool2D returns a new [oh,ow,C] tensor holding the mean of each kh×kw
// window of x [H,W,C]. With Same padding the mean is over the in-bounds cells
// only, as in TensorFlow.
func AvgPool2D(x *tensor.Tensor, kh, kw, strideH, strideW int, pad Padding) *tensor.Tensor {
	return pool2D(x, kh, kw, strideH, strideW, pad, false)
}

// pool2D reduces each window's in-bounds cells by max (isMax) or mean.
func pool2D(x *tensor.Tensor, kh, kw, strideH, strideW int, pad Padding, isMax bool) *tensor.Tensor {
	if x.Rank() != 3 {
		panic(fmt.Sprintf("ops: pooling wants [H,W,C], got %v", x.Shape))
	}
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	oh, top := window(h, kh, strideH, pad)
	ow, left := window(w, kw, strideW, pad)
	y := tensor.New(oh, ow, c)
	if oh*ow == 0 || isMax && maxPoolSIMD(x.Data, y.Data, h, w, c, kh, kw, strideH, strideW, top, left, oh, ow) {
		return y
	}
	for oy := range oh {
		y0, y1 := max(oy*strideH-top, 0), min(oy*strideH-top+kh, h)
		for ox := range ow {
			x0, x1 := max(ox*strideW-left, 0), min(ox*strideW-left+kw, w)
			acc := y.Data[(oy*ow+ox)*c : (oy*ow+ox+1)*c]
			if isMax {
				for i := range acc {
					acc[i] = float32(math.Inf(-1))
				}
			}
			for iy := y0; iy < y1; iy++ {
				for ix := x0; ix < x1; ix++ {
					cell := x.Data[(iy*w+ix)*c : (iy*w+ix+1)*c]
					if isMax {
						maxInto(acc, cell)
					} else {
						addInto(acc, cell)
					}
				}
			}
			if !isMax {
				inv := 1 / float32((y1-y0)*(x1-x0))
				for i := range acc {
					acc[i] *= inv
				}
			}
		}
	}
	return y
}

// maxInto sets acc[i] to the larger of acc[i] and src[i], NaN if either is
// NaN, like max but without the call per element max costs in js/wasm.
func maxInto(acc, src []float32) {
	src = src[:len(acc)]
	for i, v := range src {
		if v > acc[i] || v != v {
			acc[i] = v
		}
	}
}

// addInto adds src to acc element by element.
func addInto(acc, src []float32) {
	src = src[:len(acc)]
	for i, v := range src {
		acc[i] += v
	}
}

// GlobalAvgPool returns the per-channel mean of x [H,W,C] as a new [C] tensor.
func GlobalAvgPool(x *tensor.Tensor) *tensor.Tensor {
	if x.Rank() != 3 {
		panic(fmt.Sprintf("ops: GlobalAvgPool wants [H,W,C], got %v", x.Shape))
	}
	c := x.Shape[2]
	sum := make([]float64, c)
	for i, v := range x.Data {
		sum[i%c] += float64(v)
	}
	y := tensor.New(c)
	n := float64(x.Shape[0] * x.Shape[1])
	for i, s := range sum {
		y.Data[i] = float32(s / n)
	}
	return y
}
