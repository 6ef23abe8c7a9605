//go:build js && wasm

// Package ssdgpu runs visage/models/ssd's SSD-MobileNetV1 face detector on
// a WebGPU device: Load uploads the weights once, and a pass (Run) records
// the MobileNetV1 base, the prediction layers and the six box predictors
// as one queue submission with one read-back, of the predictors' outputs
// only. The preprocessing (padding, resizing, normalization), the box
// decoding against the anchors and the non-maximum suppression stay on the
// CPU, where ssd.Net.RunWith and ssd.Output do them as for the CPU
// network. The layers mirror models/ssd's forward; e2e/webgpu_test.go
// checks that boxes and scores match the CPU network's.
package ssdgpu

import (
	"fmt"

	"visage/core/backend/webgpu"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/ssd"
)

// pointwise is ssd.PointwiseConv on the GPU.
type pointwise struct {
	filters, offset *webgpu.Buffer
	stride          int
}

// depthwise is ssd.DepthwiseConv on the GPU.
type depthwise struct {
	filters, scale, bias *webgpu.Buffer
	stride               int
}

// convPair is ssd.ConvPair on the GPU.
type convPair struct {
	depthwise depthwise
	pointwise pointwise
}

// predictor is ssd.BoxPredictor on the GPU.
type predictor struct {
	boxFilters, boxBias, classFilters, classBias *webgpu.Buffer
}

// Net is the detector with its weights on one Device. It is not safe for
// concurrent use (the Device is not).
type Net struct {
	d          *webgpu.Device
	cpu        *ssd.Net // for its preprocessing and decoding
	weights    *webgpu.Weights
	conv0      pointwise
	mobilenet  [13]convPair
	prediction [8]pointwise
	predictors [6]predictor
}

// Load uploads cpu's weights to d. Upload errors (out of memory) surface
// at the device's next Flush or Read.
func Load(d *webgpu.Device, cpu *ssd.Net) *Net {
	p := cpu.Params()
	w := d.NewWeights()
	pw := func(c ssd.PointwiseConv) pointwise {
		return pointwise{w.Tensor(c.Filters), w.Vector(c.Offset), c.Stride}
	}
	n := &Net{d: d, cpu: cpu, weights: w, conv0: pw(p.Conv0)}
	for i, pair := range p.MobileNet {
		dw := pair.Depthwise
		n.mobilenet[i] = convPair{depthwise{w.Tensor(dw.Filters), w.Vector(dw.Scale), w.Vector(dw.Bias), dw.Stride}, pw(pair.Pointwise)}
	}
	for i, c := range p.Prediction {
		n.prediction[i] = pw(c)
	}
	for i, bp := range p.Predictors {
		n.predictors[i] = predictor{w.Tensor(bp.BoxEncoding.Filters), w.Vector(bp.BoxEncoding.Bias),
			w.Tensor(bp.Class.Filters), w.Vector(bp.Class.Bias)}
	}
	return n
}

// Release frees the network's GPU memory; n must not be used afterwards.
func (n *Net) Release() { n.weights.Release() }

// Run is ssd.Net.Run with the network on the GPU: the same boxes and scores
// within float32 rounding. It fails on a bad image, or when the GPU
// reports an error (wrapping webgpu.ErrDeviceLost or ErrOutOfMemory when
// those are the cause).
func (n *Net) Run(img *tensor.Tensor) (*ssd.Output, error) {
	return n.cpu.RunWith(img, n.heads)
}

// heads is ssd.Heads on the GPU: one submission, one read-back.
func (n *Net) heads(in *tensor.Tensor) (enc, cls []float32, err error) {
	d := n.d
	x := d.Upload(in)
	out := n.pointwise(x, n.conv0)
	x.Release()
	var conv11 *webgpu.Buffer // Conv2d_11's output, kept for its box predictor
	for i, pair := range n.mobilenet {
		dw := n.depthwise(out, pair.depthwise)
		if out != conv11 {
			out.Release()
		}
		out = then(dw, n.pointwise(dw, pair.pointwise))
		if i+1 == 11 {
			conv11 = out
		}
	}
	// The box predictors see conv11, the base's output and the odd
	// prediction layers' outputs (conv1, conv3, conv5, conv7).
	features := []*webgpu.Buffer{conv11, out}
	for i, c := range n.prediction {
		next := n.pointwise(out, c)
		if i%2 == 1 {
			out.Release() // conv0, conv2, …: no predictor of their own
			features = append(features, next)
		}
		out = next
	}
	// Every feature map's box encodings, then every one's class logits:
	// read back together, concatenated in that order.
	heads := make([]*webgpu.Buffer, 2*len(features))
	for i, f := range features {
		bp := n.predictors[i]
		heads[i] = d.Conv2D(f, bp.boxFilters, bp.boxBias, 1, 1, ops.Same)
		heads[len(features)+i] = d.Conv2D(f, bp.classFilters, bp.classBias, 1, 1, ops.Same)
	}
	for _, f := range features {
		f.Release()
	}
	outs, err := d.ReadAll(heads...)
	for _, h := range heads {
		h.Release()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("ssdgpu: %w", err)
	}
	for i, t := range outs {
		if i < len(features) {
			enc = append(enc, t.Data...)
		} else {
			cls = append(cls, t.Data...)
		}
	}
	return enc, cls, nil
}

// pointwise is face-api.js's pointwiseConvLayer: conv (same) + offset,
// ReLU6, in one dispatch. x is left alone.
func (n *Net) pointwise(x *webgpu.Buffer, c pointwise) *webgpu.Buffer {
	return n.d.Conv2DFused(x, c.filters, c.offset, c.stride, c.stride, ops.Same, webgpu.Epilogue{ReLU6: true})
}

// depthwise is face-api.js's depthwiseConvLayer: depthwise conv (same),
// batch norm, ReLU6, in one dispatch. x is left alone.
func (n *Net) depthwise(x *webgpu.Buffer, c depthwise) *webgpu.Buffer {
	return n.d.DepthwiseConv2DFused(x, c.filters, nil, c.stride, c.stride, ops.Same,
		webgpu.Epilogue{Scale: c.scale, Shift: c.bias, ReLU6: true})
}

// then releases done and returns next.
func then(done, next *webgpu.Buffer) *webgpu.Buffer {
	done.Release()
	return next
}
