package backend

import (
	"fmt"
	"math"
	"slices"

	"visage/core/ops"
	"visage/core/tensor"
)

// Elementwise is the kernels a TensorFlow.js graph model (visage/models/graph)
// needs beyond Backend's: element-wise maps, arithmetic with numpy
// broadcasting, reductions, softmax and the layout copies around them
// (transpose, padding, batching). A backend declares them by implementing
// this interface, as a TensorFlow.js backend registers kernels; a graph
// whose ops need one is refused, by name, on a backend that does not.
//
// As for Backend, shape mismatches panic. The kernels that take dst write
// their result into it when it is not the zero T (nil) and return it; dst
// must have the output's shape and may be one of the operands. Otherwise
// the result is a new tensor.
type Elementwise[T any] interface {
	// Unary is op applied to every element of x.
	Unary(op UnaryOp, x, dst T) T
	// Binary is op(a, b) with numpy broadcasting: the shapes are aligned at
	// their last dimension and a dimension of 1 (or a missing one) repeats.
	Binary(op BinaryOp, a, b, dst T) T
	// Reduce folds x over axes (each in [0, rank), any order), dropping
	// them, or keeping each as a dimension of 1 when keepDims. Sums
	// accumulate in float64.
	Reduce(op ReduceOp, x T, axes []int, keepDims bool) T
	// Softmax normalises x along its last dimension: exp(v−max)/Σexp(v−max).
	Softmax(x, dst T) T
	// Transpose2D is ops.Transpose2D: [m,n] → [n,m], a new tensor.
	Transpose2D(x T) T
	// PadSpatial is ops.PadSpatial with zeros: x [H,W,C] to
	// [top+H+bottom, left+W+right, C], a new tensor.
	PadSpatial(x T, top, bottom, left, right int) T
	// Unstack returns x [N,…] as N new tensors [...], one per index of its
	// first dimension (on the CPU, views of x's storage, which must then
	// not be written while they are in use).
	Unstack(x T) []T
	// Stack returns a new [len(xs),…] tensor from xs, all of one shape.
	Stack(xs []T) T
}

// UnaryOp names an element-wise map, after its TensorFlow op.
type UnaryOp string

// The unary ops: Relu max(x,0), Relu6 min(max(x,0),6), Sigmoid 1/(1+e⁻ˣ),
// Abs, Neg, Square x², Sqrt, Rsqrt 1/√x, Exp, Log, Tanh, Elu (eˣ−1 below 0).
const (
	UnaryRelu    UnaryOp = "Relu"
	UnaryRelu6   UnaryOp = "Relu6"
	UnarySigmoid UnaryOp = "Sigmoid"
	UnaryAbs     UnaryOp = "Abs"
	UnaryNeg     UnaryOp = "Neg"
	UnarySquare  UnaryOp = "Square"
	UnarySqrt    UnaryOp = "Sqrt"
	UnaryRsqrt   UnaryOp = "Rsqrt"
	UnaryExp     UnaryOp = "Exp"
	UnaryLog     UnaryOp = "Log"
	UnaryTanh    UnaryOp = "Tanh"
	UnaryElu     UnaryOp = "Elu"
)

// BinaryOp names a broadcasting arithmetic op.
type BinaryOp string

// The binary ops: a+b, a−b, a·b, a/b, max, min, (a−b)², and Prelu: a where
// a ≥ 0, else a·b (b the slope, per channel when [C]). Maximum and Minimum
// propagate a NaN in either operand.
const (
	BinaryAdd               BinaryOp = "Add"
	BinarySub               BinaryOp = "Sub"
	BinaryMul               BinaryOp = "Mul"
	BinaryDiv               BinaryOp = "Div"
	BinaryMaximum           BinaryOp = "Maximum"
	BinaryMinimum           BinaryOp = "Minimum"
	BinarySquaredDifference BinaryOp = "SquaredDifference"
	BinaryPrelu             BinaryOp = "Prelu"
)

// ReduceOp names a reduction.
type ReduceOp string

// The reductions: Sum, Mean, Max and Min.
const (
	ReduceSum  ReduceOp = "Sum"
	ReduceMean ReduceOp = "Mean"
	ReduceMax  ReduceOp = "Max"
	ReduceMin  ReduceOp = "Min"
)

// UnaryOps, BinaryOps and ReduceOps list every op of each kind.
var (
	UnaryOps  = []UnaryOp{UnaryRelu, UnaryRelu6, UnarySigmoid, UnaryAbs, UnaryNeg, UnarySquare, UnarySqrt, UnaryRsqrt, UnaryExp, UnaryLog, UnaryTanh, UnaryElu}
	BinaryOps = []BinaryOp{BinaryAdd, BinarySub, BinaryMul, BinaryDiv, BinaryMaximum, BinaryMinimum, BinarySquaredDifference, BinaryPrelu}
	ReduceOps = []ReduceOp{ReduceSum, ReduceMean, ReduceMax, ReduceMin}
)

