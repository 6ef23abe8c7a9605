//go:build js && wasm

package webgpu

import (
	"fmt"
	"math"

	"visage/core/backend"
	"visage/core/ops"
)

// Each kernel below records one dispatch and returns without waiting. Like
// visage/core/ops, shape mismatches are programming errors and panic. A nil
// bias (or scale) buffer means zeros (ones). Kernels documented as in place
// overwrite their first argument and return it; the others return a new
// Buffer the caller owns.

// Conv2D is ops.Conv2D on the GPU: x [H,W,Cin], w [kh,kw,Cin,Cout], bias
// [Cout] or nil; returns [oh,ow,Cout]. It runs as a tiled matrix product
// over an implicit im2col of x (see matmul.wgsl).
func (d *Device) Conv2D(x, w, bias *Buffer, strideH, strideW int, pad ops.Padding) *Buffer {
	return d.Conv2DFused(x, w, bias, strideH, strideW, pad, Epilogue{})
}

// Epilogue is per-channel work fused into a convolution's output as it is
// written, saving a dispatch and a round trip through memory for each.
type Epilogue = backend.Epilogue[*Buffer]

// activation is the epilogue's activation as the shaders take it: 0 none,
// 1 ReLU, 2 ReLU6.
func activation(ep Epilogue) int {
	switch {
	case ep.ReLU6:
		return 2
	case ep.ReLU:
		return 1
	}
	return 0
}

// Conv2DFused is Conv2D followed by ep: ops.ScaleBias(y, Scale, Shift),
// then ops.ReLU or ops.ReLU6 as ep says, in the same dispatch.
func (d *Device) Conv2DFused(x, w, bias *Buffer, strideH, strideW int, pad ops.Padding, ep Epilogue) *Buffer {
	if len(x.Shape) != 3 || len(w.Shape) != 4 || w.Shape[2] != x.Shape[2] {
		panic(fmt.Sprintf("webgpu: Conv2D: x %v, w %v: want [H,W,Cin] and [kh,kw,Cin,Cout]", x.Shape, w.Shape))
	}
	h, wd, c := x.Shape[0], x.Shape[1], x.Shape[2]
	kh, kw, cout := w.Shape[0], w.Shape[1], w.Shape[3]
	oh, top := windowPlan(h, kh, strideH, pad)
	ow, left := windowPlan(wd, kw, strideW, pad)
	mode := convForward
	if kh == 1 && kw == 1 && strideH == 1 && strideW == 1 {
		mode = dense // x is its own im2col: skip the shader's index arithmetic
	}
	y := d.matmul(matmulArgs{a: x, b: w, bias: bias, m: oh * ow, k: kh * kw * c, n: cout, mode: mode, alpha: 1,
		conv: [9]int{h, wd, c, ow, kw, strideH, strideW, top, left}, epilogue: ep})
	return y.Reshape(oh, ow, cout)
}

// DepthwiseConv2D is ops.DepthwiseConv2D on the GPU: x [H,W,C], w
// [kh,kw,C,mult], bias [C·mult] or nil; returns [oh,ow,C·mult], output
// channel c·mult+m coming from input channel c.
func (d *Device) DepthwiseConv2D(x, w, bias *Buffer, strideH, strideW int, pad ops.Padding) *Buffer {
	return d.DepthwiseConv2DFused(x, w, bias, strideH, strideW, pad, Epilogue{})
}

