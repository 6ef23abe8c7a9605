// Package vgg19 is the convolutional part of VGG-19 (Simonyan & Zisserman,
// 2014) up to conv5_1, the layers neural style transfer reads: the forward pass
// returning chosen activations, and the backward pass from gradients on those
// activations to the input image (no weight gradients).
//
// Weights: the uint8-quantized ImageNet weights described in
// ../shared/models/vgg19/NOTICE.md (Keras applications weights, originally by
// the Oxford Visual Geometry Group, CC BY 4.0), read by Load.
package vgg19

import (
	"fmt"
	"slices"

	"visage/core/ops"
	"visage/core/tensor"
)

// mean is the per-channel ImageNet mean the network expects subtracted, in its
// BGR channel order (Caffe/Keras VGG convention).
var mean = [3]float32{103.939, 116.779, 123.68}

// MeanRGB returns the mean ImageNet pixel (R, G, B), 0..255, that the network
// subtracts from its input: the image it sees as all zeros.
func MeanRGB() [3]float32 { return [3]float32{mean[2], mean[1], mean[0]} }

// convNames lists, in order, the convolution layers up to conv5_1; a 2×2,
// stride-2 pooling sits before conv2_1, conv3_1, conv4_1 and conv5_1.
var convNames = []string{
	"conv1_1", "conv1_2",
	"conv2_1", "conv2_2",
	"conv3_1", "conv3_2", "conv3_3", "conv3_4",
	"conv4_1", "conv4_2", "conv4_3", "conv4_4",
	"conv5_1",
}

// poolsBefore reports whether a pooling layer precedes the named conv layer.
func poolsBefore(name string) bool { return name[len("conv1_"):] == "1" && name != "conv1_1" }

// Layers returns the names of the layers whose activations Forward can return,
// shallowest first.
func Layers() []string { return slices.Clone(convNames) }

// Pooling selects the pooling between blocks.
type Pooling int

const (
	// AvgPool is average pooling, as in the deep learning course and Gatys et
	// al.'s recommendation for image synthesis.
	AvgPool Pooling = iota
	// MaxPool is the max pooling the network was trained with.
	MaxPool
)

// String returns "avg" or "max".
func (p Pooling) String() string {
	if p == MaxPool {
		return "max"
	}
	return "avg"
}

// ParsePooling parses "avg" or "max".
func ParsePooling(s string) (Pooling, error) {
	switch s {
	case "avg":
		return AvgPool, nil
	case "max":
		return MaxPool, nil
	}
	return 0, fmt.Errorf("vgg19: pooling %q, want avg or max", s)
}

// conv is one 3×3, stride-1, 'same' convolution followed by ReLU.
type conv struct {
	name   string
	kernel *tensor.Tensor // [3,3,Cin,Cout]
	bias   []float32      // [Cout]
}

// Net is VGG-19 up to conv5_1. Its weights are read-only after construction,
// so one Net may serve concurrent passes.
type Net struct {
	convs []conv
	// Pool is the pooling between blocks; AvgPool unless changed.
	Pool Pooling
}

// FromWeights builds a Net from tensors named "conv1_1/kernel",
// "conv1_1/bias", … up to conv5_1, kernels [kh,kw,Cin,Cout] (any odd kh, kw;
// Cin of conv1_1 is 3), biases [Cout]. Channel counts need not be VGG's, so
// tests can use tiny random networks. The tensors are not copied.
func FromWeights(w map[string]*tensor.Tensor) (*Net, error) {
	n := &Net{Pool: AvgPool}
	cin := 3
	for _, name := range convNames {
		k, b := w[name+"/kernel"], w[name+"/bias"]
		if k == nil || b == nil {
			return nil, fmt.Errorf("vgg19: missing %s/kernel or %s/bias", name, name)
		}
		if k.Rank() != 4 || k.Shape[0]%2 == 0 || k.Shape[1]%2 == 0 || k.Shape[2] != cin {
			return nil, fmt.Errorf("vgg19: %s/kernel has shape %v, want [odd,odd,%d,Cout]", name, k.Shape, cin)
		}
		cout := k.Shape[3]
		if b.Rank() != 1 || b.Shape[0] != cout {
			return nil, fmt.Errorf("vgg19: %s/bias has shape %v, want [%d]", name, b.Shape, cout)
		}
		n.convs = append(n.convs, conv{name, k, b.Data})
		cin = cout
	}
	return n, nil
}

// Weights returns n's weights named as FromWeights takes them
// ("conv1_1/kernel", "conv1_1/bias", …), for another implementation of the
// network (visage/wasm/webgpu/nstgpu). The tensors share n's memory: the
// caller must not modify them.
func (n *Net) Weights() map[string]*tensor.Tensor {
	w := make(map[string]*tensor.Tensor, 2*len(n.convs))
	for _, c := range n.convs {
		w[c.name+"/kernel"] = c.kernel
		w[c.name+"/bias"] = &tensor.Tensor{Shape: []int{len(c.bias)}, Data: c.bias}
	}
	return w
}

// ActivationFloats returns how many float32 values a Forward pass up to
// conv5_1 on an h×w image keeps for Backward: the sum over the conv layers of
// H×W×Cout at each layer's resolution (each pooling halves a side, rounding
// up, as its 'same' padding does). Style transfer's memory grows with it.
func (n *Net) ActivationFloats(h, w int) int64 {
	var total int64
	for _, c := range n.convs {
		if poolsBefore(c.name) {
			h, w = (h+1)/2, (w+1)/2
		}
		total += int64(h) * int64(w) * int64(c.kernel.Shape[3])
	}
	return total
}

