package art

import "math"

// Adam is the Adam optimiser (Kingma & Ba, 2015) in the form of TensorFlow 1's
// AdamOptimizer, which the course used: with g the gradient at step t (from 1),
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
//	x ← x − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε).
type Adam struct {
	LR, Beta1, Beta2, Epsilon float64
	m, v                      []float64
	t                         int
}

// NewAdam returns Adam with learning rate lr and TensorFlow's defaults
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
}

// Step updates x in place by one step against grad (same length; the first
// call fixes the length).
func (a *Adam) Step(x, grad []float32) {
	if a.m == nil {
		a.m, a.v = make([]float64, len(x)), make([]float64, len(x))
	}
	if len(x) != len(a.m) || len(grad) != len(x) {
		panic("art: Adam.Step: lengths changed")
	}
	a.t++
	lr := a.LR * math.Sqrt(1-math.Pow(a.Beta2, float64(a.t))) / (1 - math.Pow(a.Beta1, float64(a.t)))
	for i, g := range grad {
		gf := float64(g)
		a.m[i] = a.Beta1*a.m[i] + (1-a.Beta1)*gf
		a.v[i] = a.Beta2*a.v[i] + (1-a.Beta2)*gf*gf
		x[i] -= float32(lr * a.m[i] / (math.Sqrt(a.v[i]) + a.Epsilon))
	}
}

// restore sets the moments (one a parameter; float32, as the GPU's Adam
// keeps them) and the count of steps taken, so that the next Step is step
// t+1 of a run begun elsewhere.
func (a *Adam) restore(m, v []float32, t int) {
	a.m, a.v, a.t = make([]float64, len(m)), make([]float64, len(v)), t
	for i := range m {
		a.m[i], a.v[i] = float64(m[i]), float64(v[i])
	}
}
