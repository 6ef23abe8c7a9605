package art

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// TestLBFGSQuadratic minimises Σ c_i·(x_i − t_i)² with condition number 100,
// targets inside the box and one outside (the clip must hold it at 255).
// Steepest descent with the same first step length does not get there in
// 60 steps.
func TestLBFGSQuadratic(t *testing.T) {
	n := 50
	c, target := make([]float64, n), make([]float64, n)
	for i := range n {
		c[i] = 1 + 99*float64(i)/float64(n-1)
		target[i] = 5 * float64(i)
	}
	target[n-1] = 300 // beyond 255
	eval, x := weightedSquares(c, target), grey(n)
	o := newLBFGS(10, 2)
	f, g, _ := eval(x)
	var err error
	for range 60 {
		if x, f, g, err = o.step(x, f, g, eval); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range x {
		want := min(target[i], 255)
		if math.Abs(float64(v)-want) > 0.05 {
			t.Errorf("x[%d] = %g, want %g", i, v, want)
		}
	}
}

// TestLBFGSRestartsOnNegativeCurvature steps on the concave −Σ(x−100)²
// from 128, where every pair has sᵀy < 0: the memory must restart (a stored
// pair would make the implied Hessian indefinite), so each step is again the
// first step, firstLen = 2 along −g, up to the box.
func TestLBFGSRestartsOnNegativeCurvature(t *testing.T) {
	eval := func(x []float32) (float64, []float32, error) {
		f, g := 0.0, make([]float32, len(x))
		for i, v := range x {
			d := float64(v) - 100
			f -= d * d
			g[i] = float32(-2 * d)
		}
		return f, g, nil
	}
	x := []float32{128, 140}
	o := newLBFGS(10, 2)
	f, g, _ := eval(x)
	for step := range 3 {
		xn, fn, gn, err := o.step(x, f, g, eval)
		if err != nil {
			t.Fatal(err)
		}
		if o.started {
			t.Fatalf("step %d kept a pair of negative curvature", step+1)
		}
		// −g is (56, 80) at the start: the larger moves by 2, the other by 2·56/80.
		if step == 0 && (math.Abs(float64(xn[1]-142)) > 1e-4 || math.Abs(float64(xn[0]-129.4)) > 1e-4) {
			t.Fatalf("first step went to %v, want [129.4 142]", xn)
		}
		x, f, g = xn, fn, gn
	}
}

func TestStylizerLBFGSLowersCost(t *testing.T) {
	net, content, style, opts := lbfgsRun(16, 12)
	s, err := NewStylizer(net, content, style, opts)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	first := prev
	for range 15 {
		c, err := s.Step()
		if err != nil {
			t.Fatal(err)
		}
		if c.Total > prev.Total {
			t.Errorf("J rose from %g to %g", prev.Total, c.Total)
		}
		prev = c
	}
	if !(prev.Total < 0.5*first.Total) || s.Evaluations() < 16 {
		t.Errorf("J went from %g to %g in %d evaluations", first.Total, prev.Total, s.Evaluations())
	}
	opts.Optimizer = "sgd"
	if _, err := NewStylizer(net, content, style, opts); err == nil {
		t.Error("unknown optimizer accepted")
	}
}

// BenchmarkLBFGSOverhead times the optimiser's own work per step (direction,
// line search bookkeeping, memory update) on a cheap separable quadratic the
// size of a 256×256 image, where J itself costs next to nothing.
func BenchmarkLBFGSOverhead(b *testing.B) {
	n := 256 * 256 * 3
	rng := rand.New(rand.NewPCG(1, 2))
	c, target := make([]float64, n), make([]float64, n)
	for i := range n {
		c[i], target[i] = 1+99*rng.Float64(), 255*rng.Float64()
	}
	eval, x := weightedSquares(c, target), grey(n)
	o := newLBFGS(10, 2)
	f, g, _ := eval(x)
	for b.Loop() {
		var err error
		if x, f, g, err = o.step(x, f, g, eval); err != nil {
			b.Fatal(err)
		}
	}
}

// weightedSquares is Σ c_i·(x_i − target_i)² and its gradient.
func weightedSquares(c, target []float64) evalFunc {
	return func(x []float32) (float64, []float32, error) {
		f, g := 0.0, make([]float32, len(x))
		for i, v := range x {
			d := float64(v) - target[i]
			f += c[i] * d * d
			g[i] = float32(2 * c[i] * d)
		}
		return f, g, nil
	}
}

// grey returns n pixel values of 128, the start of the tests' runs.
func grey(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = 128
	}
	return x
}

// lbfgsRun is an L-BFGS stylization of random h×w content and style on the
// tiny VGG of vgg19test, the same pair for a given size.
func lbfgsRun(h, w int) (*vgg19.Net, *tensor.Tensor, *tensor.Tensor, Options) {
	rng := rand.New(rand.NewPCG(7, 8))
	content, style := randTensor(rng, 0, 255, h, w, 3), randTensor(rng, 0, 255, h, w, 3)
	opts := DefaultOptions()
	opts.Optimizer = "lbfgs"
	return vgg19test.Net(12, vgg19.AvgPool), content, style, opts
}
