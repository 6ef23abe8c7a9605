package ops

import (
	"fmt"

	"visage/core/tensor"
)

// MaxPool2DBackward returns dL/dx for y = MaxPool2D(x, kh, kw, strideH,
// strideW, pad), given dy = dL/dy [oh,ow,C] and the forward input x [H,W,C]
// (neither modified). Each dy value goes to the cell that won its window (the
// first in row-major order on ties, as TensorFlow); padding cells never win.
// Shapes that do not match are a programming error and panic.
func MaxPool2DBackward(dy, x *tensor.Tensor, kh, kw, strideH, strideW int, pad Padding) *tensor.Tensor {
	dx := tensor.New(x.Shape...)
	c := x.Shape[2]
	best := make([]int, c) // flat index into x of each channel's winner
	forEachWindow(dy, x.Shape, kh, kw, strideH, strideW, pad, func(o int, cells []int) {
		for ch := range c {
			best[ch] = cells[0] + ch
		}
		for _, cell := range cells[1:] {
			for ch := range c {
				if x.Data[cell+ch] > x.Data[best[ch]] {
					best[ch] = cell + ch
				}
			}
		}
		for ch := range c {
			dx.Data[best[ch]] += dy.Data[o+ch]
		}
	})
	return dx
}

// AvgPool2DBackward returns dL/dx [H,W,C] = xShape for y = AvgPool2D(x, kh,
// kw, strideH, strideW, pad), given dy = dL/dy [oh,ow,C] (not modified). Each
// dy value is shared equally by the in-bounds cells of its window (padding
// cells are not counted, as in the forward pass). Shapes that do not match are
// a programming error and panic.
func AvgPool2DBackward(dy *tensor.Tensor, xShape []int, kh, kw, strideH, strideW int, pad Padding) *tensor.Tensor {
	dx := tensor.New(xShape...)
	c := xShape[2]
	forEachWindow(dy, xShape, kh, kw, strideH, strideW, pad, func(o int, cells []int) {
		inv := 1 / float32(len(cells))
		for _, cell := range cells {
			for ch := range c {
				dx.Data[cell+ch] += dy.Data[o+ch] * inv
			}
		}
	})
	return dx
}

// forEachWindow calls f for each output cell of a 2-D pooling of an [H,W,C]
// input with dy's [oh,ow,C] output: o is the flat offset of the output cell's
// channel 0 in dy, cells the offsets of channel 0 of the in-bounds input cells
// of its window (never empty), row-major. cells is reused between calls.
func forEachWindow(dy *tensor.Tensor, xShape []int, kh, kw, strideH, strideW int, pad Padding, f func(o int, cells []int)) {
	if len(xShape) != 3 || dy.Rank() != 3 || dy.Shape[2] != xShape[2] {
		panic(fmt.Sprintf("ops: pooling backward: dy %v, x %v: want [oh,ow,C] and [H,W,C]", dy.Shape, xShape))
	}
	h, w, c := xShape[0], xShape[1], xShape[2]
	oh, top := window(h, kh, strideH, pad)
	ow, left := window(w, kw, strideW, pad)
	if dy.Shape[0] != oh || dy.Shape[1] != ow {
		panic(fmt.Sprintf("ops: pooling backward: dy %v, want [%d,%d,%d] for x %v", dy.Shape, oh, ow, c, xShape))
	}
	cells := make([]int, 0, kh*kw)
	for oy := range oh {
		for ox := range ow {
			cells = cells[:0]
			for ky := range kh {
				iy := oy*strideH + ky - top
				if iy < 0 || iy >= h {
					continue
				}
				for kx := range kw {
					ix := ox*strideW + kx - left
					if ix >= 0 && ix < w {
						cells = append(cells, (iy*w+ix)*c)
					}
				}
			}
			f((oy*ow+ox)*c, cells)
		}
	}
}
