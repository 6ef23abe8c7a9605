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
