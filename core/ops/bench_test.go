package ops

import "testing"

// BenchmarkMaxPool2D times the face network's 3x3 stride-2 pooling after its stem.
func BenchmarkMaxPool2D(b *testing.B) {
	x := lcg(1)(75, 75, 32)
	for b.Loop() {
		MaxPool2D(x, 3, 3, 2, 2, Valid)
	}
}

// BenchmarkResizeBilinear times resizing a 480x640 RGB frame to the face
// network's 150x150 input.
func BenchmarkResizeBilinear(b *testing.B) {
	x := lcg(1)(480, 640, 3)
	for b.Loop() {
		ResizeBilinear(x, 150, 150, false, false)
	}
}
