package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSquaredDistancesByHand(t *testing.T) {
	m := []float32{0, 0, 3, 4, 1, 1, 2, 2}
	out := make([]float32, 2)
	SquaredDistances(m, 4, []float32{0, 0, 0, 0}, out)
	if out[0] != 25 || out[1] != 10 {
		t.Errorf("distances² %v, want [25 10]", out)
	}
}

// TestSquaredDistancesMatchFloat64 checks random matrices (the SIMD kernel's
// sizes and the pure Go remainder: dims not a multiple of 4, and enough
// rows for the SIMD path) against sums in float64.
func TestSquaredDistancesMatchFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, dim := range []int{1, 5, 128, 192} {
		for _, rows := range []int{1, 7, 2000} {
			m := make([]float32, rows*dim)
			for i := range m {
				m[i] = float32(rng.NormFloat64() * 0.1)
			}
			q := make([]float32, dim)
			for i := range q {
				q[i] = float32(rng.NormFloat64() * 0.1)
			}
			out := make([]float32, rows)
			SquaredDistances(m, dim, q, out)
			for r := range rows {
				var want float64
				for i := range dim {
					d := float64(m[r*dim+i]) - float64(q[i])
					want += d * d
				}
				if math.Abs(float64(out[r])-want) > 1e-6*(1+want) {
					t.Fatalf("dim %d, %d rows: row %d gives %v, float64 %v", dim, rows, r, out[r], want)
				}
			}
		}
	}
}

// BenchmarkSquaredDistances100k is a search of 100,000 enrolled 128-number
// descriptors.
func BenchmarkSquaredDistances100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := make([]float32, 100000*128)
	for i := range m {
		m[i] = float32(rng.NormFloat64() * 0.1)
	}
	out := make([]float32, 100000)
	for b.Loop() {
		SquaredDistances(m, 128, m[:128], out)
	}
}