// Pass holds one forward pass: every activation up to the deepest requested
// layer, kept for Backward. Its tensors belong to the Pass; callers must not
// modify them.
type Pass struct {
	net   *Net
	pool  Pooling
	inH   int
	inW   int
	acts  []*tensor.Tensor // post-ReLU output of net.convs[i]
	index map[string]int
}

// Forward runs the network on img, [H,W,3] RGB values 0..255 of any size
// H, W ≥ 1 (not modified), up to the deepest of layers, and returns the pass.
// The input is converted to the network's convention: BGR minus the ImageNet
// mean. Pooling is 2×2, stride 2, TensorFlow 'same' padding (as the course's
// graph), so odd sizes keep their last row and column.
func (n *Net) Forward(img *tensor.Tensor, layers ...string) (*Pass, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] < 1 || img.Shape[1] < 1 {
		return nil, fmt.Errorf("vgg19: input shape %v, want [H,W,3] with H,W ≥ 1", img.Shape)
	}
	last := -1
	for _, l := range layers {
		i := slices.Index(convNames, l)
		if i < 0 {
			return nil, fmt.Errorf("vgg19: unknown layer %q (have %v)", l, convNames)
		}
		last = max(last, i)
	}
	if last < 0 {
		return nil, fmt.Errorf("vgg19: no layer requested")
	}
	p := &Pass{net: n, pool: n.Pool, inH: img.Shape[0], inW: img.Shape[1], index: map[string]int{}}
	x := toBGR(img)
	for i, c := range n.convs[:last+1] {
		if poolsBefore(c.name) {
			x = p.poolForward(x)
		}
		x = ops.ReLU(ops.Conv2D(x, c.kernel, c.bias, 1, 1, ops.Same))
		p.acts = append(p.acts, x)
		p.index[c.name] = i
	}
	return p, nil
}

// Activation returns the post-ReLU activation [H,W,C] of the named layer, or
// nil when the pass did not reach it. The tensor belongs to the pass.
func (p *Pass) Activation(name string) *tensor.Tensor {
	if i, ok := p.index[name]; ok {
		return p.acts[i]
	}
	return nil
}

// Backward takes the gradient of a scalar cost with respect to some of the
// pass's activations (layer name → tensor shaped like that activation; not
// modified) and returns its gradient with respect to the input image [H,W,3]
// (RGB, per unit of pixel value). Layers the pass did not reach, and shape
// mismatches, are errors.
func (p *Pass) Backward(grads map[string]*tensor.Tensor) (*tensor.Tensor, error) {
	for name, g := range grads {
		a := p.Activation(name)
		if a == nil {
			return nil, fmt.Errorf("vgg19: gradient for layer %q, which the pass did not compute", name)
		}
		if !tensor.SameShape(a, g) {
			return nil, fmt.Errorf("vgg19: gradient for %s has shape %v, want %v", name, g.Shape, a.Shape)
		}
	}
	var g *tensor.Tensor
	for i := len(p.acts) - 1; i >= 0; i-- {
		c := p.net.convs[i]
		if d := grads[c.name]; d != nil {
			if g == nil {
				g = d.Clone()
			} else {
				ops.AddInPlace(g, d)
			}
		}
		if g == nil {
			continue
		}
		g = ops.ReLUBackward(g, p.acts[i])
		in := p.inputShape(i)
		g = ops.ConvBackwardInput(g, c.kernel, in, nil, ops.Same)
		if poolsBefore(c.name) {
			g = p.poolBackward(g, p.acts[i-1])
		}
	}
	if g == nil {
		return tensor.New(p.inH, p.inW, 3), nil
	}
	return fromBGRGrad(g), nil
}

// inputShape returns the shape of the tensor fed to conv layer i (after pooling).
func (p *Pass) inputShape(i int) []int {
	out := p.acts[i].Shape
	return []int{out[0], out[1], p.net.convs[i].kernel.Shape[2]}
}

func (p *Pass) poolForward(x *tensor.Tensor) *tensor.Tensor {
	if p.pool == MaxPool {
		return ops.MaxPool2D(x, 2, 2, 2, 2, ops.Same)
	}
	return ops.AvgPool2D(x, 2, 2, 2, 2, ops.Same)
}

// poolBackward maps dy on a pooling output back to its input x.
func (p *Pass) poolBackward(dy, x *tensor.Tensor) *tensor.Tensor {
	if p.pool == MaxPool {
		return ops.MaxPool2DBackward(dy, x, 2, 2, 2, 2, ops.Same)
	}
	return ops.AvgPool2DBackward(dy, x.Shape, 2, 2, 2, 2, ops.Same)
}

// toBGR returns the network input for img: RGB 0..255 → BGR minus the mean.
func toBGR(img *tensor.Tensor) *tensor.Tensor {
	x := tensor.New(img.Shape...)
	for i := 0; i < len(x.Data); i += 3 {
		for c := range 3 {
			x.Data[i+c] = img.Data[i+2-c] - mean[c]
		}
	}
	return x
}

// fromBGRGrad maps a gradient on the BGR network input back to RGB pixels
// (the mean shift has unit derivative).
func fromBGRGrad(g *tensor.Tensor) *tensor.Tensor {
	out := tensor.New(g.Shape...)
	for i := 0; i < len(g.Data); i += 3 {
		for c := range 3 {
			out.Data[i+c] = g.Data[i+2-c]
		}
	}
	return out
}
