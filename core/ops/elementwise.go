package ops

import (
	"fmt"
	"math"

	"visage/core/tensor"
)

// ScaleBias computes v*scale[c]+bias[c] in place for every element of x, c
// being its index in the last dimension, and returns x. A nil scale means 1,
// a nil bias 0; otherwise each needs one value per channel.
func ScaleBias(x *tensor.Tensor, scale, bias []float32) *tensor.Tensor {
	if x.Rank() == 0 {
		panic("ops: ScaleBias on a scalar")
	}
	c := x.Shape[x.Rank()-1]
	if (scale != nil && len(scale) != c) || (bias != nil && len(bias) != c) {
		panic(fmt.Sprintf("ops: ScaleBias: %d scales and %d biases for %d channels", len(scale), len(bias), c))
	}
	if scaleBiasSIMD(x.Data, c, scale, bias) {
		return x
	}
	for i := 0; i < len(x.Data); i += c {
		row := x.Data[i : i+c]
		if scale != nil {
			for j, s := range scale {
				row[j] *= s
			}
		}
		if bias != nil {
			for j, b := range bias {
				row[j] += b
			}
		}
	}
	return x
}

// Add returns a new tensor a+b; a and b must have the same shape.
func Add(a, b *tensor.Tensor) *tensor.Tensor {
	return AddInPlace(a.Clone(), b)
}

// AddInPlace adds src to dst element by element and returns dst; the shapes
// must match.
func AddInPlace(dst, src *tensor.Tensor) *tensor.Tensor {
	if !tensor.SameShape(dst, src) {
		panic(fmt.Sprintf("ops: Add: shapes %v and %v differ", dst.Shape, src.Shape))
	}
	addClamp(dst.Data, src.Data[:len(dst.Data)], float32(math.Inf(-1)), float32(math.Inf(1)))
	return dst
}

// addClamp sets dst[i] to dst[i] + src[i] (src nil: dst[i]) clamped to
// [lo, hi], a NaN staying NaN: on the SIMD kernels where they run
// (addClampSIMD: the browser's, AVX2 natively), else addClampGo.
func addClamp(dst, src []float32, lo, hi float32) {
	if !addClampSIMD(dst, src, lo, hi) {
		addClampGo(dst, src, lo, hi)
	}
}

// addClampGo is addClamp's plain loop, the reference its SIMD kernels are
// tested against. It compares rather than calling min and max, which in
// js/wasm are a call per element.
func addClampGo(dst, src []float32, lo, hi float32) {
	if src != nil {
		src = src[:len(dst)]
	}
	for i, v := range dst {
		if src != nil {
			v += src[i]
		}
		if v < lo {
			v = lo
		} else if v > hi {
			v = hi
		}
		dst[i] = v
	}
}
