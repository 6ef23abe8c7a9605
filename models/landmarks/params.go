package landmarks

import (
	"fmt"

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
	all        []T
}

// convPrefix is the weight-name prefix of dense block block's convolution
// conv; the first block's conv0 is plain (plain reports it), every other
// one separable.
func convPrefix(block, conv int) (prefix string, plain bool) {
	return fmt.Sprintf("dense%d/conv%d/", block, conv), block == 0 && conv == 0
}

// checkWeights checks that face-api.js's weight map m holds the network
// (dense0..3/conv0..3, fc): each weight present with its rank, every bias
// as long as its filters have outputs, each separable convolution's halves
// agreeing on its input channels, and fc giving 2·NumPoints outputs.
func checkWeights(m map[string]*tensor.Tensor) error {
	get := func(name string, rank int) (*tensor.Tensor, error) {
		t, ok := m[name]
		switch {
		case !ok:
			return nil, fmt.Errorf("landmarks: weight %q missing from the manifest", name)
		case t.Rank() != rank:
			return nil, fmt.Errorf("landmarks: weight %q: expected rank %d, found shape %v", name, rank, t.Shape)
		}
		return t, nil
	}
	// layer checks a layer's weights (rank rank) and its bias "<prefix>bias".
	layer := func(prefix, weights string, rank int) (*tensor.Tensor, error) {
		w, err := get(prefix+weights, rank)
		if err != nil {
			return nil, err
		}
		b, err := get(prefix+"bias", 1)
		if err != nil {
			return nil, err
		}
		if out := w.Shape[rank-1]; b.Shape[0] != out {
			return nil, fmt.Errorf("landmarks: weight %q: expected %d values, found %d", prefix+"bias", out, b.Shape[0])
		}
		return w, nil
	}
	for block := range 4 {
		for conv := range 4 {
			prefix, plain := convPrefix(block, conv)
			if plain {
				if _, err := layer(prefix, "filters", 4); err != nil {
					return err
				}
				continue
			}
			pw, err := layer(prefix, "pointwise_filter", 4)
			if err != nil {
				return err
			}
			dw, err := get(prefix+"depthwise_filter", 4)
			if err != nil {
				return err
			}
			if dw.Shape[2] != pw.Shape[2] {
				return fmt.Errorf("landmarks: weights %q and %q: expected the same input channels, found shapes %v and %v",
					prefix+"depthwise_filter", prefix+"pointwise_filter", dw.Shape, pw.Shape)
			}
		}
	}
	fc, err := layer("fc/", "weights", 2)
	if err != nil {
		return err
	}
	if fc.Shape[1] != 2*NumPoints {
		return fmt.Errorf("landmarks: weight \"fc/weights\": expected %d outputs, found %d", 2*NumPoints, fc.Shape[1])
	}
	return nil
}

// upload puts the weights m (checked by checkWeights) on b.
func upload[T any](b backend.Backend[T], m map[string]*tensor.Tensor) *netParams[T] {
	p := &netParams[T]{}
	put := func(name string, weights bool) T {
		upload := b.Upload
		if weights {
			upload = b.UploadWeights
		}
		t := upload(m[name])
		p.all = append(p.all, t)
		return t
	}
	for block := range p.dense {
		for conv := range p.dense[block] {
			prefix, plain := convPrefix(block, conv)
			c := &p.dense[block][conv]
			if plain {
				c.filters = put(prefix+"filters", true)
			} else {
				c.depthwise, c.filters = put(prefix+"depthwise_filter", false), put(prefix+"pointwise_filter", true)
			}
			c.bias = put(prefix+"bias", false)
		}
	}
	p.fc, p.fcBias = put("fc/weights", true), put("fc/bias", false)
	return p
}