// DepthwiseConv2DFused is DepthwiseConv2D followed by ep, as Conv2DFused:
// a depthwise convolution with its batch norm and activation in one
// dispatch.
func (d *Device) DepthwiseConv2DFused(x, w, bias *Buffer, strideH, strideW int, pad ops.Padding, ep Epilogue) *Buffer {
	if len(x.Shape) != 3 || len(w.Shape) != 4 || w.Shape[2] != x.Shape[2] {
		panic(fmt.Sprintf("webgpu: DepthwiseConv2D: x %v, w %v: want [H,W,C] and [kh,kw,C,mult]", x.Shape, w.Shape))
	}
	h, wd, c := x.Shape[0], x.Shape[1], x.Shape[2]
	kh, kw, mult := w.Shape[0], w.Shape[1], w.Shape[3]
	oh, top := windowPlan(h, kh, strideH, pad)
	ow, left := windowPlan(wd, kw, strideW, pad)
	y, _ := d.alloc([]int{oh, ow, c * mult})
	b, hasBias := d.optional("DepthwiseConv2D", bias, c*mult)
	scale, hasScale := d.optional("DepthwiseConv2D", ep.Scale, c*mult)
	shift, hasShift := d.optional("DepthwiseConv2D", ep.Shift, c*mult)
	gx, gy := grid(y.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("depthwise_conv2d", nil, gx, gy, u32s(h, wd, c, oh, ow, c*mult, kh, kw, strideH, strideW, top, left, mult,
		b2i(hasBias), b2i(hasScale), b2i(hasShift), activation(ep)),
		x, w, b, scale, shift, y)
	return y
}

// ConvBackwardInput is ops.ConvBackwardInput for 2-D convolutions: given
// dy [oh,ow,Cout] of y = Conv2D(x, w, …) and w [kh,kw,Cin,Cout], it returns
// dL/dx with shape xShape = [H,W,Cin]. It runs as a tiled matrix product
// (see matmul.wgsl).
func (d *Device) ConvBackwardInput(dy, w *Buffer, xShape []int, strideH, strideW int, pad ops.Padding) *Buffer {
	if len(xShape) != 3 || len(w.Shape) != 4 || len(dy.Shape) != 3 || w.Shape[2] != xShape[2] || w.Shape[3] != dy.Shape[2] {
		panic(fmt.Sprintf("webgpu: ConvBackwardInput: dy %v, w %v, x %v: want [oh,ow,Cout], [kh,kw,Cin,Cout], [H,W,Cin]", dy.Shape, w.Shape, xShape))
	}
	h, wd, c := xShape[0], xShape[1], xShape[2]
	kh, kw, cout := w.Shape[0], w.Shape[1], w.Shape[3]
	oh, top := windowPlan(h, kh, strideH, pad)
	ow, left := windowPlan(wd, kw, strideW, pad)
	if dy.Shape[0] != oh || dy.Shape[1] != ow {
		panic(fmt.Sprintf("webgpu: ConvBackwardInput: dy %v, want [%d,%d,%d] for x %v", dy.Shape, oh, ow, cout, xShape))
	}
	dx := d.matmul(matmulArgs{a: dy, b: w, m: h * wd, k: kh * kw * cout, n: c, mode: convBackward, alpha: 1,
		conv: [9]int{oh, ow, cout, wd, kw, strideH, strideW, top, left}})
	return dx.Reshape(xShape...)
}

// MaxPool2D is ops.MaxPool2D on the GPU: x [H,W,C] → [oh,ow,C].
func (d *Device) MaxPool2D(x *Buffer, kh, kw, strideH, strideW int, pad ops.Padding) *Buffer {
	return d.pool(x, kh, kw, strideH, strideW, pad, true)
}

// AvgPool2D is ops.AvgPool2D on the GPU (Same: mean over in-bounds cells).
func (d *Device) AvgPool2D(x *Buffer, kh, kw, strideH, strideW int, pad ops.Padding) *Buffer {
	return d.pool(x, kh, kw, strideH, strideW, pad, false)
}

func (d *Device) pool(x *Buffer, kh, kw, strideH, strideW int, pad ops.Padding, isMax bool) *Buffer {
	if len(x.Shape) != 3 {
		panic(fmt.Sprintf("webgpu: pooling wants [H,W,C], got %v", x.Shape))
	}
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	oh, top := windowPlan(h, kh, strideH, pad)
	ow, left := windowPlan(w, kw, strideW, pad)
	y, _ := d.alloc([]int{oh, ow, c})
	gx, gy := grid(y.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("pool2d", nil, gx, gy, u32s(h, w, c, oh, ow, kh, kw, strideH, strideW, top, left, b2i(isMax)), x, y)
	return y
}

// MaxPool2DBackward is ops.MaxPool2DBackward: dL/dx [H,W,C] for y =
// MaxPool2D(x, …), given dy [oh,ow,C] and the forward input x.
func (d *Device) MaxPool2DBackward(dy, x *Buffer, kh, kw, strideH, strideW int, pad ops.Padding) *Buffer {
	return d.poolBackward(dy, x, x.Shape, kh, kw, strideH, strideW, pad)
}

// AvgPool2DBackward is ops.AvgPool2DBackward: dL/dx of shape xShape [H,W,C]
// for y = AvgPool2D(x, …), given dy [oh,ow,C].
func (d *Device) AvgPool2DBackward(dy *Buffer, xShape []int, kh, kw, strideH, strideW int, pad ops.Padding) *Buffer {
	return d.poolBackward(dy, nil, xShape, kh, kw, strideH, strideW, pad)
}

// poolBackward runs pool2d_backward.wgsl; x is nil for average pooling.
func (d *Device) poolBackward(dy, x *Buffer, xShape []int, kh, kw, strideH, strideW int, pad ops.Padding) *Buffer {
	if len(xShape) != 3 || len(dy.Shape) != 3 || dy.Shape[2] != xShape[2] {
		panic(fmt.Sprintf("webgpu: pooling backward: dy %v, x %v: want [oh,ow,C] and [H,W,C]", dy.Shape, xShape))
	}
	h, w, c := xShape[0], xShape[1], xShape[2]
	oh, top := windowPlan(h, kh, strideH, pad)
	ow, left := windowPlan(w, kw, strideW, pad)
	if dy.Shape[0] != oh || dy.Shape[1] != ow {
		panic(fmt.Sprintf("webgpu: pooling backward: dy %v, want [%d,%d,%d] for x %v", dy.Shape, oh, ow, c, xShape))
	}
	src := x
	if x == nil {
		src = dy // bound but not read by the average path
	}
	dx, _ := d.alloc(xShape)
	gx, gy := grid(dx.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("pool2d_backward", nil, gx, gy, u32s(h, w, c, oh, ow, kh, kw, strideH, strideW, top, left, b2i(x != nil)),
		dy, src, dx)
	return dx
}

// ReLU is ops.ReLU, in place.
func (d *Device) ReLU(x *Buffer) *Buffer { return d.activation(x, 0, 0, 0) }

// ReLU6 is ops.ReLU6, in place.
func (d *Device) ReLU6(x *Buffer) *Buffer { return d.Clamp(x, 0, 6) }

// Clamp limits every element of x to [lo, hi], in place.
func (d *Device) Clamp(x *Buffer, lo, hi float32) *Buffer { return d.activation(x, 1, lo, hi) }

// LeakyReLU is ops.LeakyReLU, in place.
func (d *Device) LeakyReLU(x *Buffer, alpha float32) *Buffer { return d.activation(x, 2, alpha, 0) }

func (d *Device) activation(x *Buffer, mode int, lo, hi float32) *Buffer {
	gx, gy := grid(x.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("activation", nil, gx, gy, []uint32{uint32(x.Len()), uint32(mode), math.Float32bits(lo), math.Float32bits(hi)}, x)
	return x
}

// ScaleBias is ops.ScaleBias, in place: x[…,c] = x[…,c]·scale[c] + bias[c]
// over the last dimension; scale and bias are [C] or nil (ones, zeros).
func (d *Device) ScaleBias(x, scale, bias *Buffer) *Buffer {
	c := x.Shape[len(x.Shape)-1]
	s, hasScale := d.optional("ScaleBias", scale, c)
	b, hasBias := d.optional("ScaleBias", bias, c)
	gx, gy := grid(x.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("scale_bias", nil, gx, gy, []uint32{uint32(x.Len()), uint32(c), uint32(b2i(hasScale)), uint32(b2i(hasBias))}, x, s, b)
	return x
}

// Add is ops.Add: a new tensor a + b (same shapes).
func (d *Device) Add(a, b *Buffer) *Buffer { return d.binary("Add", a, b, 0, 0) }

// ScaledDiff returns a new tensor scale·(a − b) (same shapes): the gradient
// of a squared distance.
func (d *Device) ScaledDiff(a, b *Buffer, scale float32) *Buffer {
	return d.binary("ScaledDiff", a, b, 2, scale)
}

// AddZeroExtended returns a new [H,W,C] tensor a + b for operands [h,w,c]
// of rank 3 where each of H, W, C is the larger of the two operands' sizes
// and the smaller operand is zero-extended at the bottom, the right and in
// its last channels: ops.PadSpatial and ops.ConcatChannels with zeros,
// fused with the add, as residual shortcuts that halve the resolution and
// double the channels need.
func (d *Device) AddZeroExtended(a, b *Buffer) *Buffer {
	if len(a.Shape) != 3 || len(b.Shape) != 3 {
		panic(fmt.Sprintf("webgpu: AddZeroExtended: shapes %v and %v, want [h,w,c] each", a.Shape, b.Shape))
	}
	shape := []int{max(a.Shape[0], b.Shape[0]), max(a.Shape[1], b.Shape[1]), max(a.Shape[2], b.Shape[2])}
	return d.binaryOp(shape, a.Shape, b.Shape, a, b, 0, 0)
}

// ReLUBackward is ops.ReLUBackward into a new tensor: dy where the ReLU's
// output y > 0, else 0.
func (d *Device) ReLUBackward(dy, y *Buffer) *Buffer { return d.binary("ReLUBackward", dy, y, 1, 0) }

// binary runs binary.wgsl on operands of one shape, of any rank.
func (d *Device) binary(op string, a, b *Buffer, mode int, scale float32) *Buffer {
	if !sameShape(a.Shape, b.Shape) {
		panic(fmt.Sprintf("webgpu: %s: shapes %v and %v differ", op, a.Shape, b.Shape))
	}
	flat := []int{1, 1, a.Len()}
	out := d.binaryOp(flat, flat, flat, a, b, mode, scale)
	out.Shape = append(out.Shape[:0], a.Shape...)
	return out
}

func (d *Device) binaryOp(shape, aShape, bShape []int, a, b *Buffer, mode int, scale float32) *Buffer {
	out, _ := d.alloc(shape)
	gx, gy := grid(out.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	params := append(u32s(append(append(append(shape[:3:3], aShape...), bShape...), mode)...), math.Float32bits(scale))
	d.dispatch("binary", nil, gx, gy, params, a, b, out)
	return out
}

// SumSquaredDiff records out[index] = scale·Σ(a−b)² (a, b of one shape),
// or adds that to out[index] when accumulate: the squared distances of
// the style-transfer costs, kept on the GPU until read. out is [n] with
// n > index.
func (d *Device) SumSquaredDiff(a, b *Buffer, scale float32, out *Buffer, index int, accumulate bool) {
	if !sameShape(a.Shape, b.Shape) {
		panic(fmt.Sprintf("webgpu: SumSquaredDiff: shapes %v and %v differ", a.Shape, b.Shape))
	}
	d.sumSquares(a, b, scale, out, index, accumulate, 0, [3]int{})
}

// TotalVariation records out[index] = scale·Σ of the squared differences
// between vertically and horizontally adjacent cells of x [H,W,C] (or
// adds it, when accumulate): art.TotalVariation's cost with scale =
// 1/(H·W·C).
func (d *Device) TotalVariation(x *Buffer, scale float32, out *Buffer, index int, accumulate bool) {
	if len(x.Shape) != 3 {
		panic(fmt.Sprintf("webgpu: TotalVariation: x %v, want [H,W,C]", x.Shape))
	}
	d.sumSquares(x, x, scale, out, index, accumulate, 1, [3]int(x.Shape))
}

func (d *Device) sumSquares(a, b *Buffer, scale float32, out *Buffer, index int, accumulate bool, mode int, hwc [3]int) {
	if index < 0 || index >= out.Len() {
		panic(fmt.Sprintf("webgpu: sum of squares into index %d of %v", index, out.Shape))
	}
	params := []uint32{uint32(a.Len()), uint32(index), uint32(b2i(accumulate)), math.Float32bits(scale)}
	d.dispatch("sum_squares", nil, 1, 1, append(params, u32s(mode, hwc[0], hwc[1], hwc[2])...), a, b, out)
}

// AddTotalVariationGrad adds scale·dJ_TV/dx to grad in place, J_TV being
// the sum TotalVariation weighs: art.TotalVariation's gradient with scale
// = 1/(H·W·C). x and grad are [H,W,C].
func (d *Device) AddTotalVariationGrad(x, grad *Buffer, scale float32) {
	if len(x.Shape) != 3 || !sameShape(x.Shape, grad.Shape) {
		panic(fmt.Sprintf("webgpu: AddTotalVariationGrad: x %v, grad %v, want equal [H,W,C]", x.Shape, grad.Shape))
	}
	gx, gy := grid(x.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("tv_gradient", nil, gx, gy, append(u32s(x.Shape...), math.Float32bits(scale)), x, grad)
}

// MatMul is ops.MatMul: [M,K]·[K,N] → [M,N].
func (d *Device) MatMul(a, b *Buffer) *Buffer {
	if len(a.Shape) != 2 || len(b.Shape) != 2 || a.Shape[1] != b.Shape[0] {
		panic(fmt.Sprintf("webgpu: MatMul: %v × %v", a.Shape, b.Shape))
	}
	return d.matmul(matmulArgs{a: a, b: b, m: a.Shape[0], k: a.Shape[1], n: b.Shape[1], alpha: 1})
}

// FullyConnected is ops.FullyConnected: x [N,In] or [In], w [In,Out], bias
// [Out] or nil; returns [N,Out] or [Out].
func (d *Device) FullyConnected(x, w, bias *Buffer) *Buffer {
	in := x.Shape[len(x.Shape)-1]
	if len(x.Shape) > 2 || len(w.Shape) != 2 || w.Shape[0] != in {
		panic(fmt.Sprintf("webgpu: FullyConnected: x %v, w %v: want [N,In] or [In] and [In,Out]", x.Shape, w.Shape))
	}
	y := d.matmul(matmulArgs{a: x, b: w, bias: bias, m: x.Len() / in, k: in, n: w.Shape[1], alpha: 1})
	if len(x.Shape) == 1 {
		y.Reshape(w.Shape[1])
	}
	return y
}

// Gram returns the [C,C] Gram matrix scale·FᵀF of x [H,W,C], F being x
// viewed as [H·W, C]: entry (i,j) is scale·Σ_p x[p,i]·x[p,j].
func (d *Device) Gram(x *Buffer, scale float32) *Buffer {
	c := x.Shape[len(x.Shape)-1]
	return d.matmul(matmulArgs{a: x, b: x, m: c, k: x.Len() / c, n: c, mode: transposedA, alpha: scale})
}

// MaxRows is the largest row (and column) count of a matrix product, and so
// the largest pixel count of a convolution's input or output, that the
// device runs in one dispatch. Callers taking images from users check
// their sizes against it.
func (d *Device) MaxRows() int {
	return d.limits.MaxComputeWorkgroupsPerDimension * matmulTile(d.limits) * matmulPerThread
}

// How matmul.wgsl reads its operands (see the shader).
const (
	dense        = iota // A [M,K], B [K,N]
	transposedA         // A stored [K,M]
	convForward         // A an image's im2col, B a filter
	convBackward        // A the gathered output gradient, B a filter
)

// matmulArgs describes one matmul.wgsl dispatch: out [m,n] = alpha·A·B +
// bias, then the epilogue, with A [m,k] and B [k,n] read from a and b as
// mode says. conv holds, for the convolution modes, the geometry of a and
// of the window: inH, inW, inC, outW, kW, strideH, strideW, padTop, padLeft.
type matmulArgs struct {
	a, b, bias *Buffer
	m, k, n    int
	mode       int
	alpha      float32
	conv       [9]int
	epilogue   Epilogue
}

func (d *Device) matmul(g matmulArgs) *Buffer {
	ts := matmulTile(d.limits)
	block := ts * matmulPerThread
	if limit := d.limits.MaxComputeWorkgroupsPerDimension * block; g.m > limit || g.n > limit {
		panic(fmt.Sprintf("webgpu: a [%d,%d] product exceeds the %d rows and columns one dispatch covers (see MaxRows)", g.m, g.n, limit))
	}
	out, _ := d.alloc([]int{g.m, g.n})
	bias, hasBias := d.optional("matmul", g.bias, g.n)
	scale, hasScale := d.optional("matmul", g.epilogue.Scale, g.n)
	shift, hasShift := d.optional("matmul", g.epilogue.Shift, g.n)
	params := []uint32{uint32(g.m), uint32(g.n), uint32(g.k), uint32(g.mode), uint32(b2i(hasBias)), math.Float32bits(g.alpha)}
	params = append(params, u32s(g.conv[:]...)...)
	params = append(params, u32s(b2i(hasScale), b2i(hasShift), activation(g.epilogue))...)
	constants := map[string]any{"TS": ts}
	d.dispatch(d.matmulShader(g.b, constants), constants, (g.n+block-1)/block, (g.m+block-1)/block, params,
		g.a, g.b, bias, scale, shift, out)
	return out
}

// AdamStep is ops.AdamStep with float32 moments, run by the adam shader:
// it applies Adam step t (1 for the first) in place, updating m and v
// (shaped like param, zero before step 1) with grad. The bias-corrected
// rate a.Rate(t) is computed here in float64, the rest in float32.
func (d *Device) AdamStep(a ops.Adam, param, grad, m, v *Buffer, t int) {
	for _, b := range []*Buffer{grad, m, v} {
		if !sameShape(b.Shape, param.Shape) {
			panic(fmt.Sprintf("webgpu: Adam: shapes %v and %v differ", b.Shape, param.Shape))
		}
	}
	gx, gy := grid(param.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	f := func(v float64) uint32 { return math.Float32bits(float32(v)) }
	d.dispatch("adam", nil, gx, gy, []uint32{uint32(param.Len()), f(a.Rate(t)), f(a.Beta1), f(a.Beta2), f(a.Epsilon)},
		param, grad, m, v)
}

// optional checks an optional per-channel operand of length n. It returns
// the buffer and true, or, for nil, a one-element stand-in to bind (which
// the shader does not read) and false.
func (d *Device) optional(op string, b *Buffer, n int) (*Buffer, bool) {
	if b == nil {
		if d.standIn == nil {
			d.standIn = d.NewBuffer(1)
		}
		return d.standIn, false
	}
	if b.Len() != n {
		panic(fmt.Sprintf("webgpu: %s: per-channel operand has shape %v, want %d values", op, b.Shape, n))
	}
	return b, true
}

func u32s(v ...int) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = uint32(x)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
