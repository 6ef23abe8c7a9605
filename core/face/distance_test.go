package face

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	halves := make([]float32, DescriptorLen)
	for i := range halves {
		halves[i] = 0.5
	}
	zeros := make([]float32, DescriptorLen)
	for _, tc := range []struct {
		name string
		a, b []float32
		want float64
	}{
		{"3-4-5", []float32{3, 0}, []float32{0, 4}, 5},
		{"same", []float32{1, -2, 3}, []float32{1, -2, 3}, 0},
		{"negative offsets", []float32{-1, -1, -1}, []float32{1, 1, 1}, math.Sqrt(12)},
		{"128 halves", halves, zeros, math.Sqrt(128 * 0.25)}, // = 4*sqrt(2)
		{"empty", nil, nil, 0},
	} {
		if got := Distance(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: Distance = %v, want %v", tc.name, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: Distance(b, a) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDistanceFloat64Accumulation checks that squares are summed in float64:
// in float32, 1e20² overflows to +Inf.
func TestDistanceFloat64Accumulation(t *testing.T) {
	if got := Distance([]float32{1e20}, []float32{0}); math.Abs(got-1e20)/1e20 > 1e-7 {
		t.Errorf("Distance(1e20, 0) = %v, want 1e20", got)
	}
}

func TestDistanceLengthMismatchIsNaN(t *testing.T) {
	if got := Distance([]float32{1, 2}, []float32{1}); !math.IsNaN(got) {
		t.Errorf("Distance of lengths 2 and 1 = %v, want NaN", got)
	}
}

func BenchmarkDistance(b *testing.B) {
	x, y := make([]float32, DescriptorLen), make([]float32, DescriptorLen)
	for i := range x {
		x[i], y[i] = float32(i)/DescriptorLen, float32(DescriptorLen-i)/DescriptorLen
	}
	for b.Loop() {
		Distance(x, y)
	}
}
