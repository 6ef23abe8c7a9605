package backend_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// TestElementwiseByHand checks the CPU's graph kernels on values worked out
// by hand (models/graph's op tests cover the broadcasting layouts and the
// other ops through the graph).
func TestElementwiseByHand(t *testing.T) {
	c := backend.NewCPU()
	x := tens([]int{2, 2}, -2, -0.5, 0, 3)
	expect(t, "Prelu [2,2]·[2]", c.Binary(backend.BinaryPrelu, x, tens([]int{2}, 0.5, 4), nil), []int{2, 2}, -1, -2, 0, 3)
	expect(t, "Prelu scalar slope", c.Binary(backend.BinaryPrelu, x, tens(nil, 0.1), nil), []int{2, 2}, -0.2, -0.05, 0, 3)
	expect(t, "Elu", c.Unary(backend.UnaryElu, x, nil), []int{2, 2}, float32(math.Expm1(-2)), float32(math.Expm1(-0.5)), 0, 3)
	expect(t, "Tanh", c.Unary(backend.UnaryTanh, tens([]int{2}, 0, 1), nil), []int{2}, 0, float32(math.Tanh(1)))
	expect(t, "Exp", c.Unary(backend.UnaryExp, tens([]int{2}, 0, 1), nil), []int{2}, 1, float32(math.E))
	expect(t, "Log", c.Unary(backend.UnaryLog, tens([]int{2}, 1, float32(math.E)), nil), []int{2}, 0, 1)
	expect(t, "Min axes [0,1]", c.Reduce(backend.ReduceMin, x, []int{1, 0}, false), nil, -2)
	expect(t, "Max axis 0 keepDims", c.Reduce(backend.ReduceMax, x, []int{0}, true), []int{1, 2}, 0, 3)

	// dst aliasing an operand: the result is written over it and returned.
	a := tens([]int{3}, 1, 2, 3)
	if y := c.Binary(backend.BinarySub, tens(nil, 10), a, a); y != a {
		t.Error("Binary did not return its dst")
	}
	expect(t, "Sub scalar−[3] into b", a, []int{3}, 9, 8, 7)
	if y := c.Unary(backend.UnaryNeg, a, a); y != a {
		t.Error("Unary did not return its dst")
	}
	expect(t, "Neg in place", a, []int{3}, -9, -8, -7)
	nan := float32(math.NaN())
	if y := c.Binary(backend.BinaryMinimum, tens([]int{2}, nan, 1), tens([]int{2}, 0, nan), nil); !math.IsNaN(float64(y.Data[0])) || !math.IsNaN(float64(y.Data[1])) {
		t.Errorf("Minimum(NaN,0), (1,NaN) = %v, want NaN from either operand", y.Data)
	}

	expect(t, "Transpose2D", c.Transpose2D(tens([]int{2, 3}, 1, 2, 3, 4, 5, 6)), []int{3, 2}, 1, 4, 2, 5, 3, 6)
	expect(t, "PadSpatial", c.PadSpatial(tens([]int{1, 1, 2}, 1, 2), 1, 0, 0, 1), []int{2, 2, 2}, 0, 0, 0, 0, 1, 2, 0, 0)
	parts := c.Unstack(tens([]int{2, 1, 2}, 1, 2, 3, 4))
	if len(parts) != 2 {
		t.Fatalf("Unstack [2,1,2]: %d parts", len(parts))
	}
	expect(t, "Unstack[1]", parts[1], []int{1, 2}, 3, 4)
	expect(t, "Stack", c.Stack([]*tensor.Tensor{parts[1], parts[0]}), []int{2, 1, 2}, 3, 4, 1, 2)
}

// TestBinaryBroadcastAgainstReference runs every binary op on random
// operands of awkward broadcast shapes and compares each element with a
// direct evaluation at its broadcast indices.
func TestBinaryBroadcastAgainstReference(t *testing.T) {
	c := backend.NewCPU()
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(shape ...int) *tensor.Tensor {
		x := tensor.New(shape...)
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
		}
		return x
	}
	direct := map[backend.BinaryOp]func(a, b float64) float64{
		backend.BinaryAdd:     func(a, b float64) float64 { return a + b },
		backend.BinarySub:     func(a, b float64) float64 { return a - b },
		backend.BinaryMul:     func(a, b float64) float64 { return a * b },
		backend.BinaryDiv:     func(a, b float64) float64 { return a / b },
		backend.BinaryMaximum: math.Max, backend.BinaryMinimum: math.Min,
		backend.BinarySquaredDifference: func(a, b float64) float64 { return (a - b) * (a - b) },
		backend.BinaryPrelu: func(a, b float64) float64 {
			if a < 0 {
				return a * b
			}
			return a
		},
	}
	for _, shapes := range [][2][]int{{{3, 1, 5}, {4, 1}}, {{2, 3, 4, 7}, {7}}, {{1, 5}, {3, 1}}, {{3, 4}, {3, 4}}, {{2, 1, 3}, {}}} {
		a, b := random(shapes[0]...), random(shapes[1]...)
		out, err := backend.BroadcastShape(a.Shape, b.Shape)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range backend.BinaryOps {
			y := c.Binary(op, a, b, nil)
			expect(t, string(op)+" shape", y, out)
			idx := make([]int, len(out))
			for o := range y.Data {
				r := o
				for ax := len(out) - 1; ax >= 0; ax-- {
					idx[ax], r = r%out[ax], r/out[ax]
				}
				want := direct[op](float64(a.Data[at(a.Shape, idx)]), float64(b.Data[at(b.Shape, idx)]))
				if d := math.Abs(float64(y.Data[o]) - want); d > 1e-6*max(1, math.Abs(want)) {
					t.Fatalf("%s %v,%v: element %d = %v, want %v", op, a.Shape, b.Shape, o, y.Data[o], want)
				}
			}
		}
	}
}

// at is the flat index in a tensor of shape of the output index idx under
// broadcasting (shape aligned at the end, size-1 dimensions repeated).
func at(shape, idx []int) int {
	off, stride := 0, 1
	for k := 1; k <= len(shape); k++ {
		d := shape[len(shape)-k]
		if d != 1 {
			off += idx[len(idx)-k] * stride
		}
		stride *= d
	}
	return off
}
