package ops

import (
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
)

func TestPoolBackwardByHand(t *testing.T) {
	// x 3×3, one channel; 2×2 windows, stride 2, Same: out 2×2, total pad 1,
	// all after, so the windows are {0,1,3,4}, {2,5}, {6,7}, {8}.
	x := tens(t, []int{3, 3, 1},
		1, 5, 2,
		4, 3, 9,
		7, 6, 8)
	dy := tens(t, []int{2, 2, 1}, 10, 20, 30, 40)
	expect(t, "max'", MaxPool2DBackward(dy, x, 2, 2, 2, 2, Same), []int{3, 3, 1},
		0, 10, 0,
		0, 0, 20,
		30, 0, 40)
	expect(t, "avg'", AvgPool2DBackward(dy, x.Shape, 2, 2, 2, 2, Same), []int{3, 3, 1},
		2.5, 2.5, 10,
		2.5, 2.5, 10,
		15, 15, 40)
	// Valid drops the last row and column; ties go to the first cell.
	tie := tens(t, []int{3, 3, 1}, 1, 1, 0, 1, 1, 0, 0, 0, 0)
	expect(t, "max' valid tie", MaxPool2DBackward(tens(t, []int{1, 1, 1}, 7), tie, 2, 2, 2, 2, Valid), []int{3, 3, 1},
		7, 0, 0, 0, 0, 0, 0, 0, 0)
}

func TestPoolBackwardFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		h, w, ch, k, s int
		pad            Padding
	}{
		{7, 5, 3, 2, 2, Same}, // odd sizes: partial windows at the border
		{6, 6, 5, 2, 2, Valid},
		{7, 6, 2, 3, 2, Same}, // overlapping windows
		{5, 7, 3, 3, 1, Valid},
	} {
		// Distinct values 0.01 apart, so a ±h step never changes a winner.
		x := tensor.New(c.h, c.w, c.ch)
		for i, p := range rng.Perm(x.Len()) {
			x.Data[i] = float32(p)*0.01 - 1
		}
		for _, isMax := range []bool{true, false} {
			fwd := func() *tensor.Tensor { return AvgPool2D(x, c.k, c.k, c.s, c.s, c.pad) }
			if isMax {
				fwd = func() *tensor.Tensor { return MaxPool2D(x, c.k, c.k, c.s, c.s, c.pad) }
			}
			r := randTensor(rng, fwd().Shape...)
			var grad *tensor.Tensor
			if isMax {
				grad = MaxPool2DBackward(r, x, c.k, c.k, c.s, c.s, c.pad)
			} else {
				grad = AvgPool2DBackward(r, x.Shape, c.k, c.k, c.s, c.s, c.pad)
			}
			e := checkFiniteDiff(t, "pool", x, grad, func() float64 { return dot(r, fwd()) }, 1e-3, 1e-3)
			t.Logf("%+v max=%v: worst finite-difference error %.2g", c, isMax, e)
		}
	}
}
