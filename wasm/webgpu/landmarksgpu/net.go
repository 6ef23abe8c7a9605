//go:build js && wasm

// Package landmarksgpu runs visage/models/landmarks's 68-point landmark
// network on a WebGPU device: Load uploads the weights once, and a pass
// (Detect) is one queue submission and one read-back of the 136 outputs.
// The crop's padding, resizing and normalization, and the mapping of the
// outputs back to the crop's pixels, are landmarks.DetectWith's, on the
// CPU. The layers mirror models/landmarks's forward; e2e/webgpu_test.go
// checks that the points match the CPU network's.
package landmarksgpu

import (
	"fmt"

	"visage/core/backend/webgpu"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/landmarks"
)

// conv is a convolution with bias on the GPU; depthwise is nil for a plain
// one, else filters is the pointwise (1x1) half of a separable one.
type conv struct {
	depthwise, filters, bias *webgpu.Buffer
}

// denseBlock is landmarks.DenseBlock on the GPU: conv0 (plain in the first
// block, separable in the others), conv1..conv3 (separable).
type denseBlock [4]conv

// Net is the landmark network with its weights on one Device. It is not
// safe for concurrent use (the Device is not).
type Net struct {
	d       *webgpu.Device
	weights *webgpu.Weights
	dense   [4]denseBlock
	fc, fcb *webgpu.Buffer
}

// Load uploads cpu's weights to d. Upload errors (out of memory) surface
// at the device's next Flush or Read.
func Load(d *webgpu.Device, cpu *landmarks.Net) *Net {
	p := cpu.Params()
	w := d.NewWeights()
	sep := func(c landmarks.SeparableConv) conv {
		return conv{w.Tensor(c.Depthwise), w.Tensor(c.Pointwise), w.Vector(c.Bias)}
	}
	n := &Net{d: d, weights: w}
	for i, b := range p.Dense {
		if i == 0 {
			n.dense[i][0] = conv{nil, w.Tensor(b.Conv0.Filters), w.Vector(b.Conv0.Bias)}
		} else {
			n.dense[i][0] = sep(b.Sep0)
		}
		n.dense[i][1], n.dense[i][2], n.dense[i][3] = sep(b.Conv1), sep(b.Conv2), sep(b.Conv3)
	}
	n.fc, n.fcb = w.Tensor(p.FC.Weights), w.Vector(p.FC.Bias)
	return n
}

// Release frees the network's GPU memory; n must not be used afterwards.
func (n *Net) Release() { n.weights.Release() }

// Detect is landmarks.Net.Detect with the network on the GPU: the same
// points within float32 rounding. It fails on a bad crop, or when the GPU
// reports an error (wrapping webgpu.ErrDeviceLost or ErrOutOfMemory when
// those are the cause).
func (n *Net) Detect(face *tensor.Tensor) ([]landmarks.Point, error) {
	return landmarks.DetectWith(face, n.forward)
}

// forward is landmarks.Forward on the GPU: one submission, one read-back.
func (n *Net) forward(in *tensor.Tensor) ([]float32, error) {
	d := n.d
	x := d.Upload(in)
	out := x
	for _, b := range n.dense {
		out = then(out, n.denseBlock(out, b))
	}
	out = then(out, d.AvgPool2D(out, 7, 7, 2, 2, ops.Valid))
	y := then(out, d.FullyConnected(out.Reshape(out.Len()), n.fc, n.fcb))
	t, err := d.Read(y)
	y.Release()
	if err != nil {
		return nil, fmt.Errorf("landmarksgpu: %w", err)
	}
	return t.Data, nil
}

// denseBlock is face-api.js's denseBlock4 (stride 2 at the first conv):
// each conv sees the ReLU of the sum of all previous outputs. x is left
// alone.
func (n *Net) denseBlock(x *webgpu.Buffer, b denseBlock) *webgpu.Buffer {
	d := n.d
	sum := n.conv(x, b[0], 2, true)
	for i, c := range b[1:] {
		var out *webgpu.Buffer
		if i == 0 { // sum is the first conv's ReLU: its own ReLU
			out = n.conv(sum, c, 1, false)
		} else {
			in := d.ReLUCopy(sum)
			out = then(in, n.conv(in, c, 1, false))
		}
		next := d.Add(sum, out)
		sum.Release()
		out.Release()
		sum = next
	}
	return d.ReLU(sum)
}

// conv is a plain or separable convolution (same padding) plus bias, then
// a ReLU when relu. x is left alone.
func (n *Net) conv(x *webgpu.Buffer, c conv, stride int, relu bool) *webgpu.Buffer {
	ep := webgpu.Epilogue{ReLU: relu}
	if c.depthwise == nil {
		return n.d.Conv2DFused(x, c.filters, c.bias, stride, stride, ops.Same, ep)
	}
	dw := n.d.DepthwiseConv2D(x, c.depthwise, nil, stride, stride, ops.Same)
	return then(dw, n.d.Conv2DFused(dw, c.filters, c.bias, 1, 1, ops.Same, ep))
}

// then releases done and returns next.
func then(done, next *webgpu.Buffer) *webgpu.Buffer {
	done.Release()
	return next
}
