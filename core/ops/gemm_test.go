package ops

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
)

// TestKernelsByHand checks every micro-kernel on a depth-2 product worked
// out by hand: a's rows are (1, 2), (2, 3), …; b's columns are (1, 1),
// (2, 0), (3, 1), (4, 0), …; so block (r, j) gains (r+1)(j+1) + (r+2)(j%2
// == 0) over the 100 it held.
func TestKernelsByHand(t *testing.T) {
	for _, kern := range kernels {
		a := make([]float32, 2*kern.mr)
		b := make([]float32, 2*kern.nr)
		for r := range kern.mr {
			a[r], a[kern.mr+r] = float32(r+1), float32(r+2)
		}
		for j := range kern.nr {
			b[j], b[kern.nr+j] = float32(j+1), float32(1-j%2)
		}
		c := make([]float32, kern.mr*kern.nr)
		for i := range c {
			c[i] = 100
		}
		kern.run(2, a, b, c, kern.nr)
		for r := range kern.mr {
			for j := range kern.nr {
				want := float32(100 + (r+1)*(j+1) + (r+2)*(1-j%2))
				if got := c[r*kern.nr+j]; got != want {
					t.Fatalf("%s: C(%d, %d) = %v, want %v", kern.name, r, j, got, want)
				}
			}
		}
	}
}

// TestKernelsMatchLoop checks every micro-kernel against the plain sum over
// the packed strips, on depths around its unrolling and none at all, with
// strips and C at odd (unaligned) offsets, C's rows 3 floats longer than
// the block and holding values (run adds to them), and the gaps between
// its rows holding NaNs that must stay untouched.
func TestKernelsMatchLoop(t *testing.T) {
	for _, kern := range kernels {
		ldc := kern.nr + 3
		for _, depth := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 255, 256} {
			draw := lcg(uint32(depth + 1))
			a := draw(depth*kern.mr + 1).Data[1:]
			b := draw(depth*kern.nr + 3).Data[3:]
			c := draw(kern.mr*ldc + 1).Data[1:]
			for i := range c {
				if i%ldc >= kern.nr {
					c[i] = float32(math.NaN())
				}
			}
			before := slices.Clone(c)
			kern.run(depth, a, b, c, ldc)
			for i, v := range c {
				r, j := i/ldc, i%ldc
				if j >= kern.nr {
					if v == v {
						t.Fatalf("%s depth %d: C[%d], past the block's row %d, was written (%v)", kern.name, depth, i, r, v)
					}
					continue
				}
				want, mag := float64(before[i]), math.Abs(float64(before[i]))
				for p := range depth {
					prod := float64(a[p*kern.mr+r]) * float64(b[p*kern.nr+j])
					want, mag = want+prod, mag+math.Abs(prod)
				}
				if d := math.Abs(float64(v) - want); !(d <= 1e-6*mag) {
					t.Fatalf("%s depth %d: C(%d, %d) = %v, want %v", kern.name, depth, r, j, v, want)
				}
			}
		}
	}
}

// TestGemmMatchesRef checks the blocked gemm on every micro-kernel against
// the triple loop on shapes that hit every edge: fewer rows than a
// micro-tile, partial tiles in both directions, depth over one kc block, no
// depth at all, more rows than one mc block, padded row strides, and a C
// that already holds values (gemm adds).
func TestGemmMatchesRef(t *testing.T) {
	for _, s := range []struct{ m, n, k, pad int }{
		{1, 7, 5, 0}, {3, 1, 9, 2}, {4, 4, 4, 0}, {5, 3, 1, 1}, {6, 16, 8, 0}, {7, 17, 0, 1},
		{7, 13, 300, 0}, {13, 33, 9, 1}, {65, 5, 27, 3}, {130, 33, 513, 0}, {64, 64, 256, 0}, {200, 6, 147, 1},
	} {
		for _, kern := range kernels {
			checkGemm(t, kern, s.m, s.n, s.k, s.pad, uint32(s.m*1000+s.n*10+s.k))
		}
	}
}