// BroadcastShape returns the numpy broadcast of shapes a and b, or an error
// naming both when they do not broadcast.
func BroadcastShape(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := range r {
		da, db := dimFromEnd(a, r-1-i), dimFromEnd(b, r-1-i)
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// ReducedShape returns the shape Reduce gives x of shape shape, or an error
// for an axis out of range.
func ReducedShape(shape, axes []int, keepDims bool) ([]int, error) {
	red, err := reducedAxes(len(shape), axes)
	if err != nil {
		return nil, err
	}
	out := []int{}
	for i, d := range shape {
		switch {
		case !red[i]:
			out = append(out, d)
		case keepDims:
			out = append(out, 1)
		}
	}
	return out, nil
}

// reducedAxes returns which axes of a rank-r tensor axes names.
func reducedAxes(rank int, axes []int) ([]bool, error) {
	red := make([]bool, rank)
	for _, a := range axes {
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("axis %d out of range for rank %d", a, rank)
		}
		red[a] = true
	}
	return red, nil
}

// dimFromEnd returns shape's dimension k places from the end, 1 beyond it.
func dimFromEnd(shape []int, k int) int {
	if k >= len(shape) {
		return 1
	}
	return shape[len(shape)-1-k]
}

// into returns dst, or a new tensor of shape when dst is nil.
func into(dst *tensor.Tensor, shape []int) *tensor.Tensor {
	if dst == nil {
		return tensor.New(shape...)
	}
	if !slices.Equal(dst.Shape, shape) {
		panic(fmt.Sprintf("backend: dst of shape %v for a result of shape %v", dst.Shape, shape))
	}
	return dst
}

func (*CPU) Unary(op UnaryOp, x, dst *tensor.Tensor) *tensor.Tensor {
	f, ok := unaryFns[op]
	if !ok {
		panic(fmt.Sprintf("backend: no unary op %q", op))
	}
	y := into(dst, x.Shape)
	f(y.Data, x.Data)
	return y
}

// unaryFns computes each unary op from src into dst (same length; dst may
// be src).
var unaryFns = map[UnaryOp]func(dst, src []float32){
	UnaryRelu: func(d, s []float32) {
		copy(d, s)
		ops.ReLU(&tensor.Tensor{Data: d})
	},
	UnaryRelu6: func(d, s []float32) {
		copy(d, s)
		ops.ReLU6(&tensor.Tensor{Data: d})
	},
	UnarySigmoid: func(d, s []float32) {
		copy(d, s)
		ops.Sigmoid(&tensor.Tensor{Data: d})
	},
	UnaryAbs: func(d, s []float32) {
		for i, v := range s {
			d[i] = float32(math.Abs(float64(v)))
		}
	},
	UnaryNeg: func(d, s []float32) {
		for i, v := range s {
			d[i] = -v
		}
	},
	UnarySquare: func(d, s []float32) {
		for i, v := range s {
			d[i] = v * v
		}
	},
	UnarySqrt:  float64Fn(math.Sqrt),
	UnaryRsqrt: float64Fn(func(v float64) float64 { return 1 / math.Sqrt(v) }),
	UnaryExp:   float64Fn(math.Exp),
	UnaryLog:   float64Fn(math.Log),
	UnaryTanh:  float64Fn(math.Tanh),
	UnaryElu: float64Fn(func(v float64) float64 {
		if v < 0 {
			return math.Expm1(v)
		}
		return v
	}),
}

// float64Fn applies f in float64, rounding once to float32.
func float64Fn(f func(float64) float64) func(d, s []float32) {
	return func(d, s []float32) {
		for i, v := range s {
			d[i] = float32(f(float64(v)))
		}
	}
}

// binFns is a binary op's loops over a row: vector-vector, vector-scalar
// and scalar-vector.
type binFns struct {
	vv func(d, a, b []float32)
	vs func(d, a []float32, y float32)
	sv func(d []float32, x float32, b []float32)
}

func (*CPU) Binary(op BinaryOp, a, b, dst *tensor.Tensor) *tensor.Tensor {
	f, ok := binaryFns[op]
	if !ok {
		panic(fmt.Sprintf("backend: no binary op %q", op))
	}
	out, err := BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		panic("backend: Binary: " + err.Error())
	}
	y := into(dst, out)
	d := y.Data
	switch {
	case len(a.Data) == len(d) && len(b.Data) == len(d):
		f.vv(d, a.Data, b.Data)
	case len(a.Data) == len(d) && len(b.Data) == 1:
		f.vs(d, a.Data, b.Data[0])
	case len(b.Data) == len(d) && len(a.Data) == 1:
		f.sv(d, a.Data[0], b.Data)
	default:
		f.general(d, a, b, out)
	}
	return y
}

