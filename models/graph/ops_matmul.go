package graph

import (
	"fmt"

	"visage/core/ops"
	"visage/core/tensor"
)

// matMulKernel is a [M,K]·[K,N] product with optional fused bias and
// activation. A constant right operand with transpose_b is transposed once
// at load.
type matMulKernel struct {
	ta, tb bool
	b      *tensor.Tensor // constant right operand, already [K,N]; nil: input 1
	bias   []float32
	act    activation
}

func buildMatMul(fused bool) builder {
	return func(n nodeJSON, in []static) (built, error) {
		if !fused {
			if err := arity(in, 2); err != nil {
				return built{}, err
			}
		}
		if len(in) < 2 {
			return built{}, fmt.Errorf("%d inputs, want a and b", len(in))
		}
		k := &matMulKernel{ta: n.Attr.bool("transpose_a", false), tb: n.Attr.bool("transpose_b", false)}
		if len(in[0].shape) != 2 || len(in[1].shape) != 2 {
			return built{}, fmt.Errorf("operand shapes %v and %v, want rank 2", in[0].shape, in[1].shape)
		}
		if b := in[1].val; b != nil {
			k.b = b
			if k.tb {
				k.b, k.tb = transpose(b), false
			}
		}
		cols := in[1].shape[1]
		if k.b != nil {
			cols = k.b.Shape[1]
		} else if k.tb {
			cols = in[1].shape[0]
		}
		if fused {
			var err error
			if k.bias, k.act, err = parseFused(n, in, cols); err != nil {
				return built{}, err
			}
		}
		return built{k: k}, nil
	}
}

// transpose returns the new transpose of a [R,C] matrix.
func transpose(a *tensor.Tensor) *tensor.Tensor {
	r, c := a.Shape[0], a.Shape[1]
	t := tensor.New(c, r)
	for i := range r {
		for j := range c {
			t.Data[j*r+i] = a.Data[i*c+j]
		}
	}
	return t
}

// dims returns M, K of a and K, N of b after the transposes.
func (k *matMulKernel) dims(a, b []int) (m, ka, kb, n int) {
	m, ka = a[0], a[1]
	if k.ta {
		m, ka = ka, m
	}
	if k.b != nil {
		b = k.b.Shape
	}
	kb, n = b[0], b[1]
	if k.tb && k.b == nil {
		kb, n = n, kb
	}
	return
}

func (k *matMulKernel) infer(in [][]int) ([]int, error) {
	if len(in[0]) != 2 || len(in[1]) != 2 {
		return nil, fmt.Errorf("operand shapes %v and %v, want rank 2", in[0], in[1])
	}
	m, ka, kb, n := k.dims(in[0], in[1])
	if ka != kb {
		return nil, fmt.Errorf("shapes %v and %v do not chain (transpose_a %v, transpose_b %v)", in[0], in[1], k.ta, k.tb)
	}
	if k.bias != nil && len(k.bias) != n {
		return nil, fmt.Errorf("bias has %d values for %d columns", len(k.bias), n)
	}
	return []int{m, n}, nil
}

func (k *matMulKernel) run(in []*tensor.Tensor, out []int, _ *tensor.Tensor) *tensor.Tensor {
	a, b := in[0], k.b
	if k.ta {
		a = transpose(a)
	}
	if b == nil {
		b = in[1]
		if k.tb {
			b = transpose(b)
		}
	}
	y := ops.FullyConnected(a, b, k.bias)
	k.act.apply(y)
	return y
}
