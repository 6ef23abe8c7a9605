package ops

import (
	"math"

	"visage/core/tensor"
)

// ReLU replaces each element v of x by max(v, 0) in place and returns x.
func ReLU(x *tensor.Tensor) *tensor.Tensor {
	relu(x.Data)
	return x
}

// relu clamps each element of xs at zero, in place.
func relu(xs []float32) { addClamp(xs, nil, 0, float32(math.Inf(1))) }

// ReLU6 replaces each element v of x by min(max(v, 0), 6) in place and returns x.
func ReLU6(x *tensor.Tensor) *tensor.Tensor {
	addClamp(x.Data, nil, 0, 6)
	return x
}

// LeakyReLU replaces each negative element v of x by alpha*v in place and
// returns x.
func LeakyReLU(x *tensor.Tensor, alpha float32) *tensor.Tensor {
	for i, v := range x.Data {
		if v < 0 {
			x.Data[i] = alpha * v
		}
	}
	return x
}

// Sigmoid replaces each element v of x by 1/(1+exp(-v)) in place and returns x.
func Sigmoid(x *tensor.Tensor) *tensor.Tensor {
	for i, v := range x.Data {
		x.Data[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
	return x
}
