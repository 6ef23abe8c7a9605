package art

import (
	"math"

	"gonum.org/v1/gonum/optimize"
)

// lbfgs is limited-memory BFGS projected onto the pixel box 0..255: gonum's
// optimize.LBFGS gives the quasi-Newton direction (the two-loop recursion of
// Nocedal & Wright, "Numerical Optimization", Algorithm 7.4, over the last m
// curvature pairs s = x_{k+1} − x_k, y = g_{k+1} − g_k), and step searches
// along it by Armijo backtracking, clipping each trial point to the box.
//
// gonum's own driver (optimize.Minimize) is not used: it minimises without
// bounds and runs to convergence, while the Stylizer must keep the pixels in
// the box and take one step per call (the page shows every step and can stop
// and resume between them). A pair with sᵀy ≤ 0 (the clipped line search
// does not promise positive curvature) would make the implied Hessian
// indefinite, so it restarts the memory instead.
type lbfgs struct {
	firstLen float64 // length, in pixel units, of the first step (no curvature yet) in max norm
	dir      *optimize.LBFGS
	loc      optimize.Location // the current point and gradient in float64, as dir reads them
	d        []float64         // the search direction
	started  bool              // dir holds the curvature of the steps since the last restart
}

func newLBFGS(m int, firstLen float64) *lbfgs {
	return &lbfgs{firstLen: firstLen, dir: &optimize.LBFGS{Store: m}}
}

// evalFunc evaluates J and ∂J/∂x at x.
type evalFunc func(x []float32) (float64, []float32, error)

// step takes one iteration from x (with J = f and gradient g there) and
// returns the new point with its J and gradient, which the caller passes to
// the next step. x is not modified.
func (o *lbfgs) step(x []float32, f float64, g []float32, eval evalFunc) ([]float32, float64, []float32, error) {
	t := o.direction(x, g)
	slope := 0.0 // gᵀd
	for i, v := range o.d {
		slope += float64(g[i]) * v
	}
	if !(slope < 0) { // not a descent direction: forget the curvature
		o.started = false
		t = o.direction(x, g)
	}
	xn := make([]float32, len(x))
	for try := 0; ; try++ {
		moved := 0.0 // gᵀ(xn − x), the projected step's predicted decrease
		for i, v := range x {
			xn[i] = min(max(v+float32(t*o.d[i]), 0), 255)
			moved += float64(g[i]) * float64(xn[i]-v)
		}
		fn, gn, err := eval(xn)
		if err != nil {
			return nil, 0, nil, err
		}
		if fn <= f+1e-4*moved || try == 20 {
			if !positiveCurvature(x, xn, g, gn) {
				o.started = false
			}
			return xn, fn, gn, nil
		}
		t /= 2
	}
}

// direction sets o.d to −H·g at x and returns the first trial step length
// along it. After a restart H is the identity and the step length makes the
// step firstLen long in max norm; after that gonum's LBFGS takes the pair
// from the previous point to x into its memory and the trial step is 1.
func (o *lbfgs) direction(x, g []float32) float64 {
	if o.loc.X == nil {
		o.loc.X, o.loc.Gradient, o.d = make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	}
	for i := range x {
		o.loc.X[i], o.loc.Gradient[i] = float64(x[i]), float64(g[i])
	}
	if o.started {
		o.dir.NextDirection(&o.loc, o.d)
		return 1
	}
	o.started = true
	o.dir.InitDirection(&o.loc, o.d) // o.d = −g
	gmax := 0.0
	for _, v := range g {
		gmax = max(gmax, math.Abs(float64(v)))
	}
	return o.firstLen / max(gmax, 1e-30)
}

// positiveCurvature reports whether the pair s = xn − x, y = gn − g has
// sᵀy > 1e-12·‖s‖‖y‖.
func positiveCurvature(x, xn, g, gn []float32) bool {
	var sy, ss, yy float64
	for i := range x {
		s, y := float64(xn[i])-float64(x[i]), float64(gn[i])-float64(g[i])
		sy, ss, yy = sy+s*y, ss+s*s, yy+y*y
	}
	return sy > 1e-12*math.Sqrt(ss*yy)
}
