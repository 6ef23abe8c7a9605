package learn

import (
	"math"
	"testing"
)

func TestSGDMomentumByHand(t *testing.T) {
	p := &Param{Value: []float64{1, -2}, Grad: []float64{0.5, -1}}
	o := &SGD{LR: 0.1, Momentum: 0.9}
	o.Update([]*Param{p})
	// v = −0.1·g = (−0.05, 0.1); θ = (0.95, −1.9).
	o.Update([]*Param{p})
	// v = 0.9·v − 0.1·g = (−0.095, 0.19); θ = (0.855, −1.71).
	for i, want := range []float64{0.855, -1.71} {
		if math.Abs(p.Value[i]-want) > 1e-12 {
			t.Errorf("θ[%d] = %v, want %v", i, p.Value[i], want)
		}
	}
}

func TestAdamByHand(t *testing.T) {
	p := &Param{Value: []float64{1}, Grad: []float64{2}}
	o := NewAdam(0.1)
	o.Epsilon = 0
	o.Update([]*Param{p})
	// Step 1: m̂ = g, v̂ = g², update lr·sign(g) → 0.9.
	if math.Abs(p.Value[0]-0.9) > 1e-12 {
		t.Errorf("after step 1 θ = %v, want 0.9", p.Value[0])
	}
	p.Grad[0] = -1
	o.Update([]*Param{p})
	// Step 2: m = 0.9·0.2 + 0.1·(−1) = 0.08, v = 0.999·0.004 + 0.001·1 = 0.004996;
	// m̂ = 0.08/0.19, v̂ = 0.004996/0.001999.
	want := 0.9 - 0.1*(0.08/0.19)/math.Sqrt(0.004996/(1-0.999*0.999))
	if math.Abs(p.Value[0]-want) > 1e-12 {
		t.Errorf("after step 2 θ = %v, want %v", p.Value[0], want)
	}
}

func TestAdamStepFirstIsLR(t *testing.T) {
	// Step 1: m = 0.1·g, v = 0.001·g², lr_t = lr·√0.001/0.1, so the step is
	// lr·g/(|g| + ε/√0.001): x moves by lr against the gradient's sign.
	a := NewAdam(2)
	x := []float32{0, 10}
	a.Step(x, []float32{3, -0.5})
	if math.Abs(float64(x[0]+2)) > 1e-5 || math.Abs(float64(x[1]-12)) > 1e-5 {
		t.Errorf("after one step x = %v, want [-2 12]", x)
	}
}

// TestAdamEpsilonAsTensorFlow1 checks where ε enters, with a gradient small
// enough for ε to matter: TensorFlow 1 adds it to √v, not to √v̂, so step 1
// moves by lr·|g|/(|g| + ε/√(1−β2)).
func TestAdamEpsilonAsTensorFlow1(t *testing.T) {
	a := NewAdam(1)
	a.Epsilon = 1e-3
	x := []float32{0}
	a.Step(x, []float32{1e-3})
	// m = 1e-4, √v = √0.001·1e-3, lr_t = √0.001/0.1:
	// Δ = √0.001/0.1 · 1e-4/(√0.001·1e-3 + 1e-3) = 1/(1 + 1/√0.001).
	want := -1 / (1 + 1/math.Sqrt(0.001))
	if math.Abs(float64(x[0])-want) > 1e-6 {
		t.Errorf("x = %v, want %v", x[0], want)
	}
}

func TestAdamStepLengthChangePanics(t *testing.T) {
	a := NewAdam(1)
	a.Step(make([]float32, 3), make([]float32, 3))
	defer func() {
		if recover() == nil {
			t.Error("a shorter vector was accepted")
		}
	}()
	a.Step(make([]float32, 2), make([]float32, 2))
}

// Both optimizers minimise a convex quadratic Σ (θ−c)².
func TestOptimizersConverge(t *testing.T) {
	for name, o := range map[string]Optimizer{"sgd": &SGD{LR: 0.05, Momentum: 0.9}, "adam": NewAdam(0.05)} {
		c := []float64{3, -1, 0.5}
		p := &Param{Value: make([]float64, 3), Grad: make([]float64, 3)}
		for range 2000 {
			for i := range c {
				p.Grad[i] = 2 * (p.Value[i] - c[i])
			}
			o.Update([]*Param{p})
		}
		for i := range c {
			if math.Abs(p.Value[i]-c[i]) > 1e-3 {
				t.Errorf("%s: θ = %v, want %v", name, p.Value, c)
				break
			}
		}
	}
}
