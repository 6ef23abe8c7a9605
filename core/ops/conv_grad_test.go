package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
)

func TestConvBackwardInputByHand(t *testing.T) {
	// y[o] = x[o] + 2·x[o+1] (valid), so dx = [dy0, 2·dy0 + dy1, 2·dy1].
	w := tens(t, []int{2, 1, 1}, 1, 2)
	dy := tens(t, []int{2, 1}, 1, 10)
	expect(t, "valid", ConvBackwardInput(dy, w, []int{3, 1}, nil, Valid), []int{3, 1}, 1, 12, 20)
	// Stride 2, Same over 4 cells with a 3-tap kernel [1,2,3]: out 2, total
	// pad 1, none before; windows start at 0 and 2, the second one's last tap
	// falls on padding. dx = [1·a, 2·a, 3·a + 1·b, 2·b].
	w3 := tens(t, []int{3, 1, 1}, 1, 2, 3)
	expect(t, "same/2", ConvBackwardInput(tens(t, []int{2, 1}, 1, 10), w3, []int{4, 1}, []int{2}, Same), []int{4, 1}, 1, 2, 13, 20)
}

// convBackwardNaive2D is the input gradient written as the scatter it is:
// every dy value adds w·dy to the input cells its window touched.
func convBackwardNaive2D(dy, w *tensor.Tensor, xShape []int, sh, sw int, pad Padding) *tensor.Tensor {
	dx := tensor.New(xShape...)
	kh, kw, cin, cout := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	_, top := window(xShape[0], kh, sh, pad)
	_, left := window(xShape[1], kw, sw, pad)
	acc := make([]float64, dx.Len())
	for oy := range dy.Shape[0] {
		for ox := range dy.Shape[1] {
			for ky := range kh {
				for kx := range kw {
					iy, ix := oy*sh+ky-top, ox*sw+kx-left
					if iy < 0 || iy >= xShape[0] || ix < 0 || ix >= xShape[1] {
						continue
					}
					for ci := range cin {
						for co := range cout {
							acc[(iy*xShape[1]+ix)*cin+ci] += float64(w.At(ky, kx, ci, co)) * float64(dy.At(oy, ox, co))
						}
					}
				}
			}
		}
	}
	for i, v := range acc {
		dx.Data[i] = float32(v)
	}
	return dx
}

// convCases are awkward 2-D geometries: odd sizes, channels not a multiple of
// 4, strides that leave cells unused, kernels wider than tall.
var convCases = []struct {
	h, w, cin, cout, kh, kw, sh, sw int
	pad                             Padding
}{
	{5, 7, 3, 5, 3, 3, 1, 1, Same},
	{6, 5, 2, 3, 3, 3, 2, 2, Same},
	{7, 7, 3, 2, 2, 3, 2, 1, Same},
	{7, 6, 5, 3, 3, 3, 2, 2, Valid},
	{4, 9, 1, 7, 1, 2, 1, 3, Valid},
	{3, 3, 2, 2, 5, 5, 1, 1, Same}, // kernel wider than the input
}

func TestConvBackwardInputMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range convCases {
		x := tensor.New(c.h, c.w, c.cin)
		w := randTensor(rng, c.kh, c.kw, c.cin, c.cout)
		dy := randTensor(rng, Conv2D(x, w, nil, c.sh, c.sw, c.pad).Shape...)
		got := ConvBackwardInput(dy, w, x.Shape, []int{c.sh, c.sw}, c.pad)
		want := convBackwardNaive2D(dy, w, x.Shape, c.sh, c.sw, c.pad)
		if d := tensor.MaxAbsDiff(got, want); d > 1e-5 {
			t.Errorf("%+v: max |ConvBackwardInput − naive| = %g", c, d)
		}
	}
}

func TestConvBackwardInputFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range convCases {
		x := randTensor(rng, c.h, c.w, c.cin)
		w := randTensor(rng, c.kh, c.kw, c.cin, c.cout)
		strides := []int{c.sh, c.sw}
		r := randTensor(rng, Conv2D(x, w, nil, c.sh, c.sw, c.pad).Shape...)
		grad := ConvBackwardInput(r, w, x.Shape, strides, c.pad)
		loss := func() float64 { return dot(r, Conv(x, w, nil, strides, c.pad)) }
		e := checkFiniteDiff(t, fmt.Sprintf("%+v", c), x, grad, loss, 1e-2, 1e-3)
		t.Logf("%+v: worst finite-difference error %.2g", c, e)
	}
}

// TestConvBackwardInputAdjoint checks ⟨Conv(x,w), dy⟩ = ⟨x, ConvBackwardInput(dy,w)⟩
// in 1, 2 and 3 spatial dimensions: the input gradient of a linear map is its adjoint.
func TestConvBackwardInputAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range []struct {
		x, w, strides []int
		pad           Padding
	}{
		{[]int{9, 3}, []int{3, 3, 5}, []int{2}, Same},
		{[]int{8, 2}, []int{4, 2, 3}, []int{3}, Valid},
		{[]int{5, 7, 3}, []int{3, 2, 3, 2}, []int{2, 1}, Same},
		{[]int{5, 4, 6, 2}, []int{3, 3, 2, 2, 3}, []int{1, 2, 2}, Same},
		{[]int{4, 5, 5, 3}, []int{2, 3, 3, 3, 2}, []int{2, 1, 2}, Valid},
	} {
		x := randTensor(rng, c.x...)
		w := randTensor(rng, c.w...)
		dy := randTensor(rng, Conv(x, w, nil, c.strides, c.pad).Shape...)
		lhs := dot(Conv(x, w, nil, c.strides, c.pad), dy)
		rhs := dot(x, ConvBackwardInput(dy, w, c.x, c.strides, c.pad))
		if math.Abs(lhs-rhs) > 1e-4*max(1, math.Abs(lhs)) {
			t.Errorf("x %v w %v strides %v %v: ⟨Conv(x),dy⟩ = %g, ⟨x,dx⟩ = %g", c.x, c.w, c.strides, c.pad, lhs, rhs)
		}
	}
}

func BenchmarkConvBackwardInput(b *testing.B) {
	for _, c := range []struct{ hw, cin, cout int }{{64, 64, 64}, {32, 128, 128}, {16, 256, 256}} {
		b.Run(fmt.Sprintf("%dx%dx%d-%d", c.hw, c.hw, c.cin, c.cout), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			w := randTensor(rng, 3, 3, c.cin, c.cout)
			dy := randTensor(rng, c.hw, c.hw, c.cout)
			for b.Loop() {
				ConvBackwardInput(dy, w, []int{c.hw, c.hw, c.cin}, nil, Same)
			}
		})
	}
}
