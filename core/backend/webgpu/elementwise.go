//go:build js && wasm

package webgpu

import (
	"fmt"
	"slices"

	"visage/core/backend"
	"visage/core/tensor"
)

// A Device has the graph kernels too: TensorFlow.js graph models
// (visage/models/graph) run on it whole.
var _ backend.Elementwise[*Buffer] = (*Device)(nil)

// maxRank is the most dimensions elementwise.wgsl and reduce.wgsl index.
const maxRank = 8

// The op codes of elementwise.wgsl.
const opCopy = 0

var unaryCodes = map[backend.UnaryOp]int{
	backend.UnaryRelu: 1, backend.UnaryRelu6: 2, backend.UnarySigmoid: 3, backend.UnaryAbs: 4,
	backend.UnaryNeg: 5, backend.UnarySquare: 6, backend.UnarySqrt: 7, backend.UnaryRsqrt: 8,
	backend.UnaryExp: 9, backend.UnaryLog: 10, backend.UnaryTanh: 11, backend.UnaryElu: 12,
}

var binaryCodes = map[backend.BinaryOp]int{
	backend.BinaryAdd: 16, backend.BinarySub: 17, backend.BinaryMul: 18, backend.BinaryDiv: 19,
	backend.BinaryMaximum: 20, backend.BinaryMinimum: 21, backend.BinarySquaredDifference: 22,
	backend.BinaryPrelu: 23,
}

var reduceCodes = map[backend.ReduceOp]int{
	backend.ReduceSum: 0, backend.ReduceMean: 1, backend.ReduceMax: 2, backend.ReduceMin: 3,
}

// view is how elementwise.wgsl reads an operand along each output
// dimension: index·stride from base, valid while index − lo lies in
// [0, dim), zero outside.
type view struct {
	buf             *Buffer
	base            int
	stride, lo, dim [maxRank]int
}

// unbounded is a dim no index reaches.
const unbounded = 1<<32 - 1

// broadcast returns the view of b (shape) under numpy broadcasting to out.
func broadcast(b *Buffer, shape, out []int) view {
	v := view{buf: b}
	stride := 1
	for k := 1; k <= len(out); k++ {
		d := len(out) - k
		v.dim[d] = unbounded
		if k <= len(shape) {
			if s := shape[len(shape)-k]; s != 1 {
				v.stride[d] = stride
			}
			stride *= shape[len(shape)-k]
		}
	}
	return v
}

// ewArgs is one elementwise.wgsl dispatch: op over n output cells of
// shape (written from outBase on) from a and, for binary ops, b.
type ewArgs struct {
	op      int
	shape   []int
	out     *Buffer
	outBase int
	a, b    view
}

func (d *Device) ew(g ewArgs) {
	if len(g.shape) > maxRank {
		panic(fmt.Sprintf("webgpu: element-wise op on shape %v: at most %d dimensions", g.shape, maxRank))
	}
	n := tensor.Size(g.shape)
	params := u32s(n, len(g.shape), g.op, g.outBase, g.a.base, g.b.base)
	bind := []*Buffer{g.out}
	for _, v := range []view{g.a, g.b} {
		isOut := v.buf != nil && v.buf.buf.Equal(g.out.buf)
		params = append(params, uint32(b2i(isOut)))
		if isOut || v.buf == nil {
			v.buf, _ = d.optional("element-wise op", nil, 0)
		}
		bind = append(bind, v.buf)
	}
	var shape [maxRank]int
	copy(shape[:], g.shape)
	params = append(params, u32s(shape[:]...)...)
	for _, v := range []view{g.a, g.b} {
		params = append(params, u32s(v.stride[:]...)...)
		params = append(params, u32s(v.lo[:]...)...)
		params = append(params, u32s(v.dim[:]...)...)
	}
	gx, gy := grid(n, elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("elementwise", nil, gx, gy, params, bind...)
}

// into returns dst, checked to have shape, or a new buffer of shape.
func (d *Device) into(op string, dst *Buffer, shape []int) *Buffer {
	if dst == nil {
		out, _ := d.alloc(shape)
		return out
	}
	if !sameShape(dst.Shape, shape) {
		panic(fmt.Sprintf("webgpu: %s: dst of shape %v for a result of shape %v", op, dst.Shape, shape))
	}
	return dst
}

// Unary is backend.CPU's Unary: op on every element of x, into dst (which
// may be x) or a new buffer.
func (d *Device) Unary(op backend.UnaryOp, x, dst *Buffer) *Buffer {
	code, ok := unaryCodes[op]
	if !ok {
		panic(fmt.Sprintf("webgpu: no unary op %q", op))
	}
	out := d.into("Unary", dst, x.Shape)
	d.ew(ewArgs{op: code, shape: x.Shape, out: out, a: broadcast(x, x.Shape, x.Shape)})
	return out
}

// Binary is backend.CPU's Binary: op(a, b) with numpy broadcasting, into
// dst (which may be a or b) or a new buffer.
func (d *Device) Binary(op backend.BinaryOp, a, b, dst *Buffer) *Buffer {
	code, ok := binaryCodes[op]
	if !ok {
		panic(fmt.Sprintf("webgpu: no binary op %q", op))
	}
	shape, err := backend.BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		panic("webgpu: Binary: " + err.Error())
	}
	out := d.into("Binary", dst, shape)
	d.ew(ewArgs{op: code, shape: shape, out: out, a: broadcast(a, a.Shape, shape), b: broadcast(b, b.Shape, shape)})
	return out
}

