package landmarks

import (
	"fmt"

	"visage/core/tensor"
)

// Conv is a plain conv with bias.
type Conv struct {
	Filters *tensor.Tensor // [3,3,Cin,Cout]
	Bias    []float32
}

// SeparableConv is a depthwise conv followed by a 1x1 conv, plus bias.
type SeparableConv struct {
	Depthwise *tensor.Tensor // [3,3,Cin,1]
	Pointwise *tensor.Tensor // [1,1,Cin,Cout]
	Bias      []float32      // [Cout]
}

// DenseBlock is one dense block. Its first conv is a plain conv (Conv0) in
// the first block and a separable one (Sep0) in the others.
type DenseBlock struct {
	Conv0               Conv
	Sep0                SeparableConv
	Conv1, Conv2, Conv3 SeparableConv
}

// FC is the final fully connected layer.
type FC struct {
	Weights *tensor.Tensor // [256,136]
	Bias    []float32
}

// Params are the network's weights, with face-api.js's names: what another
// implementation of it (visage/wasm/webgpu/landmarksgpu) runs, reading the
// layers as forward does.
type Params struct {
	Dense [4]DenseBlock
	FC    FC
}

// extractParams builds the parameters from a weight map with face-api.js's
// names (dense0..3/conv0..3, fc).
func extractParams(m map[string]*tensor.Tensor) (*Params, error) {
	var err error
	get := func(name string, rank int) *tensor.Tensor {
		if err != nil {
			return nil
		}
		t, ok := m[name]
		switch {
		case !ok:
			err = fmt.Errorf("landmarks: weight %q missing from the manifest", name)
		case t.Rank() != rank:
			err = fmt.Errorf("landmarks: weight %q: expected rank %d, found shape %v", name, rank, t.Shape)
		default:
			return t
		}
		return nil
	}
	vec := func(name string, n int) []float32 {
		t := get(name, 1)
		if t == nil {
			return nil
		}
		if t.Shape[0] != n {
			err = fmt.Errorf("landmarks: weight %q: expected %d values, found %d", name, n, t.Shape[0])
			return nil
		}
		return t.Data
	}
	separable := func(prefix string) SeparableConv {
		d, pw := get(prefix+"/depthwise_filter", 4), get(prefix+"/pointwise_filter", 4)
		if pw == nil {
			return SeparableConv{}
		}
		return SeparableConv{d, pw, vec(prefix+"/bias", pw.Shape[3])}
	}
	p := &Params{}
	for i := range p.Dense {
		pre := fmt.Sprintf("dense%d/", i)
		d := &p.Dense[i]
		if i == 0 {
			f := get(pre+"conv0/filters", 4)
			if f != nil {
				d.Conv0 = Conv{f, vec(pre+"conv0/bias", f.Shape[3])}
			}
		} else {
			d.Sep0 = separable(pre + "conv0")
		}
		d.Conv1, d.Conv2, d.Conv3 = separable(pre+"conv1"), separable(pre+"conv2"), separable(pre+"conv3")
	}
	w := get("fc/weights", 2)
	if w != nil {
		p.FC = FC{w, vec("fc/bias", w.Shape[1])}
	}
	if err != nil {
		return nil, err
	}
	if w.Shape[1] != 2*NumPoints {
		return nil, fmt.Errorf("landmarks: weight \"fc/weights\": expected %d outputs, found %d", 2*NumPoints, w.Shape[1])
	}
	return p, nil
}