// checkGemm compares gemmBlocks on kern (gemm itself for the portable
// kernel, so that its single-row path runs too) with gemmRef on random m×n×k
// operands whose row strides are pad longer than needed.
func checkGemm(t *testing.T, kern microKernel, m, n, k, pad int, seed uint32) {
	t.Helper()
	draw := lcg(seed)
	lda, ldb, ldc := k+pad, n+pad, n+2*pad
	a := draw(m * lda).Data
	b := draw(k * ldb).Data
	c := draw(m * ldc).Data
	want := slices.Clone(c)
	if kern.name == goKernel.name {
		gemm(m, n, k, a, lda, b, ldb, c, ldc)
	} else if k > 0 {
		gemmBlocks(kern, m, n, k, denseA{a: a, ld: lda}, b, ldb, nil, c, ldc)
	}
	gemmRef(m, n, k, a, lda, b, ldb, want, ldc)
	tol := 1e-5 * math.Sqrt(float64(k)) * 4
	for i := range c {
		if d := math.Abs(float64(c[i] - want[i])); !(d <= tol) {
			t.Fatalf("%s m=%d n=%d k=%d pad=%d: C[%d] = %v, want %v", kern.name, m, n, k, pad, i, c[i], want[i])
		}
	}
}

// FuzzGemm runs checkGemm on every micro-kernel for shapes up to 80×80×600.
func FuzzGemm(f *testing.F) {
	f.Add(uint8(7), uint8(17), uint16(9), uint8(1), uint32(1))
	f.Add(uint8(70), uint8(33), uint16(513), uint8(0), uint32(2))
	f.Fuzz(func(t *testing.T, m, n uint8, k uint16, pad uint8, seed uint32) {
		mm, nn, kk := int(m%80)+1, int(n%80)+1, int(k%600)
		for _, kern := range kernels {
			checkGemm(t, kern, mm, nn, kk, int(pad%4), seed)
		}
	})
}

// TestGemmThreadsBitIdentical checks that sharing a product's rows among
// goroutines changes no bit of it: each element is summed in the same order
// whatever the blocks.
func TestGemmThreadsBitIdentical(t *testing.T) {
	const m, n, k = 300, 70, 600
	draw := lcg(7)
	a, b := draw(m*k).Data, draw(k*n).Data
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var outs [2][]float32
	for i, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		if got := workerCount(m*n*k, m); got != procs {
			t.Skipf("GOMAXPROCS %d gives %d goroutines here (js/wasm has one thread)", procs, got)
		}
		outs[i] = make([]float32, m*n)
		gemmBlocks(kernel, m, n, k, denseA{a: a, ld: k}, b, n, nil, outs[i], n)
	}
	for j := range outs[0] {
		if outs[0][j] != outs[1][j] {
			t.Fatalf("C[%d]: %v on one goroutine, %v on four", j, outs[0][j], outs[1][j])
		}
	}
}

// BenchmarkGemm times gemm on every micro-kernel, on one goroutine and on
// all of GOMAXPROCS.
func BenchmarkGemm(b *testing.B) {
	for _, s := range []struct{ m, n, k int }{{256, 256, 256}, {1024, 128, 1152}} {
		for _, kern := range kernels {
			for _, procs := range slices.Compact([]int{1, runtime.GOMAXPROCS(0)}) {
				b.Run(fmt.Sprintf("%dx%dx%d/%s/procs=%d", s.m, s.n, s.k, kern.name, procs), func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					draw := lcg(1)
					a, bb, c := draw(s.m*s.k).Data, draw(s.k*s.n).Data, make([]float32, s.m*s.n)
					for b.Loop() {
						gemmBlocks(kern, s.m, s.n, s.k, denseA{a: a, ld: s.k}, bb, s.n, nil, c, s.n)
					}
					b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// TestFMAPeak checks that FMAPeak counts its work (12 fused multiply-adds of
// 8 lanes a round on AVX2) and does none on the portable kernel.
func TestFMAPeak(t *testing.T) {
	want := map[string]float64{"go": 0, "avx2": 3 * 12 * 8 * 2}
	if got := FMAPeak(3); got != want[kernel.name] {
		t.Errorf("FMAPeak(3) on %s = %v, want %v", kernel.name, got, want[kernel.name])
	}
	if got := FMAPeak(0); got != 0 {
		t.Errorf("FMAPeak(0) = %v, want 0", got)
	}
}

// BenchmarkFMAPeak reports the native FMA ceiling in GFLOP/s on one
// goroutine (the bench command also measures all cores at once).
func BenchmarkFMAPeak(b *testing.B) {
	if FMAPeak(1) == 0 {
		b.Skip("the portable kernel has no FMA peak")
	}
	var flops float64
	for b.Loop() {
		flops += FMAPeak(1 << 20)
	}
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
