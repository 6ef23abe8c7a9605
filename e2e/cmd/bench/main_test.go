package main

import "testing"

// TestEncoderFLOPs checks the walk against the layer list written out by hand
// (kernel, input and output channels, output side at a 150×150 input):
//
//	conv32_down 7×7 3→32 at 72; 6× 3×3 32→32 at 35 (max pool 72→35)
//	conv64_down 3×3 32→64, 64→64 at 17; 6× 3×3 64→64 at 17
//	conv128_down 3×3 64→128, 128→128 at 8; 4× 3×3 128→128 at 8
//	conv256_down 3×3 128→256, 256→256 at 3; 4× 3×3 256→256 at 3
//	conv256_down_out 3×3 256→256, 256→256 at 1; fc 256→128
//
// summed as 2·k²·in·out·side² per conv plus 2·256·128 (python3, by hand).
func TestEncoderFLOPs(t *testing.T) {
	const want = 508678144
	if got := encoderFLOPs(); got != want {
		t.Errorf("encoderFLOPs() = %.0f, want %d", got, want)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// TestCeilingOf checks which peak each side's GFLOP/s are a fraction of:
// natively the larger of one and all goroutines, in the page one worker's
// (Visage's Go runs on one thread), and none for the GPU.
func TestCeilingOf(t *testing.T) {
	c := ceiling{native: 50, nativeOne: 80, page: 20, pageAll: 38}
	for where, want := range map[string]float64{"native": 80, "wasm": 20, "webgpu": 0} {
		if got := c.of(where); got != want {
			t.Errorf("of(%q) = %v, want %v", where, got, want)
		}
	}
	c.native = 150
	if got := c.of("native"); got != 150 {
		t.Errorf("of(native) = %v with all cores at 150, want 150", got)
	}
}
