package webgpu

import "visage/core/ops"

// This file holds the launch arithmetic shared by every kernel. It has no
// browser dependency, so it builds and is tested natively.

// Limits are the adapter limits the kernels are sized from (the names follow
// GPUSupportedLimits).
type Limits struct {
	MaxComputeInvocationsPerWorkgroup int
	MaxComputeWorkgroupSizeX          int
	MaxComputeWorkgroupSizeY          int
	MaxComputeWorkgroupStorageSize    int // bytes
	MaxComputeWorkgroupsPerDimension  int
}

// elementwiseGroup is the workgroup size of every one-thread-per-output
// kernel; WebGPU guarantees at least 256 invocations, so 64 always fits.
const elementwiseGroup = 64

// matmulPerThread is the side of the square block of outputs each thread
// of the matrix kernel computes (R in matmul.wgsl).
const matmulPerThread = 4

// matmulTile returns the side TS of the square workgroup of the matrix
// kernel, whose output tile is TS·matmulPerThread on a side: the largest of
// 8, 4, 2, 1 whose TS×TS threads fit the invocation and size limits and
// whose two staged float32 tiles, (TS·matmulPerThread)² each, fit
// workgroup storage. 8 (32×32 outputs) suits the channel counts of the
// networks; larger tiles would idle on their 32-channel layers.
func matmulTile(l Limits) int {
	for ts := 8; ts > 1; ts /= 2 {
		block := ts * matmulPerThread
		if ts*ts <= l.MaxComputeInvocationsPerWorkgroup &&
			ts <= l.MaxComputeWorkgroupSizeX && ts <= l.MaxComputeWorkgroupSizeY &&
			2*block*block*4 <= l.MaxComputeWorkgroupStorageSize {
			return ts
		}
	}
	return 1
}

// grid returns the workgroup counts (x, y) that cover n threads in
// workgroups of size group, folding x into y when it exceeds maxPerDim. The
// shaders recover the flat index as gid.x + gid.y*numWorkgroups.x*group and
// ignore indices ≥ n.
func grid(n, group, maxPerDim int) (x, y int) {
	groups := (n + group - 1) / group
	if groups <= maxPerDim {
		return max(groups, 1), 1
	}
	y = (groups + maxPerDim - 1) / maxPerDim
	x = (groups + y - 1) / y
	return x, y
}

// windowPlan returns the output length and the padding before the first
// element of a window of size k moving with stride s over n elements, with
// the TensorFlow semantics of visage/core/ops: Same gives ceil(n/s) outputs
// and puts the smaller half of the total padding first; Valid gives
// floor((n-k)/s)+1 and no padding (0 outputs when k > n).
func windowPlan(n, k, s int, pad ops.Padding) (out, padBefore int) {
	if pad == ops.Valid {
		if k > n {
			return 0, 0
		}
		return (n-k)/s + 1, 0
	}
	out = (n + s - 1) / s
	total := max((out-1)*s+k-n, 0)
	return out, total / 2
}
