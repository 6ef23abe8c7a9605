package backend

import (
	"fmt"
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

var reducers = map[ReduceOp]reducer{
	ReduceSum:  {0, func(a float64, v float32) float64 { return a + float64(v) }, func(a float64, _ int) float64 { return a }},
	ReduceMean: {0, func(a float64, v float32) float64 { return a + float64(v) }, func(a float64, n int) float64 { return a / float64(n) }},
	ReduceMax:  {math.Inf(-1), func(a float64, v float32) float64 { return math.Max(a, float64(v)) }, func(a float64, _ int) float64 { return a }},
	ReduceMin:  {math.Inf(1), func(a float64, v float32) float64 { return math.Min(a, float64(v)) }, func(a float64, _ int) float64 { return a }},
}

func (*CPU) Reduce(op ReduceOp, x *tensor.Tensor, axes []int, keepDims bool) *tensor.Tensor {
	rd, ok := reducers[op]
	if !ok {
		panic(fmt.Sprintf("backend: no reduction %q", op))
	}
	out, err := ReducedShape(x.Shape, axes, keepDims)
	if err != nil {
		panic("backend: Reduce: " + err.Error())
	}
	red, _ := reducedAxes(x.Rank(), axes)
	y := tensor.New(out...)
	acc := make([]float64, len(y.Data))
	for i := range acc {
		acc[i] = rd.init
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
		acc[o] = rd.fold(acc[o], v)
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
		y.Data[i] = float32(rd.finish(a, n))
	}
	return y
}
