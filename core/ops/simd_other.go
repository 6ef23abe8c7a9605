//go:build !(js && wasm)

package ops

import (
	"runtime"

	"visage/core/tensor"
)

// Outside the browser there are no WebAssembly SIMD kernels (simd_wasm.go):
// these report false and the native kernels run.

func gemmSIMD(m, n, k int, src aSource, b []float32, ldb int, packed, c []float32, ldc int, ep epilogue) bool {
	return false
}

// packSIMD returns the k×n row-major b packed for the native micro-kernel
// (packB for kernel), which gemmBlocks then uses as is.
func packSIMD(k, n int, b []float32) []float32 {
	if k == 0 || n == 0 {
		return nil
	}
	return packB(make([]float32, k*roundUp(n, kernel.nr)), kernel.nr, k, n, b, n).data
}

func winogradFilter(w *tensor.Tensor) []float32 { return nil }

func conv2DWinograd(x *tensor.Tensor, planes []float32, cout int, bias []float32, oh, ow, top, left int, relu bool) *tensor.Tensor {
	panic("ops: conv2DWinograd without the SIMD kernels")
}

func depthwiseSIMD(x, w []float32, bias []float32, y []float32, h, wd, c, kh, kw, sh, sw, top, left, oh, ow int) bool {
	return false
}

// addClampSIMD is the browser's addClamp natively: on AVX2 all of dst,
// eight lanes at a time (addClampVec) and the rest by addClampGo; false,
// doing nothing, without.
func addClampSIMD(dst, src []float32, lo, hi float32) bool {
	done, ok := addClampVec(dst, src, lo, hi)
	if !ok {
		return false
	}
	if src != nil {
		src = src[done:]
	}
	addClampGo(dst[done:], src, lo, hi)
	return true
}

func scaleBiasSIMD(x []float32, c int, scale, bias []float32) bool { return false }

func maxPoolSIMD(x, y []float32, h, wd, c, kh, kw, sh, sw, top, left, oh, ow int) bool {
	return false
}

func sqDistSIMD(m []float32, rows, dim int, q, out []float32) bool { return false }

// kernelBuild is KernelBuild natively: the micro-kernel's name.
func kernelBuild() string { return kernel.name }

// kernelThreads is KernelThreads natively.
func kernelThreads() int { return runtime.GOMAXPROCS(0) }
