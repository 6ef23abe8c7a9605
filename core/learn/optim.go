package learn

import "visage/core/ops"

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

// Adam is ops.Adam, TensorFlow 1's form of the optimizer of Kingma & Ba
// (2015), over a model's Params: it keeps each parameter's moments in
// float64 and counts the steps of Update (t from 1), every parameter taking
// step t together. Its hyper-parameters are the embedded ops.Adam's.
type Adam struct {
	ops.Adam
	t    int
	m, v map[*Param][]float64 // the moments, per parameter
}

// NewAdam returns Adam with learning rate lr and TensorFlow's defaults
// (ops.NewAdam).
func NewAdam(lr float64) *Adam {
	return &Adam{Adam: ops.NewAdam(lr)}
}

// Update applies one step to every parameter in ps from its Grad.
func (a *Adam) Update(ps []*Param) {
	if a.m == nil {
		a.m, a.v = map[*Param][]float64{}, map[*Param][]float64{}
	}
	a.t++
	for _, p := range ps {
		m, v := a.m[p], a.v[p]
		if m == nil {
			m, v = make([]float64, len(p.Value)), make([]float64, len(p.Value))
			a.m[p], a.v[p] = m, v
		}
		ops.AdamStep(a.Adam, a.t, p.Value, p.Grad, m, v)
	}
}
