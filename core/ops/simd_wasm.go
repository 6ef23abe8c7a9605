//go:build js && wasm

package ops

import (
	"runtime"
	"sync"
	"syscall/js"
	"unsafe"
)

// simd holds the WebAssembly SIMD kernels of simd.wat when the host provides
// them, nil otherwise. web/simd.js instantiates simd.wasm on this module's
// memory and publishes its exports as globalThis.visageSIMD before the Go
// program starts; a host that does not (go_js_wasm_exec, an engine without
// SIMD) gets the pure Go kernels. The kernels take byte addresses into the
// Go heap, so nothing is copied; Go's collector does not move objects, and
// each call keeps its slices alive until the kernel returns.
var simd = bindSIMD(js.Global().Get("visageSIMD"))

// kernelBuild is KernelBuild in the browser: the module web/simd.js
// attached (globalThis.visageSIMDBuild), or "go" without one.
func kernelBuild() string {
	if build := js.Global().Get("visageSIMDBuild"); simd != nil && build.Type() == js.TypeString {
		return build.String()
	}
	return goKernel.name
}

// simdKernels are the functions simd.wat exports, with web/simd.js's gemm
// (igemm over the whole depth, split across threads when it has helpers)
// and the threads gemm may use.
type simdKernels struct {
	gemm, packb, dwconv, wgInput, wgOutput, addClamp, scaleBias, sqDist js.Value
	threads                                                             int
}

func bindSIMD(exports js.Value) *simdKernels {
	if exports.Type() != js.TypeObject || exports.Get("threads").Type() != js.TypeNumber {
		return nil
	}
	k := &simdKernels{gemm: exports.Get("gemm"), packb: exports.Get("packb"), dwconv: exports.Get("dwconv"),
		wgInput: exports.Get("wgInput"), wgOutput: exports.Get("wgOutput"), addClamp: exports.Get("addClamp"),
		scaleBias: exports.Get("scaleBias"), sqDist: exports.Get("sqDist"), threads: max(1, exports.Get("threads").Int())}
	for _, f := range []js.Value{k.gemm, k.packb, k.dwconv, k.wgInput, k.wgOutput, k.addClamp, k.scaleBias, k.sqDist} {
		if f.Type() != js.TypeFunction {
			return nil
		}
	}
	return k
}

// kernelThreads is KernelThreads in the browser: the threads web/simd.js's
// gemm may use, 1 without the SIMD kernels.
func kernelThreads() int {
	if simd == nil {
		return 1
	}
	return simd.threads
}

// addr is the byte address of s's first element in linear memory. It makes
// s escape to the heap: a goroutine's stack may move (grow) while a kernel
// call's arguments are prepared, and a stack slice's address with it.
func addr[T any](s []T) int {
	p := unsafe.Pointer(unsafe.SliceData(s))
	if escapeNever {
		escapeSink = p
	}
	return int(uintptr(p))
}

// escapeSink and escapeNever make addr's argument escape; the store never
// happens.
var (
	escapeSink  unsafe.Pointer
	escapeNever bool
)

// Blocking for igemm, in the GotoBLAS arrangement: each call covers about
// simdKC of the k depth (whole filter rows of a convolution where they fit),
// so that the slice of a B strip it reads (simdKC·8 floats, 8 KB) stays in
// L1; inside a call, simdMB rows of A (≤ simdKC·simdMB floats, 128 KB) stay
// in L2 while every strip of B passes over them.
const (
	simdNR = 8   // width of igemm's packed B strips
	simdKC = 256 // depth per igemm call
	simdMB = 128 // rows of A per block inside igemm
)

// gemmSIMD is gemmPacked on the SIMD kernels: C += A·B or what ep says, B
// (k×n, row stride ldb) being already packed when packed is not nil
// (packSIMD). It reports false, doing nothing, when the kernels are not
// available or k is 0.
func gemmSIMD(m, n, k int, src aSource, b []float32, ldb int, packed, c []float32, ldc int, ep epilogue) bool {
	if simd == nil || k == 0 {
		return false
	}
	rows, ind, taps, tapStep := indirectA(m, k, src)
	defer ind.release()
	if packed == nil {
		bbuf := getScratch(k * roundUp(n, simdNR))
		defer scratch.Put(bbuf)
		simd.packb.Invoke(k, n, addr(b), ldb, addr(*bbuf))
		packed = *bbuf
	}
	var bias []float32
	if ep.set {
		bbuf := paddedRow(n, ep.bias)
		defer scratch.Put(bbuf)
		bias = *bbuf
	}
	igemmBlocks(m, n, k/taps, taps, tapStep, ind.addrs, 0, packed, c, ldc, bias, ep.relu, batch{count: 1})
	runtime.KeepAlive(rows)
	runtime.KeepAlive(b)
	return true
}

