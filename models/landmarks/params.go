package landmarks

import (
	"fmt"

	"visage/core/tensor"
)

// convParams is a plain conv with bias.
type convParams struct {
	filters *tensor.Tensor // [3,3,Cin,Cout]
	bias    []float32
}

// separableConv is a depthwise conv followed by a 1x1 conv, plus bias.
type separableConv struct {
	depthwise *tensor.Tensor // [3,3,Cin,1]
	pointwise *tensor.Tensor // [1,1,Cin,Cout]
	bias      []float32      // [Cout]
}

// denseParams is one dense block. Its first conv is a plain conv (conv0) in
// the first block and a separable one (sep0) in the others.
type denseParams struct {
	conv0               convParams
	sep0                separableConv
	conv1, conv2, conv3 separableConv
}

// fcParams is the final fully connected layer.
type fcParams struct {
	weights *tensor.Tensor // [256,136]
	bias    []float32
}

type params struct {
	dense [4]denseParams
	fc    fcParams
}

// extractParams builds the parameters from a weight map with face-api.js's
// names (dense0..3/conv0..3, fc).
func extractParams(m map[string]*tensor.Tensor) (*params, error) {
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
	separable := func(prefix string) separableConv {
		d, pw := get(prefix+"/depthwise_filter", 4), get(prefix+"/pointwise_filter", 4)
		if pw == nil {
			return separableConv{}
		}
		return separableConv{d, pw, vec(prefix+"/bias", pw.Shape[3])}
	}
	p := &params{}
	for i := range p.dense {
		pre := fmt.Sprintf("dense%d/", i)
		d := &p.dense[i]
		if i == 0 {
			f := get(pre+"conv0/filters", 4)
			if f != nil {
				d.conv0 = convParams{f, vec(pre+"conv0/bias", f.Shape[3])}
			}
		} else {
			d.sep0 = separable(pre + "conv0")
		}
		d.conv1, d.conv2, d.conv3 = separable(pre+"conv1"), separable(pre+"conv2"), separable(pre+"conv3")
	}
	w := get("fc/weights", 2)
	if w != nil {
		p.fc = fcParams{w, vec("fc/bias", w.Shape[1])}
	}
	if err != nil {
		return nil, err
	}
	if w.Shape[1] != 2*NumPoints {
		return nil, fmt.Errorf("landmarks: weight \"fc/weights\": expected %d outputs, found %d", 2*NumPoints, w.Shape[1])
	}
	return p, nil
}
