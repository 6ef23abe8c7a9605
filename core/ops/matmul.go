package ops

import (
	"fmt"

	"visage/core/tensor"
)

// MatMul returns the new [M,N] product of a [M,K] and b [K,N].
func MatMul(a, b *tensor.Tensor) *tensor.Tensor {
	if a.Rank() != 2 || b.Rank() != 2 || a.Shape[1] != b.Shape[0] {
		panic(fmt.Sprintf("ops: MatMul: shapes %v and %v do not chain (want [M,K] and [K,N])", a.Shape, b.Shape))
	}
	m, k, n := a.Shape[0], a.Shape[1], b.Shape[1]
	c := tensor.New(m, n)
	gemm(m, n, k, a.Data, k, b.Data, n, c.Data, n)
	return c
}

// FullyConnected returns x·w + bias as a new tensor: x is [N,In] (a batch of
// rows) or [In] (one row), w is [In,Out], bias has Out values or is nil. The
// result is [N,Out] or [Out] accordingly.
func FullyConnected(x, w *tensor.Tensor, bias []float32) *tensor.Tensor {
	if w.Rank() != 2 || x.Rank() < 1 || x.Rank() > 2 || x.Shape[x.Rank()-1] != w.Shape[0] {
		panic(fmt.Sprintf("ops: FullyConnected: input %v and weights %v do not match (want [N,In] or [In], and [In,Out])", x.Shape, w.Shape))
	}
	in, out := w.Shape[0], w.Shape[1]
	checkBias("FullyConnected", bias, out)
	rows, shape := 1, []int{out}
	if x.Rank() == 2 {
		rows, shape = x.Shape[0], []int{x.Shape[0], out}
	}
	y := tensor.New(shape...)
	if bias != nil {
		for r := range rows {
			copy(y.Data[r*out:], bias)
		}
	}
	gemm(rows, out, in, x.Data, in, w.Data, out, y.Data, out)
	return y
}
