package backend

import (
	"fmt"
	"slices"
	"sync"

	"visage/core/ops"
	"visage/core/tensor"
)

// CPU is the backend of visage/core/ops: the pure Go reference kernels, and
// the SIMD kernels beside them where the build has them (ops.KernelBuild).
// Its tensors are *tensor.Tensor; kernels run when called, Release is a
// no-op and ReadAll never fails. A CPU may be used from several goroutines
// at once.
type CPU struct {
	filters sync.Map // *tensor.Tensor → *ops.Filter, made by UploadWeights
}

// NewCPU returns a CPU backend.
func NewCPU() *CPU { return &CPU{} }

// Upload returns x itself.
func (*CPU) Upload(x *tensor.Tensor) *tensor.Tensor { return x }

// UploadWeights returns w itself, remembering it as a filter whose packed
// layouts Conv2DFused makes once (ops.NewFilter) when w is [kh,kw,Cin,Cout].
func (c *CPU) UploadWeights(w *tensor.Tensor) *tensor.Tensor {
	if w.Rank() == 4 {
		c.filters.LoadOrStore(w, ops.NewFilter(w))
	}
	return w
}

func (*CPU) NewTensor(shape ...int) *tensor.Tensor { return tensor.New(shape...) }
func (*CPU) Shape(x *tensor.Tensor) []int          { return x.Shape }
func (*CPU) Release(*tensor.Tensor)                {}
func (*CPU) Reshape(x *tensor.Tensor, shape ...int) *tensor.Tensor {
	if tensor.Size(shape) != x.Len() {
		panic(fmt.Sprintf("backend: Reshape %v to %v", x.Shape, shape))
	}
	return &tensor.Tensor{Shape: slices.Clone(shape), Data: x.Data}
}

// ReadAll returns clones of xs.
func (*CPU) ReadAll(xs ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	out := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		out[i] = x.Clone()
	}
	return out, nil
}

// data is an optional operand's values, nil for a nil tensor.
func data(t *tensor.Tensor) []float32 {
	if t == nil {
		return nil
	}
	return t.Data
}

func (c *CPU) Conv2DFused(x, w, bias *tensor.Tensor, strideH, strideW int, pad ops.Padding, ep Epilogue[*tensor.Tensor]) *tensor.Tensor {
	f, ok := c.filters.Load(w)
	if !ok {
		f = &ops.Filter{W: w}
	}
	filter := f.(*ops.Filter)
	if ep.ReLU && ep.Scale == nil && ep.Shift == nil {
		return filter.Conv2DReLU(x, data(bias), strideH, strideW, pad)
	}
	return epilogue(filter.Conv2D(x, data(bias), strideH, strideW, pad), ep)
}

func (*CPU) DepthwiseConv2DFused(x, w, bias *tensor.Tensor, strideH, strideW int, pad ops.Padding, ep Epilogue[*tensor.Tensor]) *tensor.Tensor {
	return epilogue(ops.DepthwiseConv2D(x, w, data(bias), strideH, strideW, pad), ep)
}

// epilogue applies ep to y in place.
func epilogue(y *tensor.Tensor, ep Epilogue[*tensor.Tensor]) *tensor.Tensor {
	if ep.Scale != nil || ep.Shift != nil {
		ops.ScaleBias(y, data(ep.Scale), data(ep.Shift))
	}
	switch {
	case ep.ReLU6:
		ops.ReLU6(y)
	case ep.ReLU:
		ops.ReLU(y)
	}
	return y
}

func (*CPU) MaxPool2D(x *tensor.Tensor, kh, kw, strideH, strideW int, pad ops.Padding) *tensor.Tensor {
	return ops.MaxPool2D(x, kh, kw, strideH, strideW, pad)
}

func (*CPU) AvgPool2D(x *tensor.Tensor, kh, kw, strideH, strideW int, pad ops.Padding) *tensor.Tensor {
	return ops.AvgPool2D(x, kh, kw, strideH, strideW, pad)
}

func (*CPU) Add(a, b *tensor.Tensor) *tensor.Tensor { return ops.Add(a, b) }

func (*CPU) AddZeroExtended(a, b *tensor.Tensor) *tensor.Tensor {
	if a.Rank() != 3 || b.Rank() != 3 {
		panic(fmt.Sprintf("backend: AddZeroExtended: shapes %v and %v, want [h,w,c] each", a.Shape, b.Shape))
	}
	h, w, c := max(a.Shape[0], b.Shape[0]), max(a.Shape[1], b.Shape[1]), max(a.Shape[2], b.Shape[2])
	return ops.AddInPlace(extend(a, h, w, c), extend(b, h, w, c))
}

// extend returns x [h',w',c'] zero-extended to [h,w,c] at the bottom, the
// right and in its last channels: a new tensor.
func extend(x *tensor.Tensor, h, w, c int) *tensor.Tensor {
	out := ops.PadSpatial(x, 0, h-x.Shape[0], 0, w-x.Shape[1], 0)
	if extra := c - x.Shape[2]; extra > 0 {
		out = ops.ConcatChannels(out, tensor.New(h, w, extra))
	}
	return out
}

func (*CPU) ReLU(x *tensor.Tensor) *tensor.Tensor                     { return ops.ReLU(x) }
func (*CPU) LeakyReLU(x *tensor.Tensor, alpha float32) *tensor.Tensor { return ops.LeakyReLU(x, alpha) }

