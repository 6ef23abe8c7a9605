//go:build amd64 && !noasm

package ops

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// kernels are the micro-kernels this CPU can run, slowest first: the
// portable one, and avx2Kernel where the CPU has AVX2 and FMA3.
var kernels = func() []microKernel {
	if hasAVX2FMA {
		return []microKernel{goKernel, avx2Kernel}
	}
	return []microKernel{goKernel}
}()

// hasAVX2FMA says whether the CPU has AVX2 and FMA3 (and the OS saves the
// YMM registers, which cpu checks).
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// mulAddVec does mulAdd's first len(dst) rounded down to 8 elements with
// AVX2 where the CPU has it, and returns how many it did (0 without).
func mulAddVec(dst, x, y []float32) int {
	n := len(dst) &^ 7
	if !hasAVX2FMA || n == 0 {
		return 0
	}
	_, _ = x[:n], y[:n]
	mulAddAVX2(unsafe.SliceData(dst), unsafe.SliceData(x), unsafe.SliceData(y), n)
	return n
}

// addClampVec does addClamp's first len(dst) rounded down to 8 elements
// with AVX2, and reports how many it did and whether it could (false
// without AVX2).
func addClampVec(dst, src []float32, lo, hi float32) (int, bool) {
	if !hasAVX2FMA {
		return 0, false
	}
	n := len(dst) &^ 7
	if n > 0 {
		var s *float32
		if src != nil {
			s = unsafe.SliceData(src[:n])
		}
		addClampAVX2(unsafe.SliceData(dst), s, n, lo, hi)
	}
	return n, true
}

// addClampAVX2 sets dst[i] to min(hi, max(lo, dst[i] + src[i])) for i < n
// (src nil: no sum), n a positive multiple of 8, keeping NaNs. Implemented
// in kernel_amd64.s.
//
//go:noescape
func addClampAVX2(dst, src *float32, n int, lo, hi float32)

// mulAddAVX2 sets dst[i] += x[i]·y[i] for i < n, n a positive multiple of
// 8, fused. Implemented in kernel_amd64.s.
//
//go:noescape
func mulAddAVX2(dst, x, y *float32, n int)

// avx2Kernel is the BLIS Haswell micro-kernel: a 6×16 tile in twelve YMM
// accumulators, each step one broadcast of A's six values against two
// loads of B's sixteen (kernel_amd64.s).
var avx2Kernel = microKernel{name: "avx2", mr: 6, nr: 16, run: runAVX2, peak: fmaPeakAVX2, peakFLOPs: 12 * 8 * 2}

// runAVX2 is avx2Kernel's run: it checks the lengths the assembly relies on.
func runAVX2(depth int, a, b, c []float32, ldc int) {
	_, _, _ = a[:depth*6], b[:depth*16], c[:5*ldc+16]
	kernelAVX2(depth, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc)
}

// kernelAVX2 adds a·b to the 6×16 block of C at c (row stride ldc floats)
// for packed strips a (depth×6) and b (depth×16), all unaligned.
// Implemented in kernel_amd64.s.
//
//go:noescape
func kernelAVX2(depth int, a, b, c *float32, ldc int)

// fmaPeakAVX2 runs rounds × 12 independent 8-wide fused multiply-adds on
// registers alone. Implemented in kernel_amd64.s.
func fmaPeakAVX2(rounds int)
