//go:build !amd64 || noasm

package ops

// kernels are the micro-kernels this CPU can run, slowest first: without
// assembly for this architecture (or with the noasm build tag), the
// portable one alone.
var kernels = []microKernel{goKernel}

// addClampVec has no vector kernel to offer.
func addClampVec(dst, src []float32, lo, hi float32) (int, bool) { return 0, false }

// mulAddVec leaves all of mulAdd to the portable loop.
func mulAddVec(dst, x, y []float32) int { return 0 }
