//go:build !(js && wasm)

package ops

// Outside the browser there are no WebAssembly SIMD kernels (simd_wasm.go):
// these report false and the pure Go kernels run.

func gemmSIMD(m, n, k int, src aSource, b []float32, ldb int, packed, c []float32, ldc int, ep epilogue) bool {
	return false
}

func packSIMD(k, n int, b []float32) []float32 { return nil }

func depthwiseSIMD(x, w []float32, bias []float32, y []float32, h, wd, c, kh, kw, sh, sw, top, left, oh, ow int) bool {
	return false
}
