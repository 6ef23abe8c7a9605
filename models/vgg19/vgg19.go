// Package vgg19 is the convolutional part of VGG-19 (Simonyan & Zisserman,
// 2014) up to conv5_1, the layers neural style transfer reads: the forward pass
// returning chosen activations, and the backward pass from gradients on those
// activations to the input image (no weight gradients). Both are written once,
// on a visage/core/backend.Differentiable (pass.go): Net.Forward runs them on
// the CPU, On on any backend (the browser's GPU).
//
// Weights: the uint8-quantized ImageNet weights described in
// ../shared/models/vgg19/NOTICE.md (Keras applications weights, originally by
// the Oxford Visual Geometry Group, CC BY 4.0), read by Load.
package vgg19

import (
	"fmt"
	"slices"

	"visage/core/backend"
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
	bias   *tensor.Tensor // [Cout]
}

// Net is VGG-19 up to conv5_1. Its weights are read-only after construction,
// so one Net may serve concurrent passes.
type Net struct {
	convs []conv
	cpu   *Runner[*tensor.Tensor]
	// Pool is the pooling between blocks; AvgPool unless changed. Every
	// pass, on any backend, reads it when it starts.
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
		n.convs = append(n.convs, conv{name, k, b})
		cin = cout
	}
	n.cpu = On(n, backend.Differentiable[*tensor.Tensor](backend.NewCPU()))
	return n, nil
}

// CPU returns n running on the CPU (visage/core/backend.CPU), the runner
// Forward uses.
func (n *Net) CPU() *Runner[*tensor.Tensor] { return n.cpu }

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

// Forward runs the network on the CPU on img, [H,W,3] RGB values 0..255 of
// any size H, W ≥ 1 (not modified), up to the deepest of layers, and returns
// the pass (see Runner.Forward).
func (n *Net) Forward(img *tensor.Tensor, layers ...string) (*Pass[*tensor.Tensor], error) {
	return n.cpu.Forward(img, layers...)
}
