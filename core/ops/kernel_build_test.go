//go:build !(js && wasm)

package ops

import "testing"

// TestKernelBuild checks that natively KernelBuild names the micro-kernel
// gemm runs, the fastest this CPU has.
func TestKernelBuild(t *testing.T) {
	if got, want := KernelBuild(), kernels[len(kernels)-1].name; got != want {
		t.Errorf("KernelBuild() = %q, want %q", got, want)
	}
}
