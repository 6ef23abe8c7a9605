//go:build !amd64 || noasm

package ops

// kernels are the micro-kernels this CPU can run, slowest first: without
// assembly for this architecture (or with the noasm build tag), the
// portable one alone.
var kernels = []microKernel{goKernel}
