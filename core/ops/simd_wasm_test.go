//go:build js && wasm

package ops

import (
	"os"
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