// general walks the output row by row (a row: the last dimension), each
// operand contributing a row or, where it is broadcast, one value.
func (f binFns) general(d []float32, a, b *tensor.Tensor, out []int) {
	r := len(out)
	if r == 0 || len(d) == 0 {
		if len(d) == 1 {
			f.vv(d, a.Data[:1], b.Data[:1])
		}
		return
	}
	sa, sb := bstrides(a.Shape, out), bstrides(b.Shape, out)
	n := out[r-1]
	idx := make([]int, r-1)
	offA, offB := 0, 0
	for o := 0; o < len(d); o += n {
		row := d[o : o+n]
		switch {
		case sa[r-1] != 0 && sb[r-1] != 0:
			f.vv(row, a.Data[offA:offA+n], b.Data[offB:offB+n])
		case sa[r-1] != 0:
			f.vs(row, a.Data[offA:offA+n], b.Data[offB])
		case sb[r-1] != 0:
			f.sv(row, a.Data[offA], b.Data[offB:offB+n])
		default:
			f.vs(row[:1], a.Data[offA:offA+1], b.Data[offB])
			for i := 1; i < n; i++ {
				row[i] = row[0]
			}
		}
		for ax := r - 2; ax >= 0; ax-- { // next row: odometer over idx
			idx[ax]++
			offA += sa[ax]
			offB += sb[ax]
			if idx[ax] < out[ax] {
				break
			}
			offA -= sa[ax] * out[ax]
			offB -= sb[ax] * out[ax]
			idx[ax] = 0
		}
	}
}

// bstrides returns shape's row-major strides aligned to out's rank, 0 where
// shape is broadcast (missing or size 1).
func bstrides(shape, out []int) []int {
	st := make([]int, len(out))
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		k := len(out) - 1 - i
		if d := dimFromEnd(shape, k); k < len(shape) && d != 1 {
			st[i] = s
			s *= d
		} else if k < len(shape) {
			s *= d
		}
	}
	return st
}

func (*CPU) Softmax(x, dst *tensor.Tensor) *tensor.Tensor {
	if x.Rank() == 0 {
		panic("backend: Softmax of a scalar")
	}
	y := into(dst, x.Shape)
	n := x.Shape[x.Rank()-1]
	if n == 0 {
		return y
	}
	for o := 0; o < len(y.Data); o += n {
		src, row := x.Data[o:o+n], y.Data[o:o+n]
		m := src[0]
		for _, v := range src {
			m = max32(m, v)
		}
		sum := 0.0
		for i, v := range src {
			e := math.Exp(float64(v - m))
			row[i] = float32(e)
			sum += e
		}
		inv := 1 / sum
		for i, v := range row {
			row[i] = float32(float64(v) * inv)
		}
	}
	return y
}

func (*CPU) Transpose2D(x *tensor.Tensor) *tensor.Tensor { return ops.Transpose2D(x) }

func (*CPU) PadSpatial(x *tensor.Tensor, top, bottom, left, right int) *tensor.Tensor {
	return ops.PadSpatial(x, top, bottom, left, right, 0)
}

// Unstack returns views of x's storage.
func (*CPU) Unstack(x *tensor.Tensor) []*tensor.Tensor {
	if x.Rank() == 0 {
		panic("backend: Unstack of a scalar")
	}
	n, shape := x.Shape[0], x.Shape[1:]
	per := tensor.Size(shape)
	out := make([]*tensor.Tensor, n)
	for i := range n {
		out[i] = &tensor.Tensor{Shape: slices.Clone(shape), Data: x.Data[i*per : (i+1)*per]}
	}
	return out
}

func (*CPU) Stack(xs []*tensor.Tensor) *tensor.Tensor {
	if len(xs) == 0 {
		panic("backend: Stack of no tensors")
	}
	y := tensor.New(append([]int{len(xs)}, xs[0].Shape...)...)
	per := xs[0].Len()
	for i, x := range xs {
		sameShape("Stack", xs[0], x)
		copy(y.Data[i*per:], x.Data)
	}
	return y
}

func max32(x, y float32) float32 {
	if x > y || x != x {
		return x
	}
	return y
}

func min32(x, y float32) float32 {
	if x < y || x != x {
		return x
	}
	return y
}

// The CPU has the graph kernels.
var _ Elementwise[*tensor.Tensor] = (*CPU)(nil)
