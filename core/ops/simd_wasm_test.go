//go:build js && wasm

package ops

import (
	"os"
	"testing"
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
