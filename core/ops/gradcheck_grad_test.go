package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
)

// randTensor returns a tensor of the given shape with values uniform in [-1,1).
func randTensor(rng *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = 2*rng.Float32() - 1
	}
	return t
}

// dot returns Σ a_i·b_i accumulated in float64.
func dot(a, b *tensor.Tensor) float64 {
	s := 0.0
	for i := range a.Data {
		s += float64(a.Data[i]) * float64(b.Data[i])
	}
	return s
}

// checkFiniteDiff compares grad, the claimed gradient of the scalar loss at x,
// with central differences (x_i ± h) at every element of x (restored after),
// and fails when |fd − grad| exceeds tol·max(1, max|grad|). The loss must
// accumulate in float64. It returns the worst relative error seen.
func checkFiniteDiff(t *testing.T, name string, x, grad *tensor.Tensor, loss func() float64, h, tol float64) float64 {
	t.Helper()
	if !tensor.SameShape(x, grad) {
		t.Fatalf("%s: gradient shape %v, want %v", name, grad.Shape, x.Shape)
	}
	scale := 1.0
	for _, g := range grad.Data {
		scale = max(scale, math.Abs(float64(g)))
	}
	worst := 0.0
	for i, v := range x.Data {
		x.Data[i] = v + float32(h)
		up := loss()
		x.Data[i] = v - float32(h)
		down := loss()
		x.Data[i] = v
		// The step actually taken in float32.
		step := float64(v+float32(h)) - float64(v-float32(h))
		fd := (up - down) / step
		e := math.Abs(fd-float64(grad.Data[i])) / scale
		worst = max(worst, e)
		if e > tol {
			t.Errorf("%s: element %d: finite difference %.6g, backward %.6g", name, i, fd, grad.Data[i])
			return worst
		}
	}
	return worst
}