// Transpose2D is ops.Transpose2D: [m,n] → a new [n,m].
func (d *Device) Transpose2D(x *Buffer) *Buffer {
	if len(x.Shape) != 2 {
		panic(fmt.Sprintf("webgpu: Transpose2D of %v, want [m,n]", x.Shape))
	}
	m, n := x.Shape[0], x.Shape[1]
	out, _ := d.alloc([]int{n, m})
	a := view{buf: x, stride: [maxRank]int{1, n}, dim: [maxRank]int{unbounded, unbounded}}
	d.ew(ewArgs{op: opCopy, shape: out.Shape, out: out, a: a})
	return out
}

// PadSpatial is ops.PadSpatial with zeros: x [H,W,C] in a new
// [top+H+bottom, left+W+right, C].
func (d *Device) PadSpatial(x *Buffer, top, bottom, left, right int) *Buffer {
	if len(x.Shape) != 3 || top < 0 || bottom < 0 || left < 0 || right < 0 {
		panic(fmt.Sprintf("webgpu: PadSpatial %v by %d,%d,%d,%d", x.Shape, top, bottom, left, right))
	}
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	out, _ := d.alloc([]int{top + h + bottom, left + w + right, c})
	a := view{buf: x, stride: [maxRank]int{w * c, c, 1}, lo: [maxRank]int{top, left}, dim: [maxRank]int{h, w, c}}
	d.ew(ewArgs{op: opCopy, shape: out.Shape, out: out, a: a})
	return out
}

// Unstack returns x [N,…] as N new buffers [...].
func (d *Device) Unstack(x *Buffer) []*Buffer {
	if len(x.Shape) == 0 {
		panic("webgpu: Unstack of a scalar")
	}
	shape := x.Shape[1:]
	per := tensor.Size(shape)
	out := make([]*Buffer, x.Shape[0])
	for i := range out {
		out[i], _ = d.alloc(shape)
		a := broadcast(x, shape, shape)
		a.base = i * per
		d.ew(ewArgs{op: opCopy, shape: shape, out: out[i], a: a})
	}
	return out
}

// Stack returns a new [len(xs),…] buffer from xs, all of one shape.
func (d *Device) Stack(xs []*Buffer) *Buffer {
	if len(xs) == 0 {
		panic("webgpu: Stack of no buffers")
	}
	shape := xs[0].Shape
	out, _ := d.alloc(append([]int{len(xs)}, shape...))
	for i, x := range xs {
		if !sameShape(x.Shape, shape) {
			panic(fmt.Sprintf("webgpu: Stack: shapes %v and %v differ", shape, x.Shape))
		}
		d.ew(ewArgs{op: opCopy, shape: shape, out: out, outBase: i * x.Len(), a: broadcast(x, shape, shape)})
	}
	return out
}

// Reduce is backend.CPU's Reduce, summing in float32.
func (d *Device) Reduce(op backend.ReduceOp, x *Buffer, axes []int, keepDims bool) *Buffer {
	code, ok := reduceCodes[op]
	if !ok {
		panic(fmt.Sprintf("webgpu: no reduction %q", op))
	}
	if len(x.Shape) > maxRank {
		panic(fmt.Sprintf("webgpu: Reduce of shape %v: at most %d dimensions", x.Shape, maxRank))
	}
	shape, err := backend.ReducedShape(x.Shape, axes, keepDims)
	if err != nil {
		panic("webgpu: Reduce: " + err.Error())
	}
	out, _ := d.alloc(shape)
	var dims, strides, reduced [maxRank]int
	count, stride := 1, 1
	for i := len(x.Shape) - 1; i >= 0; i-- {
		dims[i], strides[i] = x.Shape[i], stride
		stride *= x.Shape[i]
		if slices.Contains(axes, i) {
			reduced[i] = 1
			count *= x.Shape[i]
		}
	}
	params := u32s(out.Len(), len(x.Shape), code, count)
	params = append(append(append(params, u32s(dims[:]...)...), u32s(strides[:]...)...), u32s(reduced[:]...)...)
	gx, gy := grid(out.Len(), elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("reduce", nil, gx, gy, params, x, out)
	return out
}

// Softmax is backend.CPU's Softmax along the last dimension, into dst
// (which may be x) or a new buffer.
func (d *Device) Softmax(x, dst *Buffer) *Buffer {
	if len(x.Shape) == 0 {
		panic("webgpu: Softmax of a scalar")
	}
	out := d.into("Softmax", dst, x.Shape)
	n := x.Shape[len(x.Shape)-1]
	rows := x.Len() / max(n, 1)
	src, inPlace := x, x.buf.Equal(out.buf)
	if inPlace {
		src, _ = d.optional("Softmax", nil, 0)
	}
	gx, gy := grid(rows, elementwiseGroup, d.limits.MaxComputeWorkgroupsPerDimension)
	d.dispatch("softmax", nil, gx, gy, u32s(rows, n, b2i(inPlace)), out, src)
	return out
}
