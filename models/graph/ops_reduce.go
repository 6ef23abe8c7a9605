package graph

import (
	"math"

	"visage/core/tensor"
)

// reducer folds the values along the reduced axes; init gives the start
// value and finish turns the fold of n values into the result.
type reducer struct {
	init   float64
	fold   func(acc float64, v float32) float64
	finish func(acc float64, n int) float64
}

var (
	reduceSum  = reducer{0, func(a float64, v float32) float64 { return a + float64(v) }, func(a float64, _ int) float64 { return a }}
	reduceMean = reducer{0, func(a float64, v float32) float64 { return a + float64(v) }, func(a float64, n int) float64 { return a / float64(n) }}
	reduceMax  = reducer{math.Inf(-1), func(a float64, v float32) float64 { return math.Max(a, float64(v)) }, func(a float64, _ int) float64 { return a }}
	reduceMin  = reducer{math.Inf(1), func(a float64, v float32) float64 { return math.Min(a, float64(v)) }, func(a float64, _ int) float64 { return a }}
)

// reduceKernel reduces over constant axes, keeping them as size 1 with
// keep_dims. Sums accumulate in float64.
type reduceKernel struct {
	r        reducer
	axes     []int // as given, possibly negative
	keepDims bool
}

func buildReduce(r reducer) builder {
	return func(n nodeJSON, in []static) (built, error) {
		if err := arity(in, 2); err != nil {
			return built{}, err
		}
		at, err := constInput(in, 1, "reduction axes")
		if err != nil {
			return built{}, err
		}
		return built{k: &reduceKernel{r: r, axes: ints(at), keepDims: n.Attr.bool("keep_dims", false)}}, nil
	}
}

// reduced returns which axes of a rank-r input are reduced.
func (k *reduceKernel) reduced(rank int) ([]bool, error) {
	red := make([]bool, rank)
	for _, a := range k.axes {
		ax, err := normAxis(a, rank)
		if err != nil {
			return nil, err
		}
		red[ax] = true
	}
	return red, nil
}

func (k *reduceKernel) infer(in [][]int) ([]int, error) {
	red, err := k.reduced(len(in[0]))
	if err != nil {
		return nil, err
	}
	out := []int{}
	for i, d := range in[0] {
		switch {
		case !red[i]:
			out = append(out, d)
		case k.keepDims:
			out = append(out, 1)
		}
	}
	return out, nil
}

func (k *reduceKernel) run(in []*tensor.Tensor, out []int, _ *tensor.Tensor) *tensor.Tensor {
	x := in[0]
	red, _ := k.reduced(x.Rank())
	y := tensor.New(out...)
	acc := make([]float64, len(y.Data))
	for i := range acc {
		acc[i] = k.r.init
	}
	// Output strides over the input's axes (0 on reduced ones).
	r := x.Rank()
	ost := make([]int, r)
	s := 1
	for i := r - 1; i >= 0; i-- {
		if !red[i] {
			ost[i] = s
			s *= x.Shape[i]
		}
	}
	idx := make([]int, r)
	o := 0
	for _, v := range x.Data {
		acc[o] = k.r.fold(acc[o], v)
		for ax := r - 1; ax >= 0; ax-- {
			idx[ax]++
			o += ost[ax]
			if idx[ax] < x.Shape[ax] {
				break
			}
			o -= ost[ax] * x.Shape[ax]
			idx[ax] = 0
		}
	}
	n := len(x.Data) / max(len(y.Data), 1)
	for i, a := range acc {
		y.Data[i] = float32(k.r.finish(a, n))
	}
	return y
}
