package ops

import (
	"fmt"

	"visage/core/tensor"
)

// Conv is the reference N-D convolution (cross-correlation, as in TensorFlow)
// over k = 1, 2 or 3 spatial dimensions, written for clarity rather than speed
// and summing in float64; the fast kernels are tested against it.
//
// x is [s1..sk, Cin], w is [k1..kk, Cin, Cout], bias has Cout values or is nil,
// strides has k values or is nil (all 1). The result is a new tensor
// [o1..ok, Cout] with o_i given by pad (see Padding). Inconsistent shapes panic.
func Conv(x, w *tensor.Tensor, bias []float32, strides []int, pad Padding) *tensor.Tensor {
	k := x.Rank() - 1
	if k < 1 || w.Rank() != k+2 || w.Shape[k] != x.Shape[k] {
		panic(fmt.Sprintf("ops: Conv: input %v and filter %v do not match (want x [s1..sk,Cin], w [k1..kk,Cin,Cout])", x.Shape, w.Shape))
	}
	cin, cout := x.Shape[k], w.Shape[k+1]
	checkBias("Conv", bias, cout)
	if strides == nil {
		strides = make([]int, k)
		for i := range strides {
			strides[i] = 1
		}
	}
	if len(strides) != k {
		panic(fmt.Sprintf("ops: Conv: %d strides for %d spatial dims", len(strides), k))
	}
	outShape := make([]int, k+1)
	before := make([]int, k)
	for i := range k {
		outShape[i], before[i] = window(x.Shape[i], w.Shape[i], strides[i], pad)
	}
	outShape[k] = cout
	y := tensor.New(outShape...)
	if y.Len() == 0 {
		return y
	}

	o := make([]int, k)  // output position
	kp := make([]int, k) // filter position
	acc := make([]float64, cout)
	dst := y.Data
	for {
		for co := range acc {
			acc[co] = 0
			if bias != nil {
				acc[co] = float64(bias[co])
			}
		}
		for i := range kp {
			kp[i] = 0
		}
		wOff := 0 // offset of w[kp..., 0, 0]
		for {
			xOff, inside := 0, true
			for i := range k {
				p := o[i]*strides[i] - before[i] + kp[i]
				if p < 0 || p >= x.Shape[i] {
					inside = false
					break
				}
				xOff = xOff*x.Shape[i] + p
			}
			if inside {
				xOff *= cin
				for ci := range cin {
					xv := float64(x.Data[xOff+ci])
					wr := w.Data[wOff+ci*cout : wOff+(ci+1)*cout]
					for co, wv := range wr {
						acc[co] += xv * float64(wv)
					}
				}
			}
			wOff += cin * cout
			if !nextIndex(kp, w.Shape[:k]) {
				break
			}
		}
		for co, v := range acc {
			dst[co] = float32(v)
		}
		dst = dst[cout:]
		if !nextIndex(o, outShape[:k]) {
			return y
		}
	}
}

// nextIndex advances idx, an index into shape, to the next position in
// row-major order and reports false (leaving idx all zero) after the last.
func nextIndex(idx, shape []int) bool {
	for i := len(idx) - 1; i >= 0; i-- {
		idx[i]++
		if idx[i] < shape[i] {
			return true
		}
		idx[i] = 0
	}
	return false
}

// checkBias panics unless bias is nil or has n values.
func checkBias(op string, bias []float32, n int) {
	if bias != nil && len(bias) != n {
		panic(fmt.Sprintf("ops: %s: bias has %d values, want %d", op, len(bias), n))
	}
}
