package graph

import (
	"fmt"
	"slices"

	"visage/core/backend"
	"visage/core/tensor"
)

// The element-wise, broadcasting and reduction ops run on the backend's
// backend.Elementwise kernels.

// unaryKernel maps every element (Abs, Exp, Relu …).
type unaryKernel struct{ op backend.UnaryOp }

func buildUnary(op backend.UnaryOp) builder {
	return func(_ nodeJSON, in []static) (built, error) {
		if err := arity(in, 1); err != nil {
			return built{}, err
		}
		return built{k: unaryKernel{op}, inPlace: true}, nil
	}
}

func (unaryKernel) infer(in [][]int) ([]int, error) { return slices.Clone(in[0]), nil }
func (unaryKernel) operands() int                   { return 1 }
func (k unaryKernel) needs() string                 { return "Unary " + string(k.op) }
func (unaryKernel) params() (_, _ []*tensor.Tensor) { return nil, nil }

// binaryKernel is arithmetic with numpy broadcasting.
type binaryKernel struct{ op backend.BinaryOp }

func buildBinary(op backend.BinaryOp) builder {
	return func(_ nodeJSON, in []static) (built, error) {
		if err := arity(in, 2); err != nil {
			return built{}, err
		}
		return built{k: binaryKernel{op}, inPlace: true}, nil
	}
}

func (binaryKernel) infer(in [][]int) ([]int, error) { return backend.BroadcastShape(in[0], in[1]) }
func (binaryKernel) operands() int                   { return 2 }
func (k binaryKernel) needs() string                 { return "Binary " + string(k.op) }
func (binaryKernel) params() (_, _ []*tensor.Tensor) { return nil, nil }

// softmaxKernel normalises the last dimension.
type softmaxKernel struct{}

func buildSoftmax(_ nodeJSON, in []static) (built, error) {
	if err := arity(in, 1); err != nil {
		return built{}, err
	}
	return built{k: softmaxKernel{}, inPlace: true}, nil
}

func (softmaxKernel) infer(in [][]int) ([]int, error) {
	if len(in[0]) == 0 {
		return nil, fmt.Errorf("softmax of a scalar")
	}
	return slices.Clone(in[0]), nil
}
func (softmaxKernel) operands() int                   { return 1 }
func (softmaxKernel) needs() string                   { return "Softmax" }
func (softmaxKernel) params() (_, _ []*tensor.Tensor) { return nil, nil }

// reduceKernel reduces over constant axes, keeping them as size 1 with
// keep_dims.
type reduceKernel struct {
	op       backend.ReduceOp
	axes     []int // as given, possibly negative
	keepDims bool
}

func buildReduce(op backend.ReduceOp) builder {
	return func(n nodeJSON, in []static) (built, error) {
		if err := arity(in, 2); err != nil {
			return built{}, err
		}
		at, err := constInput(in, 1, "reduction axes")
		if err != nil {
			return built{}, err
		}
		return built{k: &reduceKernel{op: op, axes: ints(at), keepDims: n.Attr.bool("keep_dims", false)}}, nil
	}
}

// axesFor returns the reduced axes of a rank-r input, in [0, r).
func (k *reduceKernel) axesFor(rank int) ([]int, error) {
	out := make([]int, len(k.axes))
	for i, a := range k.axes {
		ax, err := normAxis(a, rank)
		if err != nil {
			return nil, err
		}
		out[i] = ax
	}
	return out, nil
}

func (k *reduceKernel) infer(in [][]int) ([]int, error) {
	axes, err := k.axesFor(len(in[0]))
	if err != nil {
		return nil, err
	}
	return backend.ReducedShape(in[0], axes, k.keepDims)
}
func (*reduceKernel) operands() int                   { return 1 }
func (k *reduceKernel) needs() string                 { return "Reduce " + string(k.op) }
func (*reduceKernel) params() (_, _ []*tensor.Tensor) { return nil, nil }
