//go:build !amd64 || noasm

package ops

// kernels are the micro-kernels this CPU can run, slowest first: without
// assembly for this architecture (or with the noasm build tag), the
// portable one alone.
var kernels = []microKernel{goKernel}

// mulAddVec leaves all of mulAdd to the portable loop.
func mulAddVec(dst, x, y []float32) int { return 0 }
