package learn

import "math"

// Optimizer updates parameters from their accumulated gradients. It keeps
// per-parameter state (keyed by the *Param), so one optimizer serves one
// model for its whole training.
type Optimizer interface {
	Step(ps []*Param)
}

// SGD is stochastic gradient descent with (heavy-ball) momentum:
// v ← μ·v − lr·g; θ ← θ + v. Momentum 0 is plain SGD.
type SGD struct {
	LR, Momentum float64
	velocity     map[*Param][]float64
}

// Step applies one update to every parameter in ps.
func (o *SGD) Step(ps []*Param) {
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

// Adam is the optimizer of Kingma & Ba (2015) with bias correction:
// m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
// θ ← θ − lr·m̂/(√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	t                     int
	m, v                  map[*Param][]float64
}

// NewAdam returns Adam with the usual β1 0.9, β2 0.999, ε 1e-8.
func NewAdam(lr float64) *Adam { return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// Step applies one update to every parameter in ps (one time step t).
func (o *Adam) Step(ps []*Param) {
	if o.m == nil {
		o.m, o.v = map[*Param][]float64{}, map[*Param][]float64{}
	}
	o.t++
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	for _, p := range ps {
		m, v := o.m[p], o.v[p]
		if m == nil {
			m, v = make([]float64, len(p.Value)), make([]float64, len(p.Value))
			o.m[p], o.v[p] = m, v
		}
		for i, g := range p.Grad {
			m[i] = o.Beta1*m[i] + (1-o.Beta1)*g
			v[i] = o.Beta2*v[i] + (1-o.Beta2)*g*g
			p.Value[i] -= o.LR * (m[i] / c1) / (math.Sqrt(v[i]/c2) + o.Eps)
		}
	}
}
