package learn

import "math"

// Optimizer updates parameters from their accumulated gradients. It keeps
// per-parameter state (keyed by the *Param), so one optimizer serves one
// model for its whole training.
type Optimizer interface {
	Update(ps []*Param)
}

// SGD is stochastic gradient descent with (heavy-ball) momentum:
// v ← μ·v − lr·g; θ ← θ + v. Momentum 0 is plain SGD.
type SGD struct {
	LR, Momentum float64
	velocity     map[*Param][]float64
}

// Update applies one step to every parameter in ps.
func (o *SGD) Update(ps []*Param) {
	if o.velocity == nil {
		o.velocity = map[*Param][]float64{}
	}
	for _, p := range ps {
		v := o.velocity[p]
		if v == nil {
			v = make([]float64, len(p.Value))
			o.velocity[p] = v
		}
		for i, g := range p.Grad {
			v[i] = o.Momentum*v[i] - o.LR*g
			p.Value[i] += v[i]
		}
	}
}

// Adam is the optimizer of Kingma & Ba (2015) in the form of TensorFlow 1's
// AdamOptimizer (which the style-transfer course used and the GPU's Adam
// kernel follows): with g the gradient at step t (from 1),
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
//	x ← x − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε),
//
// the bias-corrected m̂/(√v̂ + ε̂) with ε̂ = ε·√(1−β2ᵗ). The moments are kept
// in float64. One Adam optimises either one flat float32 vector (Step: style
// transfer's pixels) or a model's Params (Update: the learning heads), not
// both; its step count t is shared.
type Adam struct {
	LR, Beta1, Beta2, Epsilon float64
	// M and V are Step's moments, one per element of its vector (nil before
	// the first Step), and T the count of steps taken. Setting them continues
	// a run begun elsewhere: the next step is step T+1.
	M, V   []float64
	T      int
	pm, pv map[*Param][]float64 // Update's moments, per parameter
}

// NewAdam returns Adam with learning rate lr and TensorFlow's defaults
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
}

// Step updates x in place by one step against grad. grad has x's length, and
// the first call (or M and V as set) fixes the length: a change panics, a
// programmer error.
func (a *Adam) Step(x, grad []float32) {
	if a.M == nil && a.V == nil {
		a.M, a.V = make([]float64, len(x)), make([]float64, len(x))
	}
	if len(x) != len(a.M) || len(a.V) != len(x) || len(grad) != len(x) {
		panic("learn: Adam.Step: lengths changed")
	}
	adamStep(x, grad, a.M, a.V, a.Beta1, a.Beta2, a.Epsilon, a.nextRate())
}

// Update applies one step to every parameter in ps from its Grad.
func (a *Adam) Update(ps []*Param) {
	if a.pm == nil {
		a.pm, a.pv = map[*Param][]float64{}, map[*Param][]float64{}
	}
	lr := a.nextRate()
	for _, p := range ps {
		m, v := a.pm[p], a.pv[p]
		if m == nil {
			m, v = make([]float64, len(p.Value)), make([]float64, len(p.Value))
			a.pm[p], a.pv[p] = m, v
		}
		adamStep(p.Value, p.Grad, m, v, a.Beta1, a.Beta2, a.Epsilon, lr)
	}
}

// nextRate counts one step and returns its bias-corrected learning rate
// lr·√(1−β2ᵗ)/(1−β1ᵗ).
func (a *Adam) nextRate() float64 {
	a.T++
	t := float64(a.T)
	return a.LR * math.Sqrt(1-math.Pow(a.Beta2, t)) / (1 - math.Pow(a.Beta1, t))
}

// adamStep moves x against grad by Adam's rule with the moments m and v and
// the bias-corrected rate lr.
func adamStep[T float32 | float64](x, grad []T, m, v []float64, beta1, beta2, eps, lr float64) {
	for i, g := range grad {
		gf := float64(g)
		m[i] = beta1*m[i] + (1-beta1)*gf
		v[i] = beta2*v[i] + (1-beta2)*gf*gf
		x[i] -= T(lr * m[i] / (math.Sqrt(v[i]) + eps))
	}
}
