package graph

import (
	"fmt"
	"slices"

	"visage/core/backend"
	"visage/core/tensor"
)

// built is a node's kernel and how Run may treat its output.
type built struct {
	k       kernel
	inPlace bool // may write into an input it no longer needs
	view    bool // output shares input 0's data
}

// builder makes a node's kernel from its attributes and what Load knows of
// its inputs (shapes; values of constants).
type builder func(n nodeJSON, in []static) (built, error)

var builders map[string]builder

func init() {
	builders = map[string]builder{
		"Identity":   viewOp(identityShape, 1),
		"Squeeze":    buildSqueeze,
		"Reshape":    buildReshape,
		"ExpandDims": buildExpandDims,

		"Conv2D":                     buildConv(false, false),
		"_FusedConv2D":               buildConv(false, true),
		"DepthwiseConv2dNative":      buildConv(true, false),
		"FusedDepthwiseConv2dNative": buildConv(true, true),
		"MaxPool":                    buildPool(true),
		"AvgPool":                    buildPool(false),
		"MatMul":                     buildMatMul(false),
		"_FusedMatMul":               buildMatMul(true),

		"Add":               buildBinary(backend.BinaryAdd),
		"AddV2":             buildBinary(backend.BinaryAdd),
		"Sub":               buildBinary(backend.BinarySub),
		"Mul":               buildBinary(backend.BinaryMul),
		"RealDiv":           buildBinary(backend.BinaryDiv),
		"Div":               buildBinary(backend.BinaryDiv),
		"Maximum":           buildBinary(backend.BinaryMaximum),
		"Minimum":           buildBinary(backend.BinaryMinimum),
		"SquaredDifference": buildBinary(backend.BinarySquaredDifference),

		"Sum":  buildReduce(backend.ReduceSum),
		"Mean": buildReduce(backend.ReduceMean),
		"Max":  buildReduce(backend.ReduceMax),
		"Min":  buildReduce(backend.ReduceMin),

		"Softmax": buildSoftmax,
	}
	for _, op := range backend.UnaryOps {
		builders[string(op)] = buildUnary(op)
	}
}

// build looks up n's op and makes its kernel.
func build(n nodeJSON, in []static) (built, error) {
	b, ok := builders[n.Op]
	if !ok {
		return built{}, fmt.Errorf("unsupported op %s", n.Op)
	}
	return b(n, in)
}

// arity checks the input count.
func arity(in []static, want int) error {
	if len(in) != want {
		return fmt.Errorf("%d inputs, want %d", len(in), want)
	}
	return nil
}

// constInput returns input i's value, or an error when it is not constant.
func constInput(in []static, i int, what string) (*tensor.Tensor, error) {
	if i >= len(in) || in[i].val == nil {
		return nil, fmt.Errorf("input %d (%s) must be a constant", i, what)
	}
	return in[i].val, nil
}

// ints returns t's values as ints (int32 constants are held as float32).
func ints(t *tensor.Tensor) []int {
	out := make([]int, len(t.Data))
	for i, v := range t.Data {
		out[i] = int(v)
	}
	return out
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(a, rank int) (int, error) {
	if a < -rank || a >= rank {
		return 0, fmt.Errorf("axis %d out of range for rank %d", a, rank)
	}
	if a < 0 {
		a += rank
	}
	return a, nil
}

// --- views ---------------------------------------------------------------

// viewKernel gives its first input another shape (backend.Reshape), the
// other inputs being constants bound at load.
type viewKernel struct {
	shape func(in [][]int) ([]int, error)
}

func (v viewKernel) infer(in [][]int) ([]int, error) { return v.shape(in) }
func (viewKernel) operands() int                     { return 1 }
func (viewKernel) needs() string                     { return "" }
func (viewKernel) params() (_, _ []*tensor.Tensor)   { return nil, nil }

func viewOp(shape func(in [][]int) ([]int, error), n int) builder {
	return func(_ nodeJSON, in []static) (built, error) {
		if err := arity(in, n); err != nil {
			return built{}, err
		}
		return built{k: viewKernel{shape}, view: true}, nil
	}
}

func identityShape(in [][]int) ([]int, error) { return slices.Clone(in[0]), nil }

func buildSqueeze(n nodeJSON, in []static) (built, error) {
	if err := arity(in, 1); err != nil {
		return built{}, err
	}
	dims := n.Attr.ints("squeeze_dims", n.Attr.ints("axis", nil))
	return built{k: viewKernel{func(in [][]int) ([]int, error) {
		x := in[0]
		drop := make([]bool, len(x))
		for _, d := range dims {
			a, err := normAxis(d, len(x))
			if err != nil {
				return nil, err
			}
			if x[a] != 1 {
				return nil, fmt.Errorf("cannot squeeze dimension %d of shape %v (size %d, not 1)", d, x, x[a])
			}
			drop[a] = true
		}
		var out []int
		for i, s := range x {
			if !drop[i] && (len(dims) > 0 || s != 1) {
				out = append(out, s)
			}
		}
		return out, nil
	}}, view: true}, nil
}

func buildReshape(_ nodeJSON, in []static) (built, error) {
	if err := arity(in, 2); err != nil {
		return built{}, err
	}
	st, err := constInput(in, 1, "shape")
	if err != nil {
		return built{}, err
	}
	target := ints(st)
	return built{k: viewKernel{func(in [][]int) ([]int, error) {
		n := tensor.Size(in[0])
		out := slices.Clone(target)
		known, free := 1, -1
		for i, d := range out {
			switch {
			case d == -1 && free < 0:
				free = i
			case d < 0:
				return nil, fmt.Errorf("reshape target %v: bad dimension %d", target, d)
			default:
				known *= d
				if known > maxElements {
					return nil, fmt.Errorf("reshape target %v is too large", target)
				}
			}
		}
		if free >= 0 && known > 0 && n%known == 0 {
			out[free] = n / known
			known *= out[free]
		}
		if known != n {
			return nil, fmt.Errorf("cannot reshape %v (%d values) to %v", in[0], n, target)
		}
		return out, nil
	}}, view: true}, nil
}

func buildExpandDims(_ nodeJSON, in []static) (built, error) {
	if err := arity(in, 2); err != nil {
		return built{}, err
	}
	at, err := constInput(in, 1, "axis")
	if err != nil {
		return built{}, err
	}
	if len(at.Data) != 1 {
		return built{}, fmt.Errorf("axis has %d values, want 1", len(at.Data))
	}
	axis := int(at.Data[0])
	return built{k: viewKernel{func(in [][]int) ([]int, error) {
		a, err := normAxis(axis, len(in[0])+1)
		if err != nil {
			return nil, err
		}
		return slices.Insert(slices.Clone(in[0]), a, 1), nil
	}}, view: true}, nil
}
