//go:build js && wasm

// Package facerecgpu runs visage/models/facerec's face recognition network
// on a WebGPU device: the weights are uploaded once by Load, and a pass
// (Forward) is one queue submission and one read-back of the 128-d
// descriptor, its intermediates recycled through the device's buffer pool.
// The layers mirror models/facerec (and face-api.js's FaceRecognitionNet)
// name for name; e2e/webgpu_test.go checks that the descriptors match the
// CPU network's.
package facerecgpu

import (
	"fmt"
	"io/fs"

	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/facerec"
	"visage/models/weights"
	"visage/wasm/webgpu"
)

// convLayer is a convolution with bias followed by the per-channel scale
// layer (face-api.js's ConvLayerParams), resident on the GPU.
type convLayer struct {
	filters, bias, scale, shift *webgpu.Buffer
}

// residualLayer is a residual block's two convolutions; down marks the
// blocks that halve the resolution.
type residualLayer struct {
	conv1, conv2 convLayer
	down         bool
}

// Net is the face recognition network with its weights on one Device. It
// is not safe for concurrent use (the Device is not).
type Net struct {
	d          *webgpu.Device
	conv32Down convLayer
	blocks     []residualLayer // conv32_1 … conv256_down_out, in order
	fc         *webgpu.Buffer  // [256,128]
}

// Load reads the weights as facerec.Load does (facerec.Manifest and its
// shard in fsys) and uploads them to d. It fails when the files are missing
// or do not hold this network.
func Load(d *webgpu.Device, fsys fs.FS) (*Net, error) {
	w, err := weights.Load(fsys, facerec.Manifest)
	if err != nil {
		return nil, err
	}
	u := uploader{d: d, weights: w}
	n := &Net{d: d, conv32Down: u.convLayer("conv32_down", 7, 3, 32)}
	const down = true
	for _, b := range []struct {
		name      string
		cin, cout int
		down      bool
	}{
		{"conv32_1", 32, 32, !down}, {"conv32_2", 32, 32, !down}, {"conv32_3", 32, 32, !down},
		{"conv64_down", 32, 64, down}, {"conv64_1", 64, 64, !down}, {"conv64_2", 64, 64, !down}, {"conv64_3", 64, 64, !down},
		{"conv128_down", 64, 128, down}, {"conv128_1", 128, 128, !down}, {"conv128_2", 128, 128, !down},
		{"conv256_down", 128, 256, down}, {"conv256_1", 256, 256, !down}, {"conv256_2", 256, 256, !down},
		{"conv256_down_out", 256, 256, down},
	} {
		n.blocks = append(n.blocks, residualLayer{
			conv1: u.convLayer(b.name+"/conv1", 3, b.cin, b.cout),
			conv2: u.convLayer(b.name+"/conv2", 3, b.cout, b.cout),
			down:  b.down,
		})
	}
	n.fc = u.matrix("fc", 256, facerec.Dim)
	if u.err == nil && u.used != len(w) {
		u.err = fmt.Errorf("facerecgpu: %d weights beyond the %d the network uses; is this the face recognition model?", len(w)-u.used, u.used)
	}
	if u.err != nil {
		n.Release()
		return nil, u.err
	}
	return n, nil
}

// Release frees the network's GPU memory; n must not be used afterwards.
func (n *Net) Release() {
	for _, b := range n.buffers() {
		if b != nil {
			b.Release()
		}
	}
	n.d.Trim()
}

func (n *Net) buffers() []*webgpu.Buffer {
	all := []*webgpu.Buffer{n.fc}
	layers := []convLayer{n.conv32Down}
	for _, b := range n.blocks {
		layers = append(layers, b.conv1, b.conv2)
	}
	for _, l := range layers {
		all = append(all, l.filters, l.bias, l.scale, l.shift)
	}
	return all
}

