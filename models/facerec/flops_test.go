package facerec

import "testing"

// TestFLOPs checks the count against the layer list written out by hand
// (kernel, input and output channels, output side at a 150×150 input;
// layers.go's residualDown pads conv256_down's 3×3 output to the
// shortcut's 4×4, which conv256_1 and conv256_2 then see):
//
//	conv32_down 7×7 3→32 at 72; 6× 3×3 32→32 at 35 (max pool 72→35)
//	conv64_down 3×3 32→64, 64→64 at 17; 6× 3×3 64→64 at 17
//	conv128_down 3×3 64→128, 128→128 at 8; 4× 3×3 128→128 at 8
//	conv256_down 3×3 128→256, 256→256 at 3; 4× 3×3 256→256 at 4
//	conv256_down_out 3×3 256→256, 256→256 at 1; fc 256→128
//
// summed as 2·k²·in·out·side² per conv plus 2·256·128.
func TestFLOPs(t *testing.T) {
	conv := func(k, in, out, side int) int { return 2 * k * k * in * out * side * side }
	want := conv(7, 3, 32, 72) + 6*conv(3, 32, 32, 35) +
		conv(3, 32, 64, 17) + conv(3, 64, 64, 17) + 6*conv(3, 64, 64, 17) +
		conv(3, 64, 128, 8) + conv(3, 128, 128, 8) + 4*conv(3, 128, 128, 8) +
		conv(3, 128, 256, 3) + conv(3, 256, 256, 3) + 4*conv(3, 256, 256, 4) +
		conv(3, 256, 256, 1) + conv(3, 256, 256, 1) + 2*256*Dim
	if got := FLOPs(); got != float64(want) {
		t.Errorf("FLOPs() = %.0f, want %d", got, want)
	}
}
