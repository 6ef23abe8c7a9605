// Package vgg19test builds tiny random VGG-19-shaped networks for tests that
// need the architecture (every layer up to conv5_1, the poolings, the input
// convention) but not the real weights.
package vgg19test

import (
	"math"
	"math/rand/v2"
	"slices"

	"visage/core/ops"

	"visage/core/tensor"
	"visage/models/vgg19"
)

// Weights returns random 3×3 kernels (He-scaled, so activations neither
// vanish nor explode) and small biases for every layer up to conv5_1, with
// widths 4, 5, 6, 7 and 3 for blocks 1 to 5, named as vgg19.FromWeights wants.
func Weights(seed uint64) map[string]*tensor.Tensor {
	rng := rand.New(rand.NewPCG(seed, 19))
	widths := map[byte]int{'1': 4, '2': 5, '3': 6, '4': 7, '5': 3}
	w := map[string]*tensor.Tensor{}
	cin := 3
	for _, name := range vgg19.Layers() {
		cout := widths[name[len("conv")]]
		k := tensor.New(3, 3, cin, cout)
		scale := math.Sqrt(2.0/float64(9*cin)) * math.Sqrt(3)
		for i := range k.Data {
			k.Data[i] = float32(scale * (2*rng.Float64() - 1))
		}
		b := tensor.New(cout)
		for i := range b.Data {
			b.Data[i] = float32(rng.Float64() - 0.3)
		}
		w[name+"/kernel"], w[name+"/bias"] = k, b
		cin = cout
	}
	return w
}

// Net returns vgg19.FromWeights(Weights(seed)) with the given pooling.
func Net(seed uint64, pool vgg19.Pooling) *vgg19.Net {
	n, err := vgg19.FromWeights(Weights(seed))
	if err != nil {
		panic(err) // Weights is built to be valid
	}
	n.Pool = pool
	return n
}

// Regime returns a fingerprint of the linear piece of the network that img
// falls in: which ReLUs are active and, with max pooling, which cell wins
// each pooling window. Between two images with the same regime the network
// is linear (avg) or piecewise linear with the same pieces (max), so central
// differences across a change of regime straddle a kink and need not match
// the gradient.
func Regime(net *vgg19.Net, img *tensor.Tensor) string {
	p, err := net.Forward(img, "conv5_1")
	if err != nil {
		panic(err)
	}
	var b []byte
	for _, l := range vgg19.Layers() {
		a := p.Activation(l)
		for _, v := range a.Data {
			b = append(b, boolByte(v > 0))
		}
		if net.Pool == vgg19.MaxPool && slices.Contains([]string{"conv1_2", "conv2_2", "conv3_4", "conv4_4"}, l) {
			out := ops.MaxPool2D(a, 2, 2, 2, 2, ops.Same)
			for i := range out.Data {
				out.Data[i] = 1
			}
			for _, v := range ops.MaxPool2DBackward(out, a, 2, 2, 2, 2, ops.Same).Data {
				b = append(b, boolByte(v != 0))
			}
		}
	}
	return string(b)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
