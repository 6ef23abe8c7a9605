package learn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Param is one trainable array and the gradient accumulated for it by
// Backward calls; Grad has Value's length and is zeroed by ZeroGrad.
type Param struct {
	Value, Grad []float64
}

func newParam(n int) *Param { return &Param{make([]float64, n), make([]float64, n)} }

// Layer is one step of a Sequential network, applied to a batch (one vector
// per row). Layers keep no activations: Backward is given the input x and the
// output y of the matching Forward, adds the parameter gradients into its
// Params' Grad, and returns dL/dx.
type Layer interface {
	Forward(x *Matrix) *Matrix
	Backward(x, y, dy *Matrix) *Matrix
	Params() []*Param
}

// Dense is a fully connected layer y = x·W + b with W [In,Out] row-major and
// b [Out].
type Dense struct {
	In, Out int
	W, B    *Param
}

// NewDense returns an In→Out layer with weights drawn from N(0, scale²/In)
// (scale² = 2 suits a following ReLU, 1 a linear output) and zero bias.
func NewDense(in, out int, scale float64, rng *rand.Rand) *Dense {
	d := &Dense{in, out, newParam(in * out), newParam(out)}
	std := scale / math.Sqrt(float64(in))
	for i := range d.W.Value {
		d.W.Value[i] = rng.NormFloat64() * std
	}
	return d
}

// Forward returns x·W + b; x must have In columns.
func (d *Dense) Forward(x *Matrix) *Matrix {
	d.check(x)
	y := NewMatrix(x.Rows, d.Out)
	for n := range x.Rows {
		copy(y.Row(n), d.B.Value)
	}
	addMul(y.general(), x.general(), blas.NoTrans, d.weights(d.W.Value), blas.NoTrans)
	return y
}

// Backward adds dW += xᵀ·dy and db += Σ_rows dy, and returns dx = dy·Wᵀ.
func (d *Dense) Backward(x, _, dy *Matrix) *Matrix {
	d.check(x)
	for n := range dy.Rows {
		for o, g := range dy.Row(n) {
			d.B.Grad[o] += g
		}
	}
	addMul(d.weights(d.W.Grad), x.general(), blas.Trans, dy.general(), blas.NoTrans)
	dx := NewMatrix(x.Rows, d.In)
	addMul(dx.general(), dy.general(), blas.NoTrans, d.weights(d.W.Value), blas.Trans)
	return dx
}

// weights views w (W's values or gradient) as the In×Out matrix it is.
func (d *Dense) weights(w []float64) blas64.General {
	return blas64.General{Rows: d.In, Cols: d.Out, Stride: d.Out, Data: w}
}

// Params returns W and B.
func (d *Dense) Params() []*Param { return []*Param{d.W, d.B} }

func (d *Dense) check(x *Matrix) {
	if x.Cols != d.In {
		panic(fmt.Sprintf("learn: dense layer takes %d inputs, given %d", d.In, x.Cols))
	}
}

// ReLU is max(x, 0) elementwise.
type ReLU struct{}

// Forward returns max(x, 0).
func (ReLU) Forward(x *Matrix) *Matrix {
	y := NewMatrix(x.Rows, x.Cols)
	for i, v := range x.Data {
		y.Data[i] = max(v, 0)
	}
	return y
}

// Backward passes dy where the output was positive (the gradient at 0 is taken as 0).
func (ReLU) Backward(_, y, dy *Matrix) *Matrix {
	dx := NewMatrix(dy.Rows, dy.Cols)
	for i, v := range y.Data {
		if v > 0 {
			dx.Data[i] = dy.Data[i]
		}
	}
	return dx
}

// Params returns nothing: ReLU has none.
func (ReLU) Params() []*Param { return nil }

// L2Norm scales each row to unit Euclidean length: y = x/‖x‖. A row whose
// norm is below normFloor is divided by normFloor instead, so a zero row maps
// to zero rather than NaN.
type L2Norm struct{}

const normFloor = 1e-12

// Forward returns each row divided by its norm.
func (L2Norm) Forward(x *Matrix) *Matrix {
	y := NewMatrix(x.Rows, x.Cols)
	for n := range x.Rows {
		xr, yr := x.Row(n), y.Row(n)
		n := max(norm(xr), normFloor)
		for i, v := range xr {
			yr[i] = v / n
		}
	}
	return y
}

// Backward returns dx = (dy − y·(y·dy)) / ‖x‖ per row, the Jacobian of x/‖x‖
// applied to dy.
func (L2Norm) Backward(x, y, dy *Matrix) *Matrix {
	dx := NewMatrix(x.Rows, x.Cols)
	for n := range x.Rows {
		xr, yr, dyr, dxr := x.Row(n), y.Row(n), dy.Row(n), dx.Row(n)
		norm := max(norm(xr), normFloor)
		dot := 0.0
		for i := range yr {
			dot += yr[i] * dyr[i]
		}
		for i := range dxr {
			dxr[i] = (dyr[i] - yr[i]*dot) / norm
		}
	}
	return dx
}

// Params returns nothing: L2Norm has none.
func (L2Norm) Params() []*Param { return nil }

// Sequential applies its layers in order.
type Sequential struct {
	Layers []Layer
}

// Forward returns the network's output for the batch x.
func (s *Sequential) Forward(x *Matrix) *Matrix {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// ForwardTrain returns every activation: acts[0] is x, acts[i+1] the output
// of layer i. Pass it to Backward.
func (s *Sequential) ForwardTrain(x *Matrix) []*Matrix {
	acts := []*Matrix{x}
	for _, l := range s.Layers {
		acts = append(acts, l.Forward(acts[len(acts)-1]))
	}
	return acts
}

// Backward propagates dy (the gradient at the output of ForwardTrain's
// acts) down the layers, adding every parameter gradient, and returns dL/dx.
func (s *Sequential) Backward(acts []*Matrix, dy *Matrix) *Matrix {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		dy = s.Layers[i].Backward(acts[i], acts[i+1], dy)
	}
	return dy
}

// Params returns every layer's parameters, in layer order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// ZeroGrad sets every gradient in ps to zero.
func ZeroGrad(ps []*Param) {
	for _, p := range ps {
		clear(p.Grad)
	}
}
