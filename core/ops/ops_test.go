package ops

import (
	"math"
	"slices"
	"testing"

	"visage/core/tensor"
)

// tens builds a tensor from a shape and its row-major values.
func tens(t *testing.T, shape []int, data ...float32) *tensor.Tensor {
	t.Helper()
	x, err := tensor.FromData(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// expect fails unless got has shape and values within 1e-5 of want.
func expect(t *testing.T, name string, got *tensor.Tensor, shape []int, want ...float32) {
	t.Helper()
	w := tens(t, shape, want...)
	if d := tensor.MaxAbsDiff(got, w); d > 1e-5 {
		t.Errorf("%s = %v %v, want %v %v", name, got.Shape, got.Data, shape, want)
	}
}

func TestWindow(t *testing.T) {
	for _, c := range []struct {
		in, k, s int
		pad      Padding
		out, pre int
	}{
		{7, 3, 2, Same, 4, 1},  // total (4-1)*2+3-7 = 2
		{6, 3, 2, Same, 3, 0},  // total 2*2+3-6 = 1: the odd cell goes after
		{5, 1, 3, Same, 2, 0},  // total 0
		{3, 5, 1, Same, 3, 2},  // kernel wider than input, total 4
		{7, 3, 2, Valid, 3, 0}, // positions 0, 2, 4
		{3, 5, 1, Valid, 0, 0}, // no window fits
	} {
		out, pre := window(c.in, c.k, c.s, c.pad)
		if out != c.out || pre != c.pre {
			t.Errorf("window(in=%d,k=%d,s=%d,%v) = %d,%d, want %d,%d", c.in, c.k, c.s, c.pad, out, pre, c.out, c.pre)
		}
	}
}

func TestConv1DByHand(t *testing.T) {
	x := tens(t, []int{5, 1}, 1, 2, 3, 4, 5)
	w := tens(t, []int{3, 1, 1}, 1, 0, -1)
	// Valid: x[i] - x[i+2].
	expect(t, "valid", Conv(x, w, nil, nil, Valid), []int{3, 1}, -2, -2, -2)
	// Same, stride 2: out 3, total pad 2, one before: windows start at -1, 1, 3:
	// 0-2, 2-4, 4-0; plus bias 10.
	expect(t, "same/2", Conv(x, w, []float32{10}, []int{2}, Same), []int{3, 1}, 8, 8, 14)
}

func TestConv2DByHand(t *testing.T) {
	x := tens(t, []int{3, 3, 1}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	// Filter 0 sums the 2x2 window; filter 1 is top-left minus bottom-right.
	w := tens(t, []int{2, 2, 1, 2}, 1, 1, 1, 0, 1, 0, 1, -1)
	// Valid: sums 1+2+4+5=12, 16, 24, 28; differences 1-5 = -4 everywhere.
	want := []float32{12, -4, 16, -4, 24, -4, 28, -4}
	expect(t, "Conv valid", Conv(x, w, nil, nil, Valid), []int{2, 2, 2}, want...)
	expect(t, "Conv2D valid", Conv2D(x, w, nil, 1, 1, Valid), []int{2, 2, 2}, want...)
	// Same, stride 2: out 2x2, total pad 1, all after. Windows at (0,0) (0,2)
	// (2,0) (2,2): sums 12, 3+6, 7+8, 9; differences -4, 3, 7, 9.
	want = []float32{12, -4, 9, 3, 15, 7, 9, 9}
	expect(t, "Conv same/2", Conv(x, w, nil, []int{2, 2}, Same), []int{2, 2, 2}, want...)
	expect(t, "Conv2D same/2", Conv2D(x, w, nil, 2, 2, Same), []int{2, 2, 2}, want...)
	// Stride 1 across rows, 2 across columns, bias (1, 2); pad 1 after on
	// both axes. Windows: rows {0,1} {1,2} {2}, columns {0,1} {2}:
	// (0,0) 12,-4  (0,1) 3+6, 3  (1,0) 24,-4  (1,1) 6+9, 6  (2,0) 7+8, 7  (2,1) 9, 9.
	expect(t, "Conv2D same/1x2+bias", Conv2D(x, w, []float32{1, 2}, 1, 2, Same), []int{3, 2, 2},
		13, -2, 10, 5, 25, -2, 16, 8, 16, 9, 10, 11)
}

func TestConv3DByHand(t *testing.T) {
	x := tens(t, []int{2, 2, 2, 1}, 1, 2, 3, 4, 5, 6, 7, 8)
	w := tens(t, []int{2, 2, 2, 1, 1}, 1, 1, 1, 1, 1, 1, 1, 1)
	expect(t, "valid", Conv(x, w, nil, nil, Valid), []int{1, 1, 1, 1}, 36)
}

// The seed's shape checks: a 14-sample signal with 16 width-5 filters and a
// 14³ volume with 16 5×5×5 filters both shrink by 4 per axis under Valid.
func TestConvSeedShapes(t *testing.T) {
	y := Conv(tensor.New(14, 1), tensor.New(5, 1, 16), nil, nil, Valid)
	if !slices.Equal(y.Shape, []int{10, 16}) {
		t.Errorf("1-D: shape %v, want [10 16]", y.Shape)
	}
	y = Conv(tensor.New(14, 14, 14, 1), tensor.New(5, 5, 5, 1, 16), nil, nil, Valid)
	if !slices.Equal(y.Shape, []int{10, 10, 10, 16}) {
		t.Errorf("3-D: shape %v, want [10 10 10 16]", y.Shape)
	}
}

func TestDepthwiseByHand(t *testing.T) {
	// Channel 0 is 1,2,3,4; channel 1 is 10,20,30,40.
	x := tens(t, []int{2, 2, 2}, 1, 10, 2, 20, 3, 30, 4, 40)
	// w[ky,kx,c,m]: c0m0 all ones, c0m1 top-left only, c1m0 all 0.5, c1m1
	// bottom-right only.
	w := tens(t, []int{2, 2, 2, 2},
		1, 1, 0.5, 0,
		1, 0, 0.5, 0,
		1, 0, 0.5, 0,
		1, 0, 0.5, 1)
	expect(t, "valid", DepthwiseConv2D(x, w, []float32{1, 2, 3, 4}, 1, 1, Valid), []int{1, 1, 4},
		10+1, 1+2, 50+3, 40+4)
	// Same, stride 1: total pad 1 after on each axis; the window at (1,1)
	// sees only x[1,1].
	y := DepthwiseConv2D(x, w, nil, 1, 1, Same)
	expect(t, "same", y, []int{2, 2, 4},
		10, 1, 50, 40, 6, 2, 30, 0, 7, 3, 35, 0, 4, 4, 20, 0)
}

func TestPoolByHand(t *testing.T) {
	x := tens(t, []int{3, 3, 1}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	neg := tens(t, []int{3, 3, 1}, -1, -2, -3, -4, -5, -6, -7, -8, -9)
	// 2x2 stride 2 same: total pad 1, after; windows {1,2,4,5} {3,6} {7,8} {9}.
	expect(t, "max same/2", MaxPool2D(neg, 2, 2, 2, 2, Same), []int{2, 2, 1}, -1, -3, -7, -9)
	expect(t, "avg same/2", AvgPool2D(x, 2, 2, 2, 2, Same), []int{2, 2, 1}, 3, 4.5, 7.5, 9)
	expect(t, "max valid/1", MaxPool2D(x, 2, 2, 1, 1, Valid), []int{2, 2, 1}, 5, 6, 8, 9)
	expect(t, "avg valid/1", AvgPool2D(x, 2, 2, 1, 1, Valid), []int{2, 2, 1}, 3, 4, 6, 7)
	// 3x3 stride 1 same: corners average 4 cells, edges 6, the centre 9.
	expect(t, "avg same/1", AvgPool2D(x, 3, 3, 1, 1, Same), []int{3, 3, 1},
		3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7)
	// Non-square window and strides over 3 channels: 1x3 stride (2,1) valid.
	c3 := tens(t, []int{3, 3, 3}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26)
	expect(t, "max 1x3 s2,1", MaxPool2D(c3, 1, 3, 2, 1, Valid), []int{2, 1, 3}, 6, 7, 8, 24, 25, 26)
	expect(t, "global", GlobalAvgPool(tens(t, []int{2, 2, 2}, 1, 10, 2, 20, 3, 30, 4, 40)), []int{2}, 2.5, 25)
}

func TestActivationsByHand(t *testing.T) {
	in := []float32{-2, -0.5, 0, 3, 7}
	run := func(f func(*tensor.Tensor) *tensor.Tensor) *tensor.Tensor {
		x := tens(t, []int{5}, slices.Clone(in)...)
		if y := f(x); y != x {
			t.Error("activation did not work in place")
		}
		return x
	}
	expect(t, "ReLU", run(ReLU), []int{5}, 0, 0, 0, 3, 7)
	expect(t, "ReLU6", run(ReLU6), []int{5}, 0, 0, 0, 3, 6)
	expect(t, "LeakyReLU", run(func(x *tensor.Tensor) *tensor.Tensor { return LeakyReLU(x, 0.1) }), []int{5}, -0.2, -0.05, 0, 3, 7)
	// sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4.
	ln3 := float32(math.Log(3))
	expect(t, "Sigmoid", Sigmoid(tens(t, []int{3}, 0, ln3, -ln3)), []int{3}, 0.5, 0.75, 0.25)
}

func TestElementwiseByHand(t *testing.T) {
	expect(t, "ScaleBias", ScaleBias(tens(t, []int{2, 2}, 1, 2, 3, 4), []float32{2, 3}, []float32{1, -1}), []int{2, 2}, 3, 5, 7, 11)
	expect(t, "ScaleBias bias only", ScaleBias(tens(t, []int{2, 2}, 1, 2, 3, 4), nil, []float32{1, -1}), []int{2, 2}, 2, 1, 4, 3)
	expect(t, "ScaleBias scale only", ScaleBias(tens(t, []int{1, 3}, 1, 2, 3), []float32{3, 2, 1}, nil), []int{1, 3}, 3, 4, 3)
	a := tens(t, []int{2}, 1, 2)
	expect(t, "Add", Add(a, tens(t, []int{2}, 3, 4)), []int{2}, 4, 6)
	expect(t, "Add leaves a", a, []int{2}, 1, 2)
	expect(t, "AddInPlace", AddInPlace(a, tens(t, []int{2}, 3, 4)), []int{2}, 4, 6)
	expect(t, "Add after AddInPlace", a, []int{2}, 4, 6)
}

func TestMatMulByHand(t *testing.T) {
	a := tens(t, []int{2, 3}, 1, 2, 3, 4, 5, 6)
	b := tens(t, []int{3, 2}, 7, 8, 9, 10, 11, 12)
	expect(t, "MatMul", MatMul(a, b), []int{2, 2}, 58, 64, 139, 154)
	expect(t, "FC row", FullyConnected(tens(t, []int{3}, 1, 2, 3), b, []float32{1, 1}), []int{2}, 59, 65)
	expect(t, "FC batch", FullyConnected(a, b, []float32{1, -1}), []int{2, 2}, 59, 63, 140, 153)
	expect(t, "FC no bias", FullyConnected(a, b, nil), []int{2, 2}, 58, 64, 139, 154)
}

func TestResizeBilinearByHand(t *testing.T) {
	x := tens(t, []int{2, 2, 1}, 0, 10, 20, 30)
	// alignCorners 2→3: sources 0, 0.5, 1.
	expect(t, "align", ResizeBilinear(x, 3, 3, true, false), []int{3, 3, 1}, 0, 5, 10, 10, 15, 20, 20, 25, 30)
	// Plain 2→4: sources 0, 0.5, 1, 1.5, the last clamped to row/column 1.
	expect(t, "plain", ResizeBilinear(x, 4, 4, false, false), []int{4, 4, 1},
		0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30)
	// Half-pixel 2→4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
	expect(t, "half", ResizeBilinear(x, 4, 4, false, true), []int{4, 4, 1},
		0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30)
	// alignCorners to a single row keeps row 0 (ratio in/out, not (in-1)/0).
	expect(t, "align to 1x2", ResizeBilinear(x, 1, 2, true, false), []int{1, 2, 1}, 0, 10)
}

func TestLayoutByHand(t *testing.T) {
	x := tens(t, []int{1, 2, 1}, 1, 2)
	expect(t, "PadSpatial", PadSpatial(x, 1, 0, 0, 1, 9), []int{2, 3, 1}, 9, 9, 9, 1, 2, 9)
	expect(t, "PadSpatial zero", PadSpatial(x, 0, 1, 1, 0, 0), []int{2, 3, 1}, 0, 1, 2, 0, 0, 0)
	a := tens(t, []int{1, 2, 1}, 1, 2)
	b := tens(t, []int{1, 2, 2}, 3, 4, 5, 6)
	expect(t, "ConcatChannels", ConcatChannels(a, b), []int{1, 2, 3}, 1, 3, 4, 2, 5, 6)
	m := tens(t, []int{2, 3}, 1, 2, 3, 4, 5, 6)
	expect(t, "Transpose2D", Transpose2D(m), []int{3, 2}, 1, 4, 2, 5, 3, 6)
}

// TestShapeMismatchPanics checks that inconsistent shapes are caught up front
// (they are programming errors) instead of reading out of bounds or returning
// a wrong-shaped result.
func TestShapeMismatchPanics(t *testing.T) {
	x := tensor.New(4, 4, 3)
	for name, f := range map[string]func(){
		"Conv Cin":            func() { Conv(x, tensor.New(3, 3, 2, 1), nil, nil, Valid) },
		"Conv strides":        func() { Conv(x, tensor.New(3, 3, 3, 1), nil, []int{1}, Valid) },
		"Conv2D rank":         func() { Conv2D(tensor.New(4, 3), tensor.New(3, 3, 1), nil, 1, 1, Valid) },
		"Conv2D bias":         func() { Conv2D(x, tensor.New(3, 3, 3, 2), []float32{1}, 1, 1, Same) },
		"Conv2D stride 0":     func() { Conv2D(x, tensor.New(3, 3, 3, 2), nil, 0, 1, Same) },
		"Depthwise C":         func() { DepthwiseConv2D(x, tensor.New(3, 3, 2, 1), nil, 1, 1, Same) },
		"pool padding":        func() { MaxPool2D(x, 2, 2, 2, 2, Padding(7)) },
		"Add":                 func() { Add(x, tensor.New(4, 3, 4)) },
		"MatMul":              func() { MatMul(tensor.New(2, 3), tensor.New(2, 3)) },
		"FullyConnected":      func() { FullyConnected(tensor.New(2, 3), tensor.New(4, 2), nil) },
		"ScaleBias":           func() { ScaleBias(x, []float32{1, 2}, nil) },
		"ConcatChannels":      func() { ConcatChannels(x, tensor.New(4, 5, 1)) },
		"PadSpatial negative": func() { PadSpatial(x, -1, 0, 0, 0, 0) },
		"ResizeBilinear 0":    func() { ResizeBilinear(x, 0, 3, false, false) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestElementwiseLong checks ReLU, ReLU6 and AddInPlace on vectors long
// enough for the SIMD kernel in the browser, with a length that is not a
// multiple of 4 and values beyond 6; and ScaleBias on a long [N,8] tensor.
func TestElementwiseLong(t *testing.T) {
	const n = 3*4096 + 3
	draw := lcg(7)
	a, b := draw(n), draw(n)
	for i := range a.Data {
		a.Data[i] *= 10
	}
	sum, clamped, clamped6 := a.Clone(), a.Clone(), a.Clone()
	AddInPlace(sum, b)
	ReLU(clamped)
	ReLU6(clamped6)
	for i := range n {
		if want := a.Data[i] + b.Data[i]; sum.Data[i] != want {
			t.Fatalf("AddInPlace: [%d] = %v, want %v", i, sum.Data[i], want)
		}
		if want := max(a.Data[i], 0); clamped.Data[i] != want {
			t.Fatalf("ReLU: [%d] = %v, want %v", i, clamped.Data[i], want)
		}
		if want := min(max(a.Data[i], 0), 6); clamped6.Data[i] != want {
			t.Fatalf("ReLU6: [%d] = %v, want %v", i, clamped6.Data[i], want)
		}
	}
	x := draw(1024, 8)
	scale, bias := draw(8).Data, draw(8).Data
	y := ScaleBias(x.Clone(), scale, bias)
	for i, v := range x.Data {
		if want := v*scale[i%8] + bias[i%8]; math.Abs(float64(y.Data[i]-want)) > 1e-6 {
			t.Fatalf("ScaleBias: [%d] = %v, want %v", i, y.Data[i], want)
		}
	}
}