func (*CPU) ReLUCopy(x *tensor.Tensor) *tensor.Tensor { return ops.ReLU(x.Clone()) }

func (*CPU) Clamp(x *tensor.Tensor, lo, hi float32) *tensor.Tensor {
	for i, v := range x.Data {
		x.Data[i] = min(max(v, lo), hi)
	}
	return x
}

func (*CPU) ScaleBias(x, scale, bias *tensor.Tensor) *tensor.Tensor {
	return ops.ScaleBias(x, data(scale), data(bias))
}

func (c *CPU) FullyConnected(x, w, bias *tensor.Tensor) *tensor.Tensor {
	return ops.FullyConnected(x, w, data(bias))
}

func (*CPU) MatMul(a, b *tensor.Tensor) *tensor.Tensor { return ops.MatMul(a, b) }

func (*CPU) ConvBackwardInput(dy, w *tensor.Tensor, xShape []int, strideH, strideW int, pad ops.Padding) *tensor.Tensor {
	return ops.ConvBackwardInput(dy, w, xShape, []int{strideH, strideW}, pad)
}

func (*CPU) MaxPool2DBackward(dy, x *tensor.Tensor, kh, kw, strideH, strideW int, pad ops.Padding) *tensor.Tensor {
	return ops.MaxPool2DBackward(dy, x, kh, kw, strideH, strideW, pad)
}

func (*CPU) AvgPool2DBackward(dy *tensor.Tensor, xShape []int, kh, kw, strideH, strideW int, pad ops.Padding) *tensor.Tensor {
	return ops.AvgPool2DBackward(dy, xShape, kh, kw, strideH, strideW, pad)
}

func (*CPU) ReLUBackward(dy, y *tensor.Tensor) *tensor.Tensor { return ops.ReLUBackward(dy, y) }

func (c *CPU) Gram(x *tensor.Tensor, scale float32) *tensor.Tensor {
	ch := x.Shape[x.Rank()-1]
	f := c.Reshape(x, x.Len()/ch, ch)
	g := ops.MatMul(ops.Transpose2D(f), f)
	for i := range g.Data {
		g.Data[i] *= scale
	}
	return g
}

func (*CPU) ScaledDiff(a, b *tensor.Tensor, scale float32) *tensor.Tensor {
	sameShape("ScaledDiff", a, b)
	out := tensor.New(a.Shape...)
	for i, v := range a.Data {
		out.Data[i] = scale * (v - b.Data[i])
	}
	return out
}

// SumSquaredDiff sums in float64.
func (*CPU) SumSquaredDiff(a, b *tensor.Tensor, scale float32, out *tensor.Tensor, index int, accumulate bool) {
	sameShape("SumSquaredDiff", a, b)
	sum := 0.0
	for i, v := range a.Data {
		d := float64(v) - float64(b.Data[i])
		sum += d * d
	}
	store(out, index, float32(float64(scale)*sum), accumulate)
}

// TotalVariation sums in float64.
func (*CPU) TotalVariation(x *tensor.Tensor, scale float32, out *tensor.Tensor, index int, accumulate bool) {
	sum := 0.0
	forEachNeighbour(x, func(a, b int) {
		d := float64(x.Data[b]) - float64(x.Data[a])
		sum += d * d
	})
	store(out, index, float32(float64(scale)*sum), accumulate)
}

func (*CPU) AddTotalVariationGrad(x, grad *tensor.Tensor, scale float32) {
	sameShape("AddTotalVariationGrad", x, grad)
	forEachNeighbour(x, func(a, b int) {
		g := 2 * scale * (x.Data[b] - x.Data[a])
		grad.Data[b] += g
		grad.Data[a] -= g
	})
}

// forEachNeighbour calls pair(a, b) for the flat index a of every cell of
// x [H,W,C] and b of its neighbour below, then of its neighbour to the
// right, where they exist.
func forEachNeighbour(x *tensor.Tensor, pair func(a, b int)) {
	if x.Rank() != 3 {
		panic(fmt.Sprintf("backend: total variation of %v, want [H,W,C]", x.Shape))
	}
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	for i := range h {
		for j := range w {
			for ch := range c {
				at := (i*w+j)*c + ch
				if i+1 < h {
					pair(at, at+w*c)
				}
				if j+1 < w {
					pair(at, at+c)
				}
			}
		}
	}
}

func store(out *tensor.Tensor, index int, v float32, accumulate bool) {
	if index < 0 || index >= out.Len() {
		panic(fmt.Sprintf("backend: sum into index %d of %v", index, out.Shape))
	}
	if accumulate {
		out.Data[index] += v
	} else {
		out.Data[index] = v
	}
}

// AdamStep keeps the moments in float32, as the GPU's.
func (*CPU) AdamStep(a ops.Adam, param, grad, m, v *tensor.Tensor, t int) {
	for _, x := range []*tensor.Tensor{grad, m, v} {
		sameShape("AdamStep", param, x)
	}
	ops.AdamStep(a, t, param.Data, grad.Data, m.Data, v.Data)
}

func sameShape(op string, a, b *tensor.Tensor) {
	if !tensor.SameShape(a, b) {
		panic(fmt.Sprintf("backend: %s: shapes %v and %v differ", op, a.Shape, b.Shape))
	}
}
