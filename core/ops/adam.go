package ops

import (
	"fmt"
	"math"
)

// Adam holds the hyper-parameters of the optimiser of Kingma & Ba (2015) in
// the form of TensorFlow 1's AdamOptimizer (which the style-transfer course
// used): with g the gradient at step t (from 1),
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
//	x ← x − Rate(t)·m/(√v + ε),  Rate(t) = LR·√(1−β2ᵗ)/(1−β1ᵗ),
//
// the bias-corrected m̂/(√v̂ + ε̂) with ε̂ = ε·√(1−β2ᵗ): ε is added to √v, not
// to √v̂. AdamStep is the rule; every other Adam in Visage (core/learn's,
// core/backend's CPU and WebGPU kernels) is this one.
type Adam struct {
	LR, Beta1, Beta2, Epsilon float64
}

// NewAdam returns Adam with learning rate lr and TensorFlow's defaults
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func NewAdam(lr float64) Adam {
	return Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
}

// Rate returns the bias-corrected learning rate of step t (1 for the first),
// LR·√(1−β2ᵗ)/(1−β1ᵗ).
func (a Adam) Rate(t int) float64 {
	ft := float64(t)
	return a.LR * math.Sqrt(1-math.Pow(a.Beta2, ft)) / (1 - math.Pow(a.Beta1, ft))
}

// AdamStep applies Adam step t (1 for the first) to x in place against grad,
// updating the moments m and v (zeros before step 1). The values and the
// moments may each be float32 or float64; the arithmetic is float64, and a
// moment is rounded to its type only when stored. All four slices have x's
// length; a mismatch panics.
func AdamStep[X, M float32 | float64](a Adam, t int, x, grad []X, m, v []M) {
	if len(grad) != len(x) || len(m) != len(x) || len(v) != len(x) {
		panic(fmt.Sprintf("ops: AdamStep: lengths x %d, grad %d, m %d, v %d differ", len(x), len(grad), len(m), len(v)))
	}
	lr := a.Rate(t)
	for i, g := range grad {
		gf := float64(g)
		mi := a.Beta1*float64(m[i]) + (1-a.Beta1)*gf
		vi := a.Beta2*float64(v[i]) + (1-a.Beta2)*gf*gf
		m[i], v[i] = M(mi), M(vi)
		x[i] -= X(lr * mi / (math.Sqrt(vi) + a.Epsilon))
	}
}
