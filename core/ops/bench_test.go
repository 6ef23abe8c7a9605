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

// BenchmarkAdamStep times one Adam step over a 256×256 RGB image with
// float32 moments, style transfer's step on the CPU (backend.CPU.AdamStep).
func BenchmarkAdamStep(b *testing.B) {
	x, g := lcg(1)(256, 256, 3), lcg(2)(256, 256, 3)
	m, v := make([]float32, x.Len()), make([]float32, x.Len())
	a := NewAdam(2)
	t := 0
	for b.Loop() {
		t++
		AdamStep(a, t, x.Data, g.Data, m, v)
	}
}
