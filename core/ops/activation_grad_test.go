package ops

import (
	"math/rand/v2"
	"testing"
)

func TestReLUBackwardByHand(t *testing.T) {
	y := tens(t, []int{5}, 0, 2, 0, 0.5, 3) // ReLU output: zeros where x ≤ 0
	dy := tens(t, []int{5}, 1, 2, 3, 4, 5)
	expect(t, "relu'", ReLUBackward(dy, y), []int{5}, 0, 2, 0, 4, 5)
}

func TestReLUBackwardFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randTensor(rng, 3, 5, 7) // odd shape
	for i, v := range x.Data {    // keep away from the kink
		if v > -0.05 && v < 0.05 {
			x.Data[i] = 0.3
		}
	}
	r := randTensor(rng, x.Shape...)
	loss := func() float64 { return dot(r, ReLU(x.Clone())) }
	grad := ReLUBackward(r.Clone(), ReLU(x.Clone()))
	e := checkFiniteDiff(t, "relu", x, grad, loss, 1e-3, 1e-3)
	t.Logf("ReLU: worst finite-difference error %.2g", e)
}
