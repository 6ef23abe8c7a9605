package landmarks

import (
	"fmt"
	"maps"
	"slices"

	"visage/core/backend"
	"visage/core/tensor"
)

// convParams is one of a dense block's convolutions on a backend, with its
// bias [Cout]: plain (filters [3,3,Cin,Cout], depthwise unset) for the
// first block's conv0, separable (depthwise [3,3,Cin,1], then filters
// [1,1,Cin,Cout] pointwise) for the others, as face-api.js's denseBlock4
// reads them.
type convParams[T any] struct {
	depthwise, filters, bias T
}

// denseBlockParams are a dense block's conv0..conv3.
type denseBlockParams[T any] [4]convParams[T]

// netParams holds the whole network on one backend, named as the weights
// are.
type netParams[T any] struct {
	dense      [4]denseBlockParams[T]
	fc, fcBias T // [256,136], [136]
	weights    *backend.Weights[T]
}

// blocks are the dense blocks' input and output channels (each block's
// first convolution changes the channels, its other three keep them).
var blocks = [4]struct{ in, out int }{{3, 32}, {32, 64}, {64, 128}, {128, 256}}

// convPrefix is the weight-name prefix of dense block block's convolution
// conv; the first block's conv0 is plain (plain reports it), every other
// one separable.
func convPrefix(block, conv int) (prefix string, plain bool) {
	return fmt.Sprintf("dense%d/conv%d/", block, conv), block == 0 && conv == 0
}

// shapes returns the shape of each of the network's weights, by its name
// in face-api.js's manifest (dense0..3/conv0..3, fc).
func shapes() map[string][]int {
	last := blocks[len(blocks)-1].out
	s := map[string][]int{"fc/weights": {last, 2 * NumPoints}, "fc/bias": {2 * NumPoints}}
	for block, ch := range blocks {
		in := ch.in
		for conv := range 4 {
			prefix, plain := convPrefix(block, conv)
			if plain {
				s[prefix+"filters"] = []int{3, 3, in, ch.out}
			} else {
				s[prefix+"depthwise_filter"] = []int{3, 3, in, 1}
				s[prefix+"pointwise_filter"] = []int{1, 1, in, ch.out}
			}
			s[prefix+"bias"] = []int{ch.out}
			in = ch.out
		}
	}
	return s
}

// checkWeights checks that face-api.js's weight map m holds this network:
// every weight shapes names, with its shape, and no other.
func checkWeights(m map[string]*tensor.Tensor) error {
	want := shapes()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		t, ok := m[name]
		switch {
		case !ok:
			return fmt.Errorf("landmarks: weight %q missing from the manifest", name)
		case !slices.Equal(t.Shape, want[name]):
			return fmt.Errorf("landmarks: weight %q: expected shape %v, found %v", name, want[name], t.Shape)
		}
	}
	if len(m) != len(want) {
		return fmt.Errorf("landmarks: %d weights beyond the %d the network uses; is this the 68-point landmark model?", len(m)-len(want), len(want))
	}
	return nil
}

// zeroWeights returns weights of the network's shapes, all zero.
func zeroWeights() map[string]*tensor.Tensor {
	m := map[string]*tensor.Tensor{}
	for name, shape := range shapes() {
		m[name] = tensor.New(shape...)
	}
	return m
}

// upload puts the weights m (checked by checkWeights) on b.
func upload[T any](b backend.Backend[T], m map[string]*tensor.Tensor) *netParams[T] {
	up := backend.NewWeights(b)
	p := &netParams[T]{weights: up}
	for block := range p.dense {
		for conv := range p.dense[block] {
			prefix, plain := convPrefix(block, conv)
			c := &p.dense[block][conv]
			if plain {
				c.filters = up.UploadWeights(m[prefix+"filters"])
			} else {
				c.depthwise, c.filters = up.Upload(m[prefix+"depthwise_filter"]), up.UploadWeights(m[prefix+"pointwise_filter"])
			}
			c.bias = up.Upload(m[prefix+"bias"])
		}
	}
	p.fc, p.fcBias = up.UploadWeights(m["fc/weights"]), up.Upload(m["fc/bias"])
	return p
}
