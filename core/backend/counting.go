package backend

import (
	"sync/atomic"

	"visage/core/ops"
	"visage/core/tensor"
)

// Counting is a Backend that runs every kernel on the Backend it wraps and
// counts the floating-point operations of the matrix kernels, 2 per
// multiply-add, from their operands' and results' shapes: Conv2DFused
// (2·oh·ow·Cout·kh·kw·Cin), DepthwiseConv2DFused (2·oh·ow·C·mult·kh·kw),
// FullyConnected (2·N·Out·In) and MatMul (2·M·N·K). Biases, epilogues,
// pooling and element-wise kernels are left out: on the networks here they
// are well under 1% of the work. Running a network's forward pass on a
// Counting gives its FLOPs per pass, without writing its architecture out
// a second time. A Counting may be used from several goroutines as far as
// the wrapped Backend may.
type Counting[T any] struct {
	Backend[T]
	flops atomic.Int64
}

// NewCounting returns a Counting over b, its count at 0.
func NewCounting[T any](b Backend[T]) *Counting[T] { return &Counting[T]{Backend: b} }

// FLOPs returns the floating-point operations counted so far.
func (c *Counting[T]) FLOPs() float64 { return float64(c.flops.Load()) }

// count adds 2·|y|·perOutput: each of y's values takes perOutput
// multiply-adds.
func (c *Counting[T]) count(y T, perOutput int) T {
	n := 2 * perOutput
	for _, d := range c.Shape(y) {
		n *= d
	}
	c.flops.Add(int64(n))
	return y
}

func (c *Counting[T]) Conv2DFused(x, w, bias T, strideH, strideW int, pad ops.Padding, ep Epilogue[T]) T {
	s := c.Shape(w) // [kh,kw,Cin,Cout]
	return c.count(c.Backend.Conv2DFused(x, w, bias, strideH, strideW, pad, ep), s[0]*s[1]*s[2])
}

func (c *Counting[T]) DepthwiseConv2DFused(x, w, bias T, strideH, strideW int, pad ops.Padding, ep Epilogue[T]) T {
	s := c.Shape(w) // [kh,kw,C,mult]
	return c.count(c.Backend.DepthwiseConv2DFused(x, w, bias, strideH, strideW, pad, ep), s[0]*s[1])
}

func (c *Counting[T]) FullyConnected(x, w, bias T) T {
	return c.count(c.Backend.FullyConnected(x, w, bias), c.Shape(w)[0]) // w [In,Out]
}

func (c *Counting[T]) MatMul(a, b T) T {
	return c.count(c.Backend.MatMul(a, b), c.Shape(b)[0]) // b [K,N]
}

// CountFLOPs returns the FLOPs that pass runs on the backend it is given: a
// Counting over the CPU. A network's FLOPs per forward pass is its forward
// run on zero weights of its shapes and a zero input.
func CountFLOPs(pass func(b Backend[*tensor.Tensor])) float64 {
	c := NewCounting(Backend[*tensor.Tensor](NewCPU()))
	pass(c)
	return c.FLOPs()
}
