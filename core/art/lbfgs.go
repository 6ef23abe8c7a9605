package art

import "math"

// lbfgs is limited-memory BFGS (Nocedal & Wright, "Numerical Optimization",
// Algorithm 7.4: the two-loop recursion) with a backtracking Armijo line
// search, projected onto the pixel box 0..255 by clipping each trial point.
// It keeps the last m curvature pairs s = x_{k+1} − x_k, y = g_{k+1} − g_k
// (pairs with sᵀy ≤ 0 are dropped, which keeps the implied Hessian positive
// definite).
type lbfgs struct {
	m        int
	firstLen float64 // length, in pixel units, of the first step (no curvature yet)
	s, y     [][]float64
	rho      []float64 // 1/(sᵀy) per pair
}

func newLBFGS(m int, firstLen float64) *lbfgs { return &lbfgs{m: m, firstLen: firstLen} }

// evalFunc evaluates J and ∂J/∂x at x.
type evalFunc func(x []float32) (float64, []float32, error)

// step takes one iteration from x (with J = f and gradient g there) and
// returns the new point with its J and gradient, which the caller passes to
// the next step. x is not modified.
func (o *lbfgs) step(x []float32, f float64, g []float32, eval evalFunc) ([]float32, float64, []float32, error) {
	d := o.direction(g)
	slope := 0.0 // gᵀd
	for i, v := range d {
		slope += float64(g[i]) * v
	}
	if !(slope < 0) { // not a descent direction: forget the curvature
		o.s, o.y, o.rho = nil, nil, nil
		d = o.direction(g)
	}
	xn := make([]float32, len(x))
	t := 1.0
	for try := 0; ; try++ {
		moved := 0.0 // gᵀ(xn − x), the projected step's predicted decrease
		for i, v := range x {
			xn[i] = min(max(v+float32(t*d[i]), 0), 255)
			moved += float64(g[i]) * float64(xn[i]-v)
		}
		fn, gn, err := eval(xn)
		if err != nil {
			return nil, 0, nil, err
		}
		if fn <= f+1e-4*moved || try == 20 {
			o.remember(x, xn, g, gn)
			return xn, fn, gn, nil
		}
		t /= 2
	}
}

// direction returns −H·g by the two-loop recursion; without curvature pairs H
// is a multiple of the identity making the step firstLen long in max norm.
func (o *lbfgs) direction(g []float32) []float64 {
	q := make([]float64, len(g))
	for i, v := range g {
		q[i] = float64(v)
	}
	k := len(o.s)
	if k == 0 {
		gmax := 0.0
		for _, v := range q {
			gmax = max(gmax, math.Abs(v))
		}
		scale := o.firstLen / max(gmax, 1e-30)
		for i := range q {
			q[i] *= -scale
		}
		return q
	}
	alpha := make([]float64, k)
	for j := k - 1; j >= 0; j-- {
		alpha[j] = o.rho[j] * dot64(o.s[j], q)
		axpy(-alpha[j], o.y[j], q)
	}
	gamma := 1 / (o.rho[k-1] * dot64(o.y[k-1], o.y[k-1])) // sᵀy/yᵀy of the newest pair
	for i := range q {
		q[i] *= gamma
	}
	for j := range k {
		beta := o.rho[j] * dot64(o.y[j], q)
		axpy(alpha[j]-beta, o.s[j], q)
	}
	for i := range q {
		q[i] = -q[i]
	}
	return q
}

// remember stores the pair (xn − x, gn − g) when its curvature sᵀy is positive.
func (o *lbfgs) remember(x, xn, g, gn []float32) {
	s, y := make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		s[i] = float64(xn[i]) - float64(x[i])
		y[i] = float64(gn[i]) - float64(g[i])
	}
	sy := dot64(s, y)
	if !(sy > 1e-12*math.Sqrt(dot64(s, s)*dot64(y, y))) {
		return
	}
	if len(o.s) == o.m {
		o.s, o.y, o.rho = o.s[1:], o.y[1:], o.rho[1:]
	}
	o.s, o.y, o.rho = append(o.s, s), append(o.y, y), append(o.rho, 1/sy)
}

func dot64(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// axpy sets y += a·x.
func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}
