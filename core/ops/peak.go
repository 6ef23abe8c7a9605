package ops

// KernelBuild names the GEMM micro-kernel the convolutions run on here:
// natively "avx2" (kernel_amd64.s) or "go" (the portable one); in the
// browser the WebAssembly SIMD module attached ("simd-relaxed.wasm",
// "simd.wasm"), or "go" without one.
func KernelBuild() string { return kernelBuild() }

// KernelThreads is how many threads the convolutions' matrix products may
// be split across: natively GOMAXPROCS; in the browser the calling thread
// plus web/simd.js's kernel helpers (1 without them: a page that is not
// cross-origin isolated, or no SIMD kernels).
func KernelThreads() int { return kernelThreads() }

// FMAPeak runs the native micro-kernel's fused multiply-add instruction
// rounds times, a dozen independent ones a round, on registers alone, and
// returns the floating-point operations done (2 per lane of each): timed by
// the caller, on one goroutine or several at once, it measures the most
// this CPU can do, the ceiling the convolutions are measured against. It
// returns 0 without running anything where the portable Go kernel runs
// (there is no ceiling to speak of) and in the browser (the page measures
// its own, e2e/peer/peak.mjs).
func FMAPeak(rounds int) float64 {
	if kernel.peak == nil || rounds <= 0 {
		return 0
	}
	kernel.peak(rounds)
	return float64(rounds) * float64(kernel.peakFLOPs)
}
