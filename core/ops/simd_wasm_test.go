//go:build js && wasm

package ops

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"syscall/js"
	"testing"

	"visage/core/tensor"
)

// TestSIMDAttached fails when the host promised the SIMD kernels
// (go_js_wasm_simd_exec sets VISAGE_SIMD=1) but they are not in use, so the
// other tests cannot silently check the pure Go kernels twice.
func TestSIMDAttached(t *testing.T) {
	if os.Getenv("VISAGE_SIMD") == "1" && simd == nil {
		t.Fatal("VISAGE_SIMD=1 but globalThis.visageSIMD was not bound: the SIMD kernels are not in use")
	}
	if simd == nil {
		t.Skip("no SIMD kernels in this host; run under testdata/go_js_wasm_simd_exec to test them")
	}
}

// TestKernelBuild checks that KernelBuild names the module web/simd.js
// attached: the relaxed build when go_js_wasm_simd_exec was asked for it
// (VISAGE_SIMD_RELAXED=1), the plain one otherwise, and "go" without SIMD.
func TestKernelBuild(t *testing.T) {
	want := "go"
	if simd != nil {
		want = "simd.wasm"
		if os.Getenv("VISAGE_SIMD_RELAXED") == "1" {
			want = "simd-relaxed.wasm"
		}
	}
	if got := KernelBuild(); got != want {
		t.Errorf("KernelBuild() = %q, want %q", got, want)
	}
}

// TestWinogradPrepared checks that NewFilter prepares Winograd planes exactly
// for 3×3 filters with channels in fours when the SIMD kernels are in use, so
// that TestConv2DMatchesConv's prepared-filter cases test conv2DWinograd.
func TestWinogradPrepared(t *testing.T) {
	if simd == nil {
		t.Skip("no SIMD kernels in this host")
	}
	for _, s := range []struct {
		shape []int
		want  bool
	}{
		{[]int{3, 3, 8, 12}, true}, {[]int{3, 3, 260, 20}, true},
		{[]int{3, 3, 3, 8}, false}, {[]int{3, 3, 8, 6}, false}, {[]int{5, 5, 8, 8}, false}, {[]int{1, 1, 8, 8}, false},
	} {
		if got := NewFilter(tensor.New(s.shape...)).winogradPlanes() != nil; got != s.want {
			t.Errorf("NewFilter(%v): Winograd planes %v, want %v", s.shape, got, s.want)
		}
	}
}

// The exec script's VISAGE_SIMD_THREADS asks web/simd.js for kernel
// helpers; with VISAGE_SIMD_SPLIT_ALL=1 every product is split across them,
// however small, so that the kernels' tests against the pure Go reference
// (gemm, convolutions, Winograd) check the split parts, their copies and
// their seams on awkward shapes.
func init() {
	if os.Getenv("VISAGE_SIMD_SPLIT_ALL") == "1" {
		simdMinParallelWork = 0
	}
}

// TestKernelThreads checks that the kernels run on the threads the exec
// script asked for (VISAGE_SIMD_THREADS, default 1) less the helpers it
// made fail to start (VISAGE_SIMD_FAIL_STARTS), so that a helper that fails
// to start cannot leave the split untested, and one made to fail leaves the
// others working.
func TestKernelThreads(t *testing.T) {
	want := 1
	if n, err := strconv.Atoi(os.Getenv("VISAGE_SIMD_THREADS")); err == nil && simd != nil {
		failed, _ := strconv.Atoi(os.Getenv("VISAGE_SIMD_FAIL_STARTS")) // helpers that did not start
		want = max(min(n, 4)-failed, 1)
	}
	if got := KernelThreads(); got != want {
		t.Errorf("KernelThreads() = %d, want %d", got, want)
	}
}