// paddedRow returns a scratch row of n values rounded up to whole igemm
// strips, holding v (nil: zeros) and zeros after it.
func paddedRow(n int, v []float32) *[]float32 {
	buf := getScratch(roundUp(n, simdNR))
	clear(*buf)
	copy(*buf, v)
	return buf
}

// batch describes igemm's batch of products: count of them, the next one's
// A, B and C being aStep, bStep and cStep bytes further on.
type batch struct{ count, aStep, bStep, cStep int }

// simdMinParallelWork is the fewest multiply-adds a product needs before
// web/simd.js splits it across threads (about 1.5 ms of one thread's work):
// below it, on this project's 2-core machines, copying a helper's part in
// and out and waking the helper cost more than the helper saved.
var simdMinParallelWork = 1 << 25

// igemmBlocks runs web/simd.js's gemm, igemm over the whole depth one block
// of about simdKC at a time, on A (m rows of taps runs of kt values, row i's
// run t at byte ind[i] + aOff + t·tapStep) and B packed k = taps·kt deep,
// for each product of the batch. With bias (a row padded by paddedRow) the
// first block sets C to bias plus its product, otherwise C accumulates; with
// relu the last block clamps C at zero. A product of simdMinParallelWork
// multiply-adds or more may be split across the kernels' threads.
func igemmBlocks(m, n, kt, taps, tapStep int, ind []int32, aOff int, packed, c []float32, ldc int, bias []float32, relu bool, bt batch) {
	tmp := getScratch(32)
	defer scratch.Put(tmp)
	biasAddr := 0
	if bias != nil {
		biasAddr = addr(bias)
	}
	parts := 1
	if m*n*kt*taps*bt.count >= simdMinParallelWork {
		parts = simd.threads
	}
	simd.gemm.Invoke(m, n, kt, taps, tapStep, addr(ind), aOff, addr(packed), addr(c), ldc, biasAddr, relu,
		addr(*tmp), simdMB, bt.count, bt.aStep, bt.bStep, bt.cStep, simdKC, parts)
	runtime.KeepAlive(ind)
	runtime.KeepAlive(packed)
	runtime.KeepAlive(c)
	runtime.KeepAlive(bias)
}

// packSIMD returns the k×n row-major b in igemm's layout, or nil when the
// SIMD kernels are not available.
func packSIMD(k, n int, b []float32) []float32 {
	if simd == nil || k == 0 || n == 0 {
		return nil
	}
	packed := make([]float32, k*roundUp(n, simdNR))
	simd.packb.Invoke(k, n, addr(b), n, addr(packed))
	runtime.KeepAlive(b)
	return packed
}

// rowAddrs is igemm's ind: the byte address of each row of A, in a buffer
// recycled between calls (release), like the padded input it may point into.
type rowAddrs struct {
	addrs  []int32
	buf    *[]int32
	padded *[]float32 // nil when A is the caller's memory
}

var addrScratch = sync.Pool{New: func() any { return new([]int32) }}

func (r rowAddrs) release() {
	addrScratch.Put(r.buf)
	if r.padded != nil {
		scratch.Put(r.padded)
	}
}

// indirectA describes A for igemm: row i is taps runs of k/taps values, run
// t starting at byte ind.addrs[i] + t·tapStep of rows. ind has m rounded up
// to a multiple of 4 entries, the extra ones repeating the last row. The
// caller releases ind once igemm is done with rows.
func indirectA(m, k int, src aSource) (rows []float32, ind rowAddrs, taps, tapStep int) {
	ind.buf = addrScratch.Get().(*[]int32)
	if cap(*ind.buf) < roundUp(m, 4) {
		*ind.buf = make([]int32, roundUp(m, 4))
	}
	addrs := (*ind.buf)[:roundUp(m, 4)]
	ind.addrs = addrs
	switch s := src.(type) {
	case denseA:
		rows, taps = s.a, 1
		for i := range m {
			addrs[i] = int32(addr(rows) + 4*i*s.ld)
		}
	case patchA:
		// Pad x so that every window lies inside it: then filter row ky of
		// output pixel (oy, ox)'s window is kw·cin contiguous values.
		kh, oh := k/(s.kw*s.cin), m/s.ow
		ph, pw := (oh-1)*s.strideH+kh, (s.ow-1)*s.strideW+s.kw
		rows, pw, ind.padded = s.padded(ph, pw)
		taps, tapStep = kh, 4*pw*s.cin
		base := addr(rows)
		for i := range m {
			oy, ox := i/s.ow, i%s.ow
			addrs[i] = int32(base + 4*(oy*s.strideH*pw+ox*s.strideW)*s.cin)
		}
	default:
		panic("ops: indirectA: unknown A source")
	}
	for i := m; i < len(addrs); i++ {
		addrs[i] = addrs[m-1]
	}
	return rows, ind, taps, tapStep
}

