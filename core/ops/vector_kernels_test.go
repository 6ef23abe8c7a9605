package ops

// Tests of the vector kernels beside the GEMM: mulAdd (depthwise) and
// addClamp (ReLU, ReLU6, AddInPlace), each against its plain loop.

import (
	"math"
	"testing"
)

// TestMulAddMatchesLoop checks mulAdd against the plain loop on lengths
// around its 8-lane blocks, none at all, and unaligned slices.
func TestMulAddMatchesLoop(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 512} {
		draw := lcg(uint32(n + 1))
		x, y := draw(n + 1).Data[1:], draw(n + 3).Data[3:]
		got := draw(n + 2).Data[2:]
		want := append([]float32(nil), got...)
		mulAdd(got, x, y)
		for i := range want {
			want[i] = float32(float64(want[i]) + float64(x[i])*float64(y[i]))
		}
		for i := range got {
			if d := math.Abs(float64(got[i] - want[i])); !(d <= 1e-6) {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, got[i], want[i])
			}
		}
	}
}

// TestAddClampMatchesLoop checks addClamp (the SIMD kernel where one runs)
// against addClampGo on lengths around its 8-lane blocks, with and without
// src, unaligned, with NaN, ±0 and infinities among the values.
func TestAddClampMatchesLoop(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, n := range []int{0, 1, 7, 8, 9, 17, 100} {
		for _, withSrc := range []bool{false, true} {
			for _, bounds := range [][2]float32{{0, inf}, {0, 6}, {-inf, inf}} {
				draw := lcg(uint32(n + 5))
				dst := draw(n + 1).Data[1:]
				var src []float32
				if withSrc {
					src = draw(n + 3).Data[3:]
				}
				for i, v := range []float32{nan, float32(math.Copysign(0, -1)), inf, -inf, 7, -3} {
					if i < n {
						dst[(i*5)%n] = 8 * v
					}
				}
				want := append([]float32(nil), dst...)
				addClampGo(want, src, bounds[0], bounds[1])
				addClamp(dst, src, bounds[0], bounds[1])
				for i := range dst {
					if math.Float32bits(dst[i]) != math.Float32bits(want[i]) && !(dst[i] != dst[i] && want[i] != want[i]) {
						t.Fatalf("n=%d src %v bounds %v: dst[%d] = %v, want %v", n, withSrc, bounds, i, dst[i], want[i])
					}
				}
			}
		}
	}
}

// TestAddClampByHand checks the plain loop itself on worked values.
func TestAddClampByHand(t *testing.T) {
	dst := []float32{-2, 3, 9, float32(math.NaN())}
	addClampGo(dst, []float32{1, 1, 1, 1}, 0, 6)
	if dst[0] != 0 || dst[1] != 4 || dst[2] != 6 || dst[3] == dst[3] {
		t.Errorf("addClampGo = %v, want [0 4 6 NaN]", dst)
	}
}
