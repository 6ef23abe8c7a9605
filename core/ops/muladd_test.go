package ops

import (
	"math"
	"testing"
)

// TestMulAddMatchesLoop checks mulAdd against the plain loop on lengths
// around its 8-lane blocks, none at all, and unaligned slices.
func TestMulAddMatchesLoop(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 512} {
		draw := lcg(uint32(n + 1))
		x, y := draw(n+1).Data[1:], draw(n+3).Data[3:]
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