// padded returns x shifted down by top and right by left inside zeros, at
// least ph×pw pixels, its width, and the scratch buffer holding it. When no
// padding is needed it is x, and the buffer is nil.
func (s patchA) padded(ph, pw int) ([]float32, int, *[]float32) {
	if s.top == 0 && s.left == 0 && ph <= s.h && pw <= s.w {
		return s.x, s.w, nil
	}
	pw = max(pw, s.left+s.w)
	buf := getScratch(max(ph, s.top+s.h) * pw * s.cin)
	p := *buf
	clear(p)
	for y := range s.h {
		copy(p[((s.top+y)*pw+s.left)*s.cin:], s.x[y*s.w*s.cin:(y+1)*s.w*s.cin])
	}
	return p, pw, buf
}

// depthwiseSIMD is DepthwiseConv2D with one filter per channel on the SIMD
// kernels: y [oh,ow,c] receives bias plus the convolution. It reports false,
// doing nothing, when they are not available or c is not a multiple of 16.
func depthwiseSIMD(x, w []float32, bias []float32, y []float32, h, wd, c, kh, kw, sh, sw, top, left, oh, ow int) bool {
	return dwconvSIMD(false, x, w, bias, y, h, wd, c, kh, kw, sh, sw, top, left, oh, ow)
}

// maxPoolSIMD is MaxPool2D on the SIMD kernels: y [oh,ow,c] receives the
// maxima of x's windows. It reports false, doing nothing, when they are not
// available or c is not a multiple of 16.
func maxPoolSIMD(x, y []float32, h, wd, c, kh, kw, sh, sw, top, left, oh, ow int) bool {
	return dwconvSIMD(true, x, nil, nil, y, h, wd, c, kh, kw, sh, sw, top, left, oh, ow)
}

// dwconvSIMD calls the dwconv kernel (isMax: as max pooling; w and bias
// unused) when it applies, and reports whether it did.
func dwconvSIMD(isMax bool, x, w, bias, y []float32, h, wd, c, kh, kw, sh, sw, top, left, oh, ow int) bool {
	if simd == nil || c%16 != 0 {
		return false
	}
	simd.dwconv.Invoke(isMax, addr(x), addr(w), addr(bias), addr(y), h, wd, c, kh, kw, sh, sw, top, left, oh, ow)
	runtime.KeepAlive(x)
	runtime.KeepAlive(w)
	runtime.KeepAlive(bias)
	runtime.KeepAlive(y)
	return true
}

// simdMinElementwise is the shortest vector worth a call into the kernels
// (a few microseconds) for an element-wise pass.
const simdMinElementwise = 4096

// addClampSIMD sets dst to dst + src (src nil: dst) clamped to [lo, hi] on
// the SIMD kernels. It reports false, doing nothing, when they are not
// available or dst is too short to gain.
func addClampSIMD(dst, src []float32, lo, hi float32) bool {
	if simd == nil || len(dst) < simdMinElementwise {
		return false
	}
	simd.addClamp.Invoke(addr(dst), addr(src), len(dst), lo, hi)
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
	return true
}

// scaleBiasSIMD is ScaleBias with both scale and bias on the SIMD kernels. It
// reports false, doing nothing, when they are not available, x is too short
// to gain or c is not a multiple of 4.
func scaleBiasSIMD(x []float32, c int, scale, bias []float32) bool {
	if simd == nil || len(x) < simdMinElementwise || c%4 != 0 || scale == nil || bias == nil {
		return false
	}
	simd.scaleBias.Invoke(addr(x), len(x)/c, c, addr(scale), addr(bias))
	runtime.KeepAlive(x)
	runtime.KeepAlive(scale)
	runtime.KeepAlive(bias)
	return true
}

// sqDistSIMD is SquaredDistances on the SIMD kernels. It reports false,
// doing nothing, when they are not available, dim is not a multiple of 4 or
// m is too short to gain.
func sqDistSIMD(m []float32, rows, dim int, q, out []float32) bool {
	if simd == nil || dim%4 != 0 || rows == 0 || len(m) < simdMinElementwise {
		return false
	}
	simd.sqDist.Invoke(addr(m), rows, dim, addr(q), addr(out))
	runtime.KeepAlive(m)
	runtime.KeepAlive(q)
	runtime.KeepAlive(out)
	return true
}