// TestSplitBitIdentical checks that splitting products across the kernel
// helpers changes no bit of them: each element is the same sum in the same
// order on whichever thread computes it.
func TestSplitBitIdentical(t *testing.T) {
	if simd == nil || simd.threads < 2 {
		t.Skip("no kernel helpers here; run under testdata/go_js_wasm_simd_exec with VISAGE_SIMD_THREADS ≥ 2")
	}
	defer func(w int) { simdMinParallelWork = w }(simdMinParallelWork)
	draw := lcg(11)
	x, f := draw(23, 29, 16), NewFilter(draw(3, 3, 16, 24))
	var outs [2]*tensor.Tensor
	helperParts := js.Global().Get("visageSIMD").Get("helperParts")
	for i, work := range []int{math.MaxInt, 0} {
		simdMinParallelWork = work
		before := helperParts.Invoke().Int()
		outs[i] = f.Conv2D(x, nil, 1, 1, Same)
		if split, want := helperParts.Invoke().Int() > before, work == 0; split != want {
			t.Fatalf("with simdMinParallelWork %d, helpers computed parts: %v, want %v", work, split, want)
		}
	}
	for j := range outs[0].Data {
		if outs[0].Data[j] != outs[1].Data[j] {
			t.Fatalf("y[%d]: %v on one thread, %v split across %d", j, outs[0].Data[j], outs[1].Data[j], simd.threads)
		}
	}
}

// TestSplitSurvivesHelperFailure makes every helper's part fail (its
// kernel traps) and checks that the products still match the reference:
// the calling thread computes the failed parts itself.
func TestSplitSurvivesHelperFailure(t *testing.T) {
	if simd == nil || simd.threads < 2 {
		t.Skip("no kernel helpers here; run under testdata/go_js_wasm_simd_exec with VISAGE_SIMD_THREADS ≥ 2")
	}
	defer func(w int) { simdMinParallelWork = w }(simdMinParallelWork)
	simdMinParallelWork = 0
	hooks := js.Global().Get("visageSIMD")
	hooks.Call("failHelpersForTesting", 1<<20)
	defer hooks.Call("failHelpersForTesting", 0)
	for _, s := range []struct{ m, n, k, pad int }{{13, 33, 9, 1}, {130, 33, 513, 0}} {
		checkGemm(t, goKernel, s.m, s.n, s.k, s.pad, uint32(s.m))
	}
}

// BenchmarkSplit times igemm products of the networks' shapes on one thread
// and split across the kernel helpers (run it under go_js_wasm_simd_exec
// with VISAGE_SIMD_THREADS ≥ 2), to place simdMinParallelWork: a batch of
// 16 is a Winograd layer's products (tiles × Cin × Cout each), a batch of 1
// a 1×1 convolution's.
func BenchmarkSplit(b *testing.B) {
	if simd == nil {
		b.Skip("no SIMD kernels here")
	}
	defer func(w int) { simdMinParallelWork = w }(simdMinParallelWork)
	for _, s := range []struct {
		name           string
		m, k, n, batch int
	}{
		{"facerec-75x75x32", 38 * 38, 32, 32, 16}, {"facerec-19x19x128", 10 * 10, 128, 128, 16},
		{"facerec-10x10x256", 5 * 5, 256, 256, 16}, {"vgg-128x128x64", 64 * 64, 64, 64, 16},
		{"ssd-1x1-150x150x32x64", 150 * 150, 32, 64, 1}, {"ssd-1x1-38x38x256x256", 38 * 38, 256, 256, 1},
		{"ssd-1x1-19x19x512x512", 19 * 19, 512, 512, 1},
	} {
		draw := lcg(3)
		a := draw(s.batch * s.m * s.k).Data
		plane := s.k * roundUp(s.n, simdNR)
		packed := make([]float32, s.batch*plane)
		for i := range s.batch {
			copy(packed[i*plane:], packSIMD(s.k, s.n, draw(s.k, s.n).Data))
		}
		c := make([]float32, s.batch*s.m*s.n)
		ind := make([]int32, roundUp(s.m, 4))
		for i := range ind {
			ind[i] = int32(addr(a) + 4*min(i, s.m-1)*s.k)
		}
		bt := batch{count: s.batch, aStep: 4 * s.m * s.k, bStep: 4 * plane, cStep: 4 * s.m * s.n}
		for _, split := range []bool{false, true} {
			name := s.name + "/1-thread"
			simdMinParallelWork = math.MaxInt
			if split {
				name, simdMinParallelWork = fmt.Sprintf("%s/%d-threads", s.name, simd.threads), 0
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					igemmBlocks(s.m, s.n, s.k, 1, 0, ind, 0, packed, c, s.n, nil, false, bt)
				}
				b.ReportMetric(2*float64(s.batch*s.m*s.k*s.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
