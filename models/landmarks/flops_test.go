package landmarks

import "testing"

// TestFLOPs checks the count against the layers written out by hand: each
// dense block's first convolution halves the side (112 → 56 → 28 → 14 →
// 7), the first block's is a plain 3×3 convolution, every other one a 3×3
// depthwise convolution then a 1×1 one; then fc 256→136 on the 7×7 average
// pool's one pixel.
func TestFLOPs(t *testing.T) {
	conv := func(k, in, out, side int) int { return 2 * k * k * in * out * side * side }
	separable := func(in, out, side int) int { return 2*9*in*side*side + conv(1, in, out, side) }
	block := func(in, out, side int) int { return separable(in, out, side) + 3*separable(out, out, side) }
	want := conv(3, 3, 32, 56) + 3*separable(32, 32, 56) +
		block(32, 64, 28) + block(64, 128, 14) + block(128, 256, 7) + 2*256*2*NumPoints
	if got := FLOPs(); got != float64(want) {
		t.Errorf("FLOPs() = %.0f, want %d", got, want)
	}
}
