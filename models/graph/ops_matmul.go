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
	bias   *tensor.Tensor // [N] or nil
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
				k.b, k.tb = ops.Transpose2D(b), false
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
	b := []int(nil)
	if k.b == nil {
		b = in[1]
	}
	if len(in[0]) != 2 || k.b == nil && len(b) != 2 {
		return nil, fmt.Errorf("operand shapes %v and %v, want rank 2", in[0], b)
	}
	m, ka, kb, n := k.dims(in[0], b)
	if ka != kb {
		return nil, fmt.Errorf("shapes %v and %v do not chain (transpose_a %v, transpose_b %v)", in[0], b, k.ta, k.tb)
	}
	if k.bias != nil && k.bias.Len() != n {
		return nil, fmt.Errorf("bias has %d values for %d columns", k.bias.Len(), n)
	}
	return []int{m, n}, nil
}

// operands: a, and b unless it is a constant.
func (k *matMulKernel) operands() int {
	if k.b != nil {
		return 1
	}
	return 2
}

func (k *matMulKernel) needs() string {
	if k.ta || k.tb {
		return "Transpose2D (transpose_a or a variable transpose_b)"
	}
	return k.act.needs()
}

func (k *matMulKernel) params() (weights, others []*tensor.Tensor) {
	return []*tensor.Tensor{k.b}, []*tensor.Tensor{k.bias, k.act.alpha}
}

func (r *Runner[T]) matMul(k *matMulKernel, in []T) T {
	a, b := in[0], r.param(k.b)
	if k.ta {
		a = r.e.Transpose2D(a)
		defer r.b.Release(a)
	}
	if k.b == nil {
		b = in[1]
		if k.tb {
			b = r.e.Transpose2D(b)
			defer r.b.Release(b)
		}
	}
	return r.activate(k.act, r.b.FullyConnected(a, b, r.param(k.bias)), false)
}
