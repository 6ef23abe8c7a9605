package facerec

import (
	"visage/core/backend"
	"visage/core/ops"
)

// The layers below run on any backend. Each returns a new tensor and
// leaves its input alone, except residual and residualDown, which release
// theirs (the forward pass has no further use for it).

// convLayer is face-api.js's convLayer: convolution plus bias, then the
// scale layer (folded into the convolution by foldScales), then an
// optional ReLU, in one kernel.
func convLayer[T any](b backend.Backend[T], x T, p convLayerParams[T], stride int, pad ops.Padding, relu bool) T {
	return b.Conv2DFused(x, p.filters, p.bias, stride, stride, pad, backend.Epilogue[T]{ReLU: relu})
}

func conv[T any](b backend.Backend[T], x T, p convLayerParams[T]) T {
	return convLayer(b, x, p, 1, ops.Same, true)
}

func convNoRelu[T any](b backend.Backend[T], x T, p convLayerParams[T]) T {
	return convLayer(b, x, p, 1, ops.Same, false)
}

// convDown halves the resolution: stride 2, no padding.
func convDown[T any](b backend.Backend[T], x T, p convLayerParams[T]) T {
	return convLayer(b, x, p, 2, ops.Valid, true)
}

// residual is relu(convNoRelu(conv(x)) + x).
func residual[T any](b backend.Backend[T], x T, p residualLayerParams[T]) T {
	out := conv(b, x, p.conv1)
	out = then(b, out, convNoRelu(b, out, p.conv2))
	sum := b.Add(out, x)
	b.Release(out)
	b.Release(x)
	return b.ReLU(sum)
}

// residualDown is the downsampling block: the convolution path starts with
// a stride-2 valid convolution; the shortcut is a 2x2 average pool whose
// channels are doubled with zeros. Where the convolution path comes out
// smaller than the pool (odd sizes), it is zero-padded at the bottom and
// right, as face-api.js does (backend.AddZeroExtended does both).
func residualDown[T any](b backend.Backend[T], x T, p residualLayerParams[T]) T {
	out := convDown(b, x, p.conv1)
	out = then(b, out, convNoRelu(b, out, p.conv2))
	pooled := then(b, x, b.AvgPool2D(x, 2, 2, 2, 2, ops.Valid))
	sum := b.AddZeroExtended(out, pooled)
	b.Release(out)
	b.Release(pooled)
	return b.ReLU(sum)
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed.
func then[T any](b backend.Backend[T], done, next T) T {
	b.Release(done)
	return next
}
