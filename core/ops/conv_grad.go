package ops

import (
	"fmt"

	"visage/core/tensor"
)

// ConvBackwardInput returns dL/dx for y = Conv(x, w, bias, strides, pad), given
// dy = dL/dy shaped like y ([o1..ok,Cout]), the kernel w [k1..kk,Cin,Cout] and
// x's shape [s1..sk,Cin] (k = 1, 2 or 3 spatial dims; strides nil means 1).
// The bias does not enter. dy and w are not modified; the result is new.
// Mismatched shapes are programming errors and panic.
//
// The input gradient of a cross-correlation is itself a cross-correlation:
// along each axis (input length n, kernel k, stride s) dy is dilated by the
// stride (s−1 zeros between values), padded with k−1−pad_before zeros in
// front and with zeros behind up to a length of n+k−1, and
// correlated ('valid', stride 1) with the kernel flipped in every spatial
// dimension and with Cin and Cout swapped. So the 2-D case runs on the same
// im2col + GEMM path as the forward Conv2D.
func ConvBackwardInput(dy, w *tensor.Tensor, xShape []int, strides []int, pad Padding) *tensor.Tensor {
	k := len(xShape) - 1
	if k < 1 || k > 3 || w.Rank() != k+2 || dy.Rank() != k+1 {
		panic(fmt.Sprintf("ops: ConvBackwardInput: dy %v, w %v, x %v: want ranks k+1, k+2, k+1 with k in 1..3", dy.Shape, w.Shape, xShape))
	}
	cin, cout := xShape[k], w.Shape[k+1]
	if w.Shape[k] != cin || dy.Shape[k] != cout {
		panic(fmt.Sprintf("ops: ConvBackwardInput: dy %v, w %v, x %v: channel mismatch", dy.Shape, w.Shape, xShape))
	}
	if strides == nil {
		strides = make([]int, k)
		for i := range strides {
			strides[i] = 1
		}
	}
	if len(strides) != k {
		panic(fmt.Sprintf("ops: ConvBackwardInput: %d strides for %d spatial dims", len(strides), k))
	}
	// Geometry of the padded, dilated dy: front[d] zeros, then dy's values
	// strides[d] apart, then zeros up to padded[d] = n_d + k_d − 1.
	front := make([]int, k)
	padded := make([]int, k+1)
	for d := range k {
		out, before := window(xShape[d], w.Shape[d], strides[d], pad)
		if dy.Shape[d] != out {
			panic(fmt.Sprintf("ops: ConvBackwardInput: dy %v does not match x %v, w %v, strides %v, padding %v", dy.Shape, xShape, w.Shape, strides, pad))
		}
		front[d] = w.Shape[d] - 1 - before
		padded[d] = xShape[d] + w.Shape[d] - 1
	}
	padded[k] = cout
	p := tensor.New(padded...)
	idx := make([]int, k)
	for src := 0; src < dy.Len(); src += cout {
		off := 0
		for d := range k {
			off = off*padded[d] + front[d] + idx[d]*strides[d]
		}
		copy(p.Data[off*cout:(off+1)*cout], dy.Data[src:src+cout])
		nextIndex(idx, dy.Shape[:k])
	}
	wf := flipKernel(w)
	if k == 2 {
		return Conv2D(p, wf, nil, 1, 1, Valid)
	}
	return Conv(p, wf, nil, nil, Valid)
}

// flipKernel returns w [k1..kk,Cin,Cout] reversed in every spatial dimension,
// with its channel axes swapped: [k1..kk,Cout,Cin].
func flipKernel(w *tensor.Tensor) *tensor.Tensor {
	k := w.Rank() - 2
	cin, cout := w.Shape[k], w.Shape[k+1]
	shape := append([]int(nil), w.Shape...)
	shape[k], shape[k+1] = cout, cin
	f := tensor.New(shape...)
	idx := make([]int, k)
	for src := 0; src < w.Len(); src += cin * cout {
		dst := 0 // offset of the spatially reversed position
		for d := range k {
			dst = dst*w.Shape[d] + w.Shape[d] - 1 - idx[d]
		}
		in := w.Data[src : src+cin*cout]
		out := f.Data[dst*cin*cout : (dst+1)*cin*cout]
		for ci := range cin {
			for co := range cout {
				out[co*cin+ci] = in[ci*cout+co]
			}
		}
		nextIndex(idx, w.Shape[:k])
	}
	return f
}
