package ops

import (
	"fmt"
	"math"
	"testing"
)

// TestGemmMatchesRef checks the blocked gemm against the triple loop on
// shapes that hit every edge: fewer rows than a micro-tile, partial tiles in
// both directions, depth over one kc block, more rows than one mc block,
// padded row strides, and a C that already holds values (gemm adds).
func TestGemmMatchesRef(t *testing.T) {
	for _, s := range []struct{ m, n, k, pad int }{
		{1, 7, 5, 0}, {3, 1, 9, 2}, {4, 4, 4, 0}, {5, 3, 1, 1}, {7, 13, 300, 0},
		{65, 5, 27, 3}, {130, 33, 513, 0}, {64, 64, 256, 0}, {200, 6, 147, 1},
	} {
		draw := lcg(uint32(s.m*1000 + s.n*10 + s.k))
		lda, ldb, ldc := s.k+s.pad, s.n+s.pad, s.n+2*s.pad
		a := draw(s.m * lda).Data
		b := draw(s.k * ldb).Data
		c := draw(s.m * ldc).Data
		want := append([]float32(nil), c...)
		gemm(s.m, s.n, s.k, a, lda, b, ldb, c, ldc)
		gemmRef(s.m, s.n, s.k, a, lda, b, ldb, want, ldc)
		tol := 1e-5 * math.Sqrt(float64(s.k)) * 4
		for i := range c {
			if d := math.Abs(float64(c[i] - want[i])); !(d <= tol) {
				t.Fatalf("m=%d n=%d k=%d pad=%d: C[%d] = %v, want %v", s.m, s.n, s.k, s.pad, i, c[i], want[i])
			}
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	for _, s := range []struct{ m, n, k int }{{256, 256, 256}, {1024, 128, 1152}} {
		b.Run(fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			draw := lcg(1)
			a, bb, c := draw(s.m*s.k).Data, draw(s.k*s.n).Data, make([]float32, s.m*s.n)
			for b.Loop() {
				gemm(s.m, s.n, s.k, a, s.k, bb, s.n, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
