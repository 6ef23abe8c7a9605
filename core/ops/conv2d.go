package ops

import "visage/core/tensor"

// Conv2D is the fast 2-D convolution the networks call: x [H,W,Cin],
// w [kh,kw,Cin,Cout], bias Cout values or nil. It returns a new [oh,ow,Cout]
// tensor equal (up to float32 rounding) to Conv(x, w, bias, {strideH, strideW}, pad).
func Conv2D(x, w *tensor.Tensor, bias []float32, strideH, strideW int, pad Padding) *tensor.Tensor {
	if x.Rank() != 3 || w.Rank() != 4 {
		panic("ops: Conv2D wants x [H,W,Cin] and w [kh,kw,Cin,Cout]")
	}
	return Conv(x, w, bias, []int{strideH, strideW}, pad)
}
