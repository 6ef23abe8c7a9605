package webgpu

import (
	"testing"

	"visage/core/ops"
)

func TestMatmulTile(t *testing.T) {
	base := Limits{MaxComputeInvocationsPerWorkgroup: 256, MaxComputeWorkgroupSizeX: 256,
		MaxComputeWorkgroupSizeY: 256, MaxComputeWorkgroupStorageSize: 16384, MaxComputeWorkgroupsPerDimension: 65535}
	few := base
	few.MaxComputeInvocationsPerWorkgroup = 32 // 8×8 no longer fits
	tinyMem := base
	tinyMem.MaxComputeWorkgroupStorageSize = 600 // 2·8²·4 = 512 fits (TS 2), 2·16²·4 = 2048 does not
	narrow := base
	narrow.MaxComputeWorkgroupSizeY = 4
	for _, c := range []struct {
		name string
		l    Limits
		want int
	}{{"WebGPU defaults", base, 8}, {"32 invocations", few, 4}, {"600 bytes", tinyMem, 2}, {"y≤4", narrow, 4}} {
		if got := matmulTile(c.l); got != c.want {
			t.Errorf("%s: matmulTile = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestGrid(t *testing.T) {
	for _, c := range []struct{ n, group, maxDim, x, y int }{
		{0, 64, 65535, 1, 1},
		{1, 64, 65535, 1, 1},
		{65, 64, 65535, 2, 1},
		{64 * 10, 64, 4, 4, 3}, // 10 groups, at most 4 per row: 3 rows of 4
		{64 * 9, 64, 3, 3, 3},
	} {
		x, y := grid(c.n, c.group, c.maxDim)
		if x != c.x || y != c.y {
			t.Errorf("grid(%d, %d, %d) = (%d, %d), want (%d, %d)", c.n, c.group, c.maxDim, x, y, c.x, c.y)
		}
		if x*y*c.group < c.n || x > c.maxDim {
			t.Errorf("grid(%d, %d, %d) = (%d, %d) does not cover n within the limit", c.n, c.group, c.maxDim, x, y)
		}
	}
}

func TestWindowPlan(t *testing.T) {
	// Hand-computed from TensorFlow's definition.
	for _, c := range []struct {
		n, k, s   int
		pad       ops.Padding
		out, pad0 int
	}{
		{7, 3, 1, ops.Same, 7, 1},  // total 2
		{7, 3, 2, ops.Same, 4, 1},  // out 4, total (3·2+3−7)=2
		{8, 3, 2, ops.Same, 4, 0},  // total (3·2+3−8)=1 → 0 before
		{9, 5, 2, ops.Same, 5, 2},  // total (4·2+5−9)=4
		{7, 3, 2, ops.Valid, 3, 0}, // (7−3)/2+1
		{2, 3, 1, ops.Valid, 0, 0}, // window larger than input
		{5, 1, 2, ops.Same, 3, 0},
	} {
		out, pad := windowPlan(c.n, c.k, c.s, c.pad)
		if out != c.out || pad != c.pad0 {
			t.Errorf("windowPlan(n=%d,k=%d,s=%d,pad=%v) = (%d, %d), want (%d, %d)", c.n, c.k, c.s, c.pad, out, pad, c.out, c.pad0)
		}
	}
}
