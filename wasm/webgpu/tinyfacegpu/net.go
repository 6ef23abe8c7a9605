//go:build js && wasm

// Package tinyfacegpu runs visage/models/tinyface's Tiny Face Detector on a
// WebGPU device: Load uploads the weights once, and a pass (Detect) is one
// queue submission and one read-back of the output grid. The padding,
// resizing and normalization, the box decoding and the non-maximum
// suppression are tinyface.DetectWith's, on the CPU. The layers mirror
// models/tinyface's forward; e2e/webgpu_test.go checks that the
// detections match the CPU network's.
package tinyfacegpu

import (
	"fmt"

	"visage/core/backend/webgpu"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// separable is tinyface.SeparableConv on the GPU.
type separable struct {
	depthwise, pointwise, bias *webgpu.Buffer
}

// Net is the detector with its weights on one Device. It is not safe for
// concurrent use (the Device is not).
type Net struct {
	d             *webgpu.Device
	weights       *webgpu.Weights
	conv0, conv0b *webgpu.Buffer
	sep           [5]separable
	conv8, conv8b *webgpu.Buffer
}

// Load uploads cpu's weights to d. Upload errors (out of memory) surface
// at the device's next Flush or Read.
func Load(d *webgpu.Device, cpu *tinyface.Net) *Net {
	p := cpu.Params()
	w := d.NewWeights()
	n := &Net{d: d, weights: w, conv0: w.Tensor(p.Conv0.Filters), conv0b: w.Vector(p.Conv0.Bias)}
	for i, c := range p.Sep {
		n.sep[i] = separable{w.Tensor(c.Depthwise), w.Tensor(c.Pointwise), w.Vector(c.Bias)}
	}
	n.conv8, n.conv8b = w.Tensor(p.Conv8.Filters), w.Vector(p.Conv8.Bias)
	return n
}

// Release frees the network's GPU memory; n must not be used afterwards.
func (n *Net) Release() { n.weights.Release() }

// Detect is tinyface.Net.Detect with the network on the GPU: the same
// detections within float32 rounding. It fails on a bad image or options,
// or when the GPU reports an error (wrapping webgpu.ErrDeviceLost or
// ErrOutOfMemory when those are the cause).
func (n *Net) Detect(img *tensor.Tensor, opt tinyface.Options) ([]ssd.Detection, error) {
	return tinyface.DetectWith(img, opt, n.forward)
}

// forward is tinyface.Forward on the GPU: conv0 (valid) and five separable
// convs, each followed by 2x2 max pooling (stride 1 after the last), then
// conv8; one submission, one read-back.
func (n *Net) forward(in *tensor.Tensor) (*tensor.Tensor, error) {
	d := n.d
	x := d.Upload(in)
	out := then(x, d.LeakyReLU(d.Conv2D(x, n.conv0, n.conv0b, 1, 1, ops.Valid), tinyface.Leak))
	out = then(out, d.MaxPool2D(out, 2, 2, 2, 2, ops.Same))
	for i, c := range n.sep {
		// face-api.js pads by one pixel and convolves 'valid': for a 3x3
		// window at stride 1, that is 'same'.
		dw := then(out, d.DepthwiseConv2D(out, c.depthwise, nil, 1, 1, ops.Same))
		out = then(dw, d.LeakyReLU(d.Conv2D(dw, c.pointwise, c.bias, 1, 1, ops.Valid), tinyface.Leak))
		stride := 2
		if i == len(n.sep)-1 {
			stride = 1
		}
		out = then(out, d.MaxPool2D(out, 2, 2, stride, stride, ops.Same))
	}
	y := then(out, d.Conv2D(out, n.conv8, n.conv8b, 1, 1, ops.Valid))
	t, err := d.Read(y)
	y.Release()
	if err != nil {
		return nil, fmt.Errorf("tinyfacegpu: %w", err)
	}
	return t, nil
}

// then releases done and returns next.
func then(done, next *webgpu.Buffer) *webgpu.Buffer {
	done.Release()
	return next
}
