package backend_test

import (
	"math"
	"testing"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
)

func tens(shape []int, v ...float32) *tensor.Tensor { return &tensor.Tensor{Shape: shape, Data: v} }

func expect(t *testing.T, what string, got *tensor.Tensor, shape []int, want ...float32) {
	t.Helper()
	if !tensor.SameShape(got, &tensor.Tensor{Shape: shape}) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, shape)
	}
	for i, w := range want {
		if math.Abs(float64(got.Data[i]-w)) > 1e-5 {
			t.Fatalf("%s: %v, want %v", what, got.Data, want)
		}
	}
}

// TestCPUKernelsByHand checks the kernels the CPU backend computes itself
// (the others are core/ops's, tested there) on values worked out by hand.
func TestCPUKernelsByHand(t *testing.T) {
	c := backend.NewCPU()
	a := tens([]int{1, 2, 1}, 1, 2)
	b := tens([]int{1, 1, 2}, 10, 20)
	expect(t, "AddZeroExtended", c.AddZeroExtended(a, b), []int{1, 2, 2}, 11, 20, 2, 0)
	expect(t, "Clamp", c.Clamp(tens([]int{3}, -1, 0.5, 9), 0, 6), []int{3}, 0, 0.5, 6)
	x0 := tens([]int{3}, -1, 0.5, 0)
	expect(t, "ReLUCopy", c.ReLUCopy(x0), []int{3}, 0, 0.5, 0)
	expect(t, "ReLUCopy's input", x0, []int{3}, -1, 0.5, 0)
	expect(t, "ScaledDiff", c.ScaledDiff(tens([]int{2}, 3, 1), tens([]int{2}, 1, 4), 2), []int{2}, 4, -6)

	out := c.NewTensor(2)
	c.SumSquaredDiff(tens([]int{2}, 3, 1), tens([]int{2}, 1, 4), 0.5, out, 1, false) // (4+9)/2
	c.SumSquaredDiff(tens([]int{1}, 2), tens([]int{1}, 0), 1, out, 1, true)          // + 4
	expect(t, "SumSquaredDiff", out, []int{2}, 0, 10.5)

	// x = [[1,2],[4,8]] (one channel): right pairs (1,2),(4,8), down pairs
	// (1,4),(2,8): 1 + 16 + 9 + 36 = 62.
	x := tens([]int{2, 2, 1}, 1, 2, 4, 8)
	c.TotalVariation(x, 1, out, 0, false)
	expect(t, "TotalVariation", out, []int{2}, 62)
	// d/dx of Σ: x00: −2(2−1) −2(4−1) = −8; x01: 2(2−1) −2(8−2) = −10;
	// x10: 2(4−1) −2(8−4) = −2; x11: 2(8−4) + 2(8−2) = 20.
	g := c.NewTensor(2, 2, 1)
	c.AddTotalVariationGrad(x, g, 1)
	expect(t, "AddTotalVariationGrad", g, []int{2, 2, 1}, -8, -10, -2, 20)

	// F = [[1,2],[3,4]] (two pixels, two channels): FᵀF = [[10,14],[14,20]].
	expect(t, "Gram", c.Gram(tens([]int{1, 2, 2}, 1, 2, 3, 4), 0.5), []int{2, 2}, 5, 7, 7, 10)

	// Adam step 1 moves each parameter by LR against its gradient's sign:
	// m = 0.1g, v = 0.001g², lr₁ = LR·√0.001/0.1, so Δ = LR·g/|g| (ε aside).
	p, m, v := tens([]int{2}, 1, 1), c.NewTensor(2), c.NewTensor(2)
	c.AdamStep(ops.NewAdam(0.5), p, tens([]int{2}, 3, -2), m, v, 1)
	expect(t, "AdamStep", p, []int{2}, 0.5, 1.5)
	expect(t, "Adam m", m, []int{2}, 0.3, -0.2)
	expect(t, "Adam v", v, []int{2}, 0.009, 0.004)
}

// TestCPUEpilogueMatchesOps checks the fused convolutions against core/ops's
// kernels applied one after another, with and without prepared filters.
func TestCPUEpilogueMatchesOps(t *testing.T) {
	x := tensor.New(5, 4, 3)
	w := tensor.New(3, 3, 3, 2)
	dw := tensor.New(3, 3, 3, 1)
	for i := range x.Data {
		x.Data[i] = float32(i%7) - 3
	}
	for i := range w.Data {
		w.Data[i] = float32(i%5)/4 - 0.5
	}
	copy(dw.Data, w.Data)
	scale, shift := tens([]int{2}, 2, -1), tens([]int{2}, 0.5, 3)
	for _, prepared := range []bool{false, true} {
		c := backend.NewCPU()
		if prepared {
			c.UploadWeights(w)
		}
		ep := backend.Epilogue[*tensor.Tensor]{Scale: scale, Shift: shift, ReLU6: true}
		got := c.Conv2DFused(x, w, nil, 2, 1, ops.Same, ep)
		want := ops.ReLU6(ops.ScaleBias(ops.Conv2D(x, w, nil, 2, 1, ops.Same), scale.Data, shift.Data))
		expect(t, "Conv2DFused", got, want.Shape, want.Data...)
		got = c.Conv2DFused(x, w, shift, 1, 1, ops.Valid, backend.Epilogue[*tensor.Tensor]{ReLU: true})
		want = ops.ReLU(ops.Conv2D(x, w, shift.Data, 1, 1, ops.Valid))
		expect(t, "Conv2DFused ReLU", got, want.Shape, want.Data...)
	}
	c := backend.NewCPU()
	got := c.DepthwiseConv2DFused(x, dw, nil, 1, 1, ops.Same, backend.Epilogue[*tensor.Tensor]{Scale: tens([]int{3}, 1, 2, 3), ReLU: true})
	want := ops.ReLU(ops.ScaleBias(ops.DepthwiseConv2D(x, dw, nil, 1, 1, ops.Same), []float32{1, 2, 3}, nil))
	expect(t, "DepthwiseConv2DFused", got, want.Shape, want.Data...)
}
