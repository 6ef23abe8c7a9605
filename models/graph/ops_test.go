package graph

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// Helpers to write attributes as the converter does.
func sAttr(s string) attrValue {
	e := base64.StdEncoding.EncodeToString([]byte(s))
	return attrValue{S: &e}
}

func iAttr(v int) attrValue  { j := jsonInt(v); return attrValue{I: &j} }
func bAttr(v bool) attrValue { return attrValue{B: &v} }

func listI(vs ...int) attrValue {
	l := &attrList{}
	for _, v := range vs {
		l.I = append(l.I, jsonInt(v))
	}
	return attrValue{List: l}
}

func listS(ss ...string) attrValue {
	l := &attrList{}
	for _, s := range ss {
		l.S = append(l.S, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	return attrValue{List: l}
}

func tt(shape []int, data ...float32) *tensor.Tensor {
	t, err := tensor.FromData(data, shape...)
	if err != nil {
		panic(err)
	}
	return t
}

// runOp builds op with attrs over inputs (nil-valued inputs are runtime
// inputs, the rest constants) and runs it on vals.
func runOp(t *testing.T, op string, a attrs, consts []*tensor.Tensor, vals ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	in := make([]static, len(consts))
	run := make([]*tensor.Tensor, len(consts))
	shapes := make([][]int, len(consts))
	v := 0
	for i, c := range consts {
		if c == nil {
			c = vals[v]
			v++
			in[i] = static{shape: c.Shape}
		} else {
			in[i] = static{shape: c.Shape, val: c}
		}
		run[i], shapes[i] = c, c.Shape
	}
	b, err := build(nodeJSON{Name: "n", Op: op, Attr: a}, in)
	if err != nil {
		t.Fatalf("%s: build: %v", op, err)
	}
	n := b.k.operands()
	out, err := b.k.infer(shapes[:n])
	if err != nil {
		t.Fatalf("%s: infer: %v", op, err)
	}
	r := newRunner[*tensor.Tensor](nil, backend.NewCPU())
	r.uploadParams(b.k)
	y, err := r.safeExec(b.k, run[:n], shapes[:n], out, nil)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	return y
}

func want(t *testing.T, what string, got *tensor.Tensor, shape []int, vals ...float32) {
	t.Helper()
	w := tt(shape, vals...)
	if len(shape) == 0 && len(got.Shape) == 0 && len(got.Data) == 1 {
		got = &tensor.Tensor{Shape: nil, Data: got.Data}
	}
	if d := tensor.MaxAbsDiff(got, w); d > 1e-6 {
		t.Errorf("%s = %v %v, want %v %v", what, got.Shape, got.Data, shape, vals)
	}
}

func TestBinaryBroadcastByHand(t *testing.T) {
	a := tt([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	want(t, "Add [2,3]+[3]", runOp(t, "Add", nil, []*tensor.Tensor{nil, tt([]int{3}, 10, 20, 30)}, a), []int{2, 3}, 11, 22, 33, 14, 25, 36)
	want(t, "Sub [2,3]-scalar", runOp(t, "Sub", nil, []*tensor.Tensor{nil, tt(nil, 1)}, a), []int{2, 3}, 0, 1, 2, 3, 4, 5)
	want(t, "Sub scalar-[2,3]", runOp(t, "Sub", nil, []*tensor.Tensor{tt(nil, 1), nil}, a), []int{2, 3}, 0, -1, -2, -3, -4, -5)
	want(t, "Mul [2,1]*[1,3]", runOp(t, "Mul", nil, []*tensor.Tensor{tt([]int{2, 1}, 2, 3), tt([]int{1, 3}, 1, 10, 100)}),
		[]int{2, 3}, 2, 20, 200, 3, 30, 300)
	want(t, "Maximum [2,3],[2,1]", runOp(t, "Maximum", nil, []*tensor.Tensor{nil, tt([]int{2, 1}, 2, 5)}, a), []int{2, 3}, 2, 2, 3, 5, 5, 6)
	want(t, "Minimum same shape", runOp(t, "Minimum", nil, []*tensor.Tensor{nil, tt([]int{2, 3}, 0, 9, 0, 9, 0, 9)}, a), []int{2, 3}, 0, 2, 0, 4, 0, 6)
	want(t, "RealDiv", runOp(t, "RealDiv", nil, []*tensor.Tensor{nil, tt([]int{3}, 1, 2, 4)}, a), []int{2, 3}, 1, 1, 0.75, 4, 2.5, 1.5)
	want(t, "SquaredDifference", runOp(t, "SquaredDifference", nil, []*tensor.Tensor{nil, tt(nil, 2)}, a), []int{2, 3}, 1, 0, 1, 4, 9, 16)
	// [2,1,2] + [3,1]: every pair of rows.
	want(t, "AddV2 [2,1,2]+[3,1]", runOp(t, "AddV2", nil, []*tensor.Tensor{tt([]int{2, 1, 2}, 1, 2, 3, 4), tt([]int{3, 1}, 0, 10, 20)}),
		[]int{2, 3, 2}, 1, 2, 11, 12, 21, 22, 3, 4, 13, 14, 23, 24)
	if _, err := backend.BroadcastShape([]int{2, 3}, []int{2}); err == nil {
		t.Error("[2,3] and [2] broadcast")
	}
}

func TestUnaryByHand(t *testing.T) {
	x := tt([]int{4}, -4, -0.25, 1, 9)
	for _, c := range []struct {
		op   string
		want []float32
	}{
		{"Relu", []float32{0, 0, 1, 9}},
		{"Relu6", []float32{0, 0, 1, 6}},
		{"Abs", []float32{4, 0.25, 1, 9}},
		{"Neg", []float32{4, 0.25, -1, -9}},
		{"Square", []float32{16, 0.0625, 1, 81}},
		{"Sigmoid", []float32{float32(1 / (1 + math.Exp(4))), float32(1 / (1 + math.Exp(0.25))), float32(1 / (1 + math.Exp(-1))), float32(1 / (1 + math.Exp(-9)))}},
	} {
		want(t, c.op, runOp(t, c.op, nil, []*tensor.Tensor{nil}, x), []int{4}, c.want...)
	}
	want(t, "Rsqrt", runOp(t, "Rsqrt", nil, []*tensor.Tensor{nil}, tt([]int{2}, 4, 0.25)), []int{2}, 0.5, 2)
	want(t, "Sqrt", runOp(t, "Sqrt", nil, []*tensor.Tensor{nil}, tt([]int{2}, 4, 0.25)), []int{2}, 2, 0.5)
	// softmax of [0, ln 3] is [1/4, 3/4]; each row alone.
	want(t, "Softmax", runOp(t, "Softmax", nil, []*tensor.Tensor{nil}, tt([]int{2, 2}, 0, float32(math.Log(3)), 5, 5)),
		[]int{2, 2}, 0.25, 0.75, 0.5, 0.5)
}

func TestReduceAndShapeByHand(t *testing.T) {
	x := tt([]int{1, 2, 3}, 1, 2, 3, 4, 5, 6)
	want(t, "Sum axis 2", runOp(t, "Sum", nil, []*tensor.Tensor{nil, tt(nil, 2)}, x), []int{1, 2}, 6, 15)
	want(t, "Sum axis -2 keep_dims", runOp(t, "Sum", attrs{"keep_dims": bAttr(true)}, []*tensor.Tensor{nil, tt(nil, -2)}, x),
		[]int{1, 1, 3}, 5, 7, 9)
	want(t, "Mean axes [1,2]", runOp(t, "Mean", nil, []*tensor.Tensor{nil, tt([]int{2}, 1, 2)}, x), []int{1}, 3.5)
	want(t, "Max axis 1", runOp(t, "Max", nil, []*tensor.Tensor{nil, tt(nil, 1)}, x), []int{1, 3}, 4, 5, 6)
	want(t, "Squeeze [0]", runOp(t, "Squeeze", attrs{"squeeze_dims": listI(0)}, []*tensor.Tensor{nil}, x), []int{2, 3}, 1, 2, 3, 4, 5, 6)
	want(t, "Squeeze all", runOp(t, "Squeeze", nil, []*tensor.Tensor{nil}, tt([]int{1, 3, 1}, 1, 2, 3)), []int{3}, 1, 2, 3)
	want(t, "Reshape [-1,2]", runOp(t, "Reshape", nil, []*tensor.Tensor{nil, tt([]int{2}, -1, 2)}, x), []int{3, 2}, 1, 2, 3, 4, 5, 6)
	want(t, "ExpandDims -1", runOp(t, "ExpandDims", nil, []*tensor.Tensor{nil, tt(nil, -1)}, tt([]int{2}, 7, 8)), []int{2, 1}, 7, 8)
	want(t, "Identity", runOp(t, "Identity", nil, []*tensor.Tensor{nil}, x), []int{1, 2, 3}, 1, 2, 3, 4, 5, 6)
}

func convAttrs(pad string, fused ...string) attrs {
	a := attrs{"strides": listI(1, 1, 1, 1), "padding": sAttr(pad), "dilations": listI(1, 1, 1, 1), "data_format": sAttr("NHWC")}
	if len(fused) > 0 {
		a["fused_ops"], a["num_args"] = listS(fused...), iAttr(len(fused))
	}
	return a
}

func TestConvByHand(t *testing.T) {
	// x 3×3 one channel 1..9; w 2×2 ones: VALID gives the 2×2 window sums.
	x := tt([]int{1, 3, 3, 1}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	w := tt([]int{2, 2, 1, 1}, 1, 1, 1, 1)
	want(t, "Conv2D VALID", runOp(t, "Conv2D", convAttrs("VALID"), []*tensor.Tensor{nil, w}, x), []int{1, 2, 2, 1}, 12, 16, 24, 28)
	// SAME pads after: the last row/column sum fewer cells.
	want(t, "Conv2D SAME", runOp(t, "Conv2D", convAttrs("SAME"), []*tensor.Tensor{nil, w}, x), []int{1, 3, 3, 1},
		12, 16, 9, 24, 28, 15, 15, 17, 9)
	// EXPLICIT one row on top only: windows over [0 0 0; x].
	ea := convAttrs("EXPLICIT")
	ea["explicit_paddings"] = listI(0, 0, 1, 0, 0, 0, 0, 0)
	want(t, "Conv2D EXPLICIT", runOp(t, "Conv2D", ea, []*tensor.Tensor{nil, w}, x), []int{1, 3, 2, 1}, 3, 5, 12, 16, 24, 28)
	// stride 2 VALID: only the top-left window.
	sa := convAttrs("VALID")
	sa["strides"] = listI(1, 2, 2, 1)
	want(t, "Conv2D stride 2", runOp(t, "Conv2D", sa, []*tensor.Tensor{nil, w}, x), []int{1, 1, 1, 1}, 12)
	// 1×1 conv, 1→2 channels, bias then Prelu (alpha 0.5, 0.1).
	x2 := tt([]int{1, 1, 2, 1}, 1, -2)
	w2 := tt([]int{1, 1, 1, 2}, 1, 2)
	a := convAttrs("VALID", "BiasAdd", "Prelu")
	want(t, "_FusedConv2D BiasAdd+Prelu", runOp(t, "_FusedConv2D", a, []*tensor.Tensor{nil, w2, tt([]int{2}, 0, 1), tt([]int{2}, 0.5, 0.1)}, x2),
		[]int{1, 1, 2, 2}, 1, 3, -1, -0.3)
	a = convAttrs("VALID", "BiasAdd", "Relu")
	a["num_args"] = iAttr(1)
	want(t, "_FusedConv2D BiasAdd+Relu", runOp(t, "_FusedConv2D", a, []*tensor.Tensor{nil, w2, tt([]int{2}, 0, 1)}, x2),
		[]int{1, 1, 2, 2}, 1, 3, 0, 0)
	// depthwise: two channels, 1×2 filters [1,1] and [1,-1].
	xd := tt([]int{1, 1, 2, 2}, 1, 10, 2, 20)
	wd := tt([]int{1, 2, 2, 1}, 1, 1, 1, -1)
	want(t, "DepthwiseConv2dNative", runOp(t, "DepthwiseConv2dNative", convAttrs("VALID"), []*tensor.Tensor{nil, wd}, xd), []int{1, 1, 1, 2}, 3, -10)
	fa := convAttrs("VALID", "BiasAdd")
	want(t, "FusedDepthwiseConv2dNative", runOp(t, "FusedDepthwiseConv2dNative", fa, []*tensor.Tensor{nil, wd, tt([]int{2}, 1, 100)}, xd),
		[]int{1, 1, 1, 2}, 4, 90)
	// two images in a batch.
	xb := tt([]int{2, 1, 2, 1}, 1, 2, 3, 4)
	want(t, "Conv2D batch 2", runOp(t, "Conv2D", convAttrs("VALID"), []*tensor.Tensor{nil, tt([]int{1, 2, 1, 1}, 1, 10)}, xb), []int{2, 1, 1, 1}, 21, 43)
}

func TestPoolAndMatMulByHand(t *testing.T) {
	x := tt([]int{1, 2, 4, 1}, 1, 5, 2, 0, 3, 4, 8, 7)
	pa := attrs{"ksize": listI(1, 2, 2, 1), "strides": listI(1, 2, 2, 1), "padding": sAttr("VALID")}
	want(t, "MaxPool", runOp(t, "MaxPool", pa, []*tensor.Tensor{nil}, x), []int{1, 1, 2, 1}, 5, 8)
	want(t, "AvgPool", runOp(t, "AvgPool", pa, []*tensor.Tensor{nil}, x), []int{1, 1, 2, 1}, 3.25, 4.25)

	a := tt([]int{1, 2}, 1, 2)
	b := tt([]int{2, 3}, 1, 0, -1, 0, 1, -1) // [K=2, N=3]
	want(t, "MatMul", runOp(t, "MatMul", nil, []*tensor.Tensor{nil, b}, a), []int{1, 3}, 1, 2, -3)
	bt := tt([]int{3, 2}, 1, 0, 0, 1, -1, -1) // the same, transposed
	ma := attrs{"transpose_b": bAttr(true), "fused_ops": listS("BiasAdd", "Relu"), "num_args": iAttr(1)}
	want(t, "_FusedMatMul transpose_b BiasAdd+Relu", runOp(t, "_FusedMatMul", ma, []*tensor.Tensor{nil, bt, tt([]int{3}, 1, 1, 1)}, a),
		[]int{1, 3}, 2, 3, 0)
	// non-constant b with transpose_a: aᵀ is [2,1]·[1,2].
	want(t, "MatMul transpose_a", runOp(t, "MatMul", attrs{"transpose_a": bAttr(true)}, []*tensor.Tensor{nil, nil}, a, tt([]int{1, 2}, 3, 4)),
		[]int{2, 2}, 3, 4, 6, 8)
}

func TestBuildRefusesAttributes(t *testing.T) {
	x := static{shape: []int{1, 3, 3, 1}}
	w := static{shape: []int{2, 2, 1, 1}, val: tensor.New(2, 2, 1, 1)}
	for _, c := range []struct {
		what, op, expect string
		a                attrs
		in               []static
	}{
		{"dilation", "Conv2D", "dilations", attrs{"padding": sAttr("SAME"), "dilations": listI(1, 2, 2, 1)}, []static{x, w}},
		{"padding", "Conv2D", "padding", attrs{"padding": sAttr("FULL")}, []static{x, w}},
		{"strides", "Conv2D", "strides", attrs{"padding": sAttr("SAME"), "strides": listI(2, 1, 1, 1)}, []static{x, w}},
		{"non-constant filter", "Conv2D", "constant", attrs{"padding": sAttr("SAME")}, []static{x, {shape: []int{2, 2, 1, 1}}}},
		{"fused batch norm", "_FusedConv2D", "fused_ops", attrs{"padding": sAttr("SAME"), "fused_ops": listS("FusedBatchNorm"), "num_args": iAttr(0)}, []static{x, w}},
		{"num_args", "_FusedConv2D", "num_args", attrs{"padding": sAttr("SAME"), "fused_ops": listS("BiasAdd"), "num_args": iAttr(2)}, []static{x, w, {shape: []int{1}, val: tensor.New(1)}}},
		{"pool explicit", "MaxPool", "padding", attrs{"ksize": listI(1, 2, 2, 1), "padding": sAttr("EXPLICIT")}, []static{x}},
		{"reduce axes", "Sum", "constant", nil, []static{x, {shape: []int{1}}}},
		{"unknown op", "Frobnicate", "unsupported op Frobnicate", nil, []static{x}},
	} {
		_, err := build(nodeJSON{Name: "n", Op: c.op, Attr: c.a}, c.in)
		if err == nil || !strings.Contains(err.Error(), c.expect) {
			t.Errorf("%s: error %v, want one mentioning %q", c.what, err, c.expect)
		}
	}
}