// Encode returns the 128-d descriptor of a face image img [H,W,3] (RGB,
// 0..255, any size facerec accepts), computed on the GPU:
// facerec.Net.Encode of the same image within float32 rounding. The
// padding, resizing and normalization are facerec.Preprocess's, on the CPU;
// the network runs on the GPU. It fails on a bad image, or when the GPU
// reports an error (wrapping webgpu.ErrDeviceLost or ErrOutOfMemory when
// those are the cause).
func (n *Net) Encode(img *tensor.Tensor) ([]float32, error) {
	in, err := facerec.Preprocess(img)
	if err != nil {
		return nil, err
	}
	d := n.d
	x := d.Upload(in)
	out := n.convLayer(x, n.conv32Down, 2, ops.Valid, true)
	x.Release()
	out = then(out, d.MaxPool2D(out, 3, 3, 2, 2, ops.Valid))
	for _, b := range n.blocks {
		if b.down {
			out = n.residualDown(out, b)
		} else {
			out = n.residual(out, b)
		}
	}
	out = then(out, d.AvgPool2D(out, out.Shape[0], out.Shape[1], 1, 1, ops.Valid)) // global average
	desc := d.FullyConnected(out.Reshape(out.Len()), n.fc, nil)
	out.Release()
	t, err := d.Read(desc)
	desc.Release()
	if err != nil {
		return nil, fmt.Errorf("facerecgpu: %w", err)
	}
	return t.Data, nil
}

// convLayer is face-api.js's convLayer: convolution plus bias, the scale
// layer, then an optional ReLU, in one dispatch. x is left alone.
func (n *Net) convLayer(x *webgpu.Buffer, p convLayer, stride int, pad ops.Padding, relu bool) *webgpu.Buffer {
	return n.d.Conv2DFused(x, p.filters, p.bias, stride, stride, pad, webgpu.Epilogue{Scale: p.scale, Shift: p.shift, ReLU: relu})
}

// residual is relu(convNoRelu(conv(x)) + x); it releases x.
func (n *Net) residual(x *webgpu.Buffer, p residualLayer) *webgpu.Buffer {
	out := n.convLayer(x, p.conv1, 1, ops.Same, true)
	out = then(out, n.convLayer(out, p.conv2, 1, ops.Same, false))
	sum := n.d.Add(out, x)
	out.Release()
	x.Release()
	return n.d.ReLU(sum)
}

// residualDown is the block that halves the resolution: a stride-2 valid
// convolution path, and a 2x2 average-pool shortcut zero-extended to twice
// the channels, the convolution path zero-padded at the bottom and right
// where it comes out smaller (odd sizes). It releases x.
func (n *Net) residualDown(x *webgpu.Buffer, p residualLayer) *webgpu.Buffer {
	out := n.convLayer(x, p.conv1, 2, ops.Valid, true)
	out = then(out, n.convLayer(out, p.conv2, 1, ops.Same, false))
	pooled := then(x, n.d.AvgPool2D(x, 2, 2, 2, 2, ops.Valid))
	sum := n.d.AddZeroExtended(out, pooled)
	out.Release()
	pooled.Release()
	return n.d.ReLU(sum)
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed.
func then(done, next *webgpu.Buffer) *webgpu.Buffer {
	done.Release()
	return next
}

// uploader uploads named weights, checking their shapes; it remembers the
// first error so that Load reads as a plain list.
type uploader struct {
	d       *webgpu.Device
	weights map[string]*tensor.Tensor
	used    int
	err     error
}

func (u *uploader) tensor(name string, shape ...int) *webgpu.Buffer {
	return u.take(name, u.d.Upload, shape)
}

// matrix uploads a matrix kernel's weights operand, in float16 under the
// device's F16 precision (webgpu.Device.UploadWeights).
func (u *uploader) matrix(name string, shape ...int) *webgpu.Buffer {
	return u.take(name, u.d.UploadWeights, shape)
}

func (u *uploader) take(name string, upload func(*tensor.Tensor) *webgpu.Buffer, shape []int) *webgpu.Buffer {
	t, ok := u.weights[name]
	switch {
	case u.err != nil:
		return nil
	case !ok:
		u.err = fmt.Errorf("facerecgpu: weight %q is missing", name)
		return nil
	case !tensor.SameShape(t, &tensor.Tensor{Shape: shape}):
		u.err = fmt.Errorf("facerecgpu: weight %q has shape %v, want %v", name, t.Shape, shape)
		return nil
	}
	u.used++
	return upload(t)
}

func (u *uploader) convLayer(prefix string, k, cin, cout int) convLayer {
	return convLayer{
		filters: u.matrix(prefix+"/conv/filters", k, k, cin, cout),
		bias:    u.tensor(prefix+"/conv/bias", cout),
		scale:   u.tensor(prefix+"/scale/weights", cout),
		shift:   u.tensor(prefix+"/scale/biases", cout),
	}
}
