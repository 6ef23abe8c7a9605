package backend_test

import (
	"testing"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
)

// TestCountingByHand runs one of each counted kernel on small awkward
// shapes through a Counting and checks its count, worked out by hand, and
// that the results are the wrapped backend's.
func TestCountingByHand(t *testing.T) {
	c := backend.NewCounting(backend.Backend[*tensor.Tensor](backend.NewCPU()))
	x := tensor.New(5, 7, 3)
	for i := range x.Data {
		x.Data[i] = float32(i%11) - 5
	}
	w := tensor.New(3, 2, 3, 4)
	for i := range w.Data {
		w.Data[i] = float32(i%5) - 2
	}
	var none backend.Epilogue[*tensor.Tensor]
	steps := []struct {
		what  string
		run   func() (got, want *tensor.Tensor)
		flops float64
	}{
		// Stride 2, same padding: 3×4 outputs of 4 channels, each 3·2·3
		// multiply-adds: 2·12·4·18 = 1728.
		{"Conv2DFused", func() (*tensor.Tensor, *tensor.Tensor) {
			return c.Conv2DFused(x, w, nil, 2, 2, ops.Same, none), ops.Conv2D(x, w, nil, 2, 2, ops.Same)
		}, 1728},
		// Valid padding, [3,2,3,2] filters: 3×6 outputs of 3·2 channels,
		// each 3·2 multiply-adds: 2·18·6·6 = 1296.
		{"DepthwiseConv2DFused", func() (*tensor.Tensor, *tensor.Tensor) {
			dw := w.Clone()
			dw.Shape = []int{3, 2, 3, 2}
			dw.Data = dw.Data[:36]
			return c.DepthwiseConv2DFused(x, dw, nil, 1, 1, ops.Valid, none), ops.DepthwiseConv2D(x, dw, nil, 1, 1, ops.Valid)
		}, 1296},
		// x as [35,3] by [3,4]: 2·35·4·3 = 840.
		{"FullyConnected", func() (*tensor.Tensor, *tensor.Tensor) {
			xs, ws := &tensor.Tensor{Shape: []int{35, 3}, Data: x.Data}, &tensor.Tensor{Shape: []int{3, 4}, Data: w.Data[:12]}
			return c.FullyConnected(xs, ws, nil), ops.FullyConnected(xs, ws, nil)
		}, 840},
		// [5,21]·[21,2]: 2·5·2·21 = 420.
		{"MatMul", func() (*tensor.Tensor, *tensor.Tensor) {
			a, b := &tensor.Tensor{Shape: []int{5, 21}, Data: x.Data[:105]}, &tensor.Tensor{Shape: []int{21, 2}, Data: w.Data[:42]}
			return c.MatMul(a, b), ops.MatMul(a, b)
		}, 420},
		{"ReLU (not counted)", func() (*tensor.Tensor, *tensor.Tensor) { return c.ReLU(x.Clone()), ops.ReLU(x.Clone()) }, 0},
	}
	total := 0.0
	for _, s := range steps {
		got, want := s.run()
		expect(t, s.what, got, want.Shape, want.Data...)
		total += s.flops
		if c.FLOPs() != total {
			t.Fatalf("after %s: %.0f FLOPs counted, want %.0f", s.what, c.FLOPs(), total)
		}
	}
}
