package graph

import (
	"fmt"
	"math"
	"slices"

	"visage/core/ops"
	"visage/core/tensor"
)

// --- unary ---------------------------------------------------------------

// unaryFns computes each unary op from src into dst (same length; dst may
// be src).
var unaryFns = map[string]func(dst, src []float32){
	"Relu": func(d, s []float32) {
		copy(d, s)
		ops.ReLU(&tensor.Tensor{Data: d})
	},
	"Relu6": func(d, s []float32) {
		copy(d, s)
		ops.ReLU6(&tensor.Tensor{Data: d})
	},
	"Sigmoid": func(d, s []float32) {
		copy(d, s)
		ops.Sigmoid(&tensor.Tensor{Data: d})
	},
	"Abs": func(d, s []float32) {
		for i, v := range s {
			d[i] = float32(math.Abs(float64(v)))
		}
	},
	"Neg": func(d, s []float32) {
		for i, v := range s {
			d[i] = -v
		}
	},
	"Square": func(d, s []float32) {
		for i, v := range s {
			d[i] = v * v
		}
	},
	"Sqrt":  float64Fn(math.Sqrt),
	"Rsqrt": float64Fn(func(v float64) float64 { return 1 / math.Sqrt(v) }),
	"Exp":   float64Fn(math.Exp),
	"Log":   float64Fn(math.Log),
	"Tanh":  float64Fn(math.Tanh),
	"Elu": float64Fn(func(v float64) float64 {
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

type unaryKernel struct{ f func(dst, src []float32) }

func (unaryKernel) infer(in [][]int) ([]int, error) { return slices.Clone(in[0]), nil }
func (k unaryKernel) run(in []*tensor.Tensor, out []int, dst *tensor.Tensor) *tensor.Tensor {
	if dst == nil {
		dst = tensor.New(out...)
	}
	k.f(dst.Data, in[0].Data)
	return dst
}

func buildUnary(f func(dst, src []float32)) builder {
	return func(_ nodeJSON, in []static) (built, error) {
		if err := arity(in, 1); err != nil {
			return built{}, err
		}
		return built{k: unaryKernel{f}, inPlace: true}, nil
	}
}

// --- binary with broadcasting ----------------------------------------------

type binFns struct {
	vv func(d, a, b []float32)
	vs func(d, a []float32, y float32)
	sv func(d []float32, x float32, b []float32)
}

type binaryKernel struct{ f binFns }

func buildBinary(op string) builder {
	return func(_ nodeJSON, in []static) (built, error) {
		if err := arity(in, 2); err != nil {
			return built{}, err
		}
		return built{k: binaryKernel{binaryFns[op]}, inPlace: true}, nil
	}
}

// broadcastShape returns the numpy broadcast of shapes a and b.
func broadcastShape(a, b []int) ([]int, error) {
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

// dimFromEnd returns shape's dimension k places from the end, 1 beyond it.
func dimFromEnd(shape []int, k int) int {
	if k >= len(shape) {
		return 1
	}
	return shape[len(shape)-1-k]
}

func (binaryKernel) infer(in [][]int) ([]int, error) { return broadcastShape(in[0], in[1]) }

func (k binaryKernel) run(in []*tensor.Tensor, out []int, dst *tensor.Tensor) *tensor.Tensor {
	a, b := in[0], in[1]
	if dst == nil {
		dst = tensor.New(out...)
	}
	d := dst.Data
	switch {
	case len(a.Data) == len(d) && len(b.Data) == len(d):
		k.f.vv(d, a.Data, b.Data)
	case len(a.Data) == len(d) && len(b.Data) == 1:
		k.f.vs(d, a.Data, b.Data[0])
	case len(b.Data) == len(d) && len(a.Data) == 1:
		k.f.sv(d, a.Data[0], b.Data)
	default:
		k.general(d, a, b, out)
	}
	return dst
}

// general walks the output row by row (a row: the last dimension), each
// operand contributing a row or, where it is broadcast, one value.
func (k binaryKernel) general(d []float32, a, b *tensor.Tensor, out []int) {
	r := len(out)
	if r == 0 || len(d) == 0 {
		if len(d) == 1 {
			k.f.vv(d, a.Data[:1], b.Data[:1])
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
			k.f.vv(row, a.Data[offA:offA+n], b.Data[offB:offB+n])
		case sa[r-1] != 0:
			k.f.vs(row, a.Data[offA:offA+n], b.Data[offB])
		case sb[r-1] != 0:
			k.f.sv(row, a.Data[offA], b.Data[offB:offB+n])
		default:
			k.f.vs(row[:1], a.Data[offA:offA+1], b.Data[offB])
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

// --- softmax ---------------------------------------------------------------

type softmaxKernel struct{}

func buildSoftmax(_ nodeJSON, in []static) (built, error) {
	if err := arity(in, 1); err != nil {
		return built{}, err
	}
	return built{k: softmaxKernel{}, inPlace: true}, nil
}

func (softmaxKernel) infer(in [][]int) ([]int, error) {
	if len(in[0]) == 0 {
		return nil, fmt.Errorf("softmax of a scalar")
	}
	return slices.Clone(in[0]), nil
}

// run normalises each row (last dimension) as exp(v-max)/Σexp(v-max).
func (softmaxKernel) run(in []*tensor.Tensor, out []int, dst *tensor.Tensor) *tensor.Tensor {
	if dst == nil {
		dst = tensor.New(out...)
	}
	n := out[len(out)-1]
	if n == 0 {
		return dst
	}
	for o := 0; o < len(dst.Data); o += n {
		src, row := in[0].Data[o:o+n], dst.Data[o:o+n]
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
	return dst
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
