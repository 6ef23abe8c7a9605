package facerec

import (
	"fmt"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
)

// convLayerParams is face-api.js's ConvLayerParams, a convolution with its
// bias followed by a per-channel scale layer (x·weights + biases), held on
// a backend as one convolution with the scale layer folded in (see
// foldScales): the scale layer is linear, so this is the same function with
// one pass fewer.
type convLayerParams[T any] struct {
	filters T // [k,k,Cin,Cout]
	bias    T // [Cout]
}

// residualLayerParams is a residual block's two convolutions.
type residualLayerParams[T any] struct {
	conv1, conv2 convLayerParams[T]
}

// netParams holds the whole network on one backend, named as the weights
// are.
type netParams[T any] struct {
	conv32Down                           convLayerParams[T]
	conv32_1, conv32_2, conv32_3         residualLayerParams[T]
	conv64Down                           residualLayerParams[T]
	conv64_1, conv64_2, conv64_3         residualLayerParams[T]
	conv128Down                          residualLayerParams[T]
	conv128_1, conv128_2                 residualLayerParams[T]
	conv256Down                          residualLayerParams[T]
	conv256_1, conv256_2, conv256DownOut residualLayerParams[T]
	fc                                   T // [256,128]
	weights                              *backend.Weights[T]
}

// convLayers are the prefixes of the network's convolutions, each with its
// kernel side and channels in and out.
var convLayers = func() []struct {
	prefix       string
	k, cin, cout int
} {
	type conv = struct {
		prefix       string
		k, cin, cout int
	}
	out := []conv{{"conv32_down", 7, 3, 32}}
	for _, b := range []struct {
		name      string
		cin, cout int
	}{
		{"conv32_1", 32, 32}, {"conv32_2", 32, 32}, {"conv32_3", 32, 32},
		{"conv64_down", 32, 64}, {"conv64_1", 64, 64}, {"conv64_2", 64, 64}, {"conv64_3", 64, 64},
		{"conv128_down", 64, 128}, {"conv128_1", 128, 128}, {"conv128_2", 128, 128},
		{"conv256_down", 128, 256}, {"conv256_1", 256, 256}, {"conv256_2", 256, 256}, {"conv256_down_out", 256, 256},
	} {
		out = append(out, conv{b.name + "/conv1", 3, b.cin, b.cout}, conv{b.name + "/conv2", 3, b.cout, b.cout})
	}
	return out
}()

// foldScales checks face-api.js's weight map w (every shape, and that no
// weight is left over) and returns the network's weights with each scale
// layer folded into its convolution: conv/filters[…,c]·scale[c] and
// conv/bias[c]·scale[c] + shift[c], held as "<prefix>/filters" and
// "<prefix>/bias" for each convolution, and "fc" (shared with w).
func foldScales(w map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	take := func(name string, shape ...int) (*tensor.Tensor, error) {
		t, ok := w[name]
		switch {
		case !ok:
			return nil, fmt.Errorf("facerec: weight %q is missing", name)
		case !tensor.SameShape(t, &tensor.Tensor{Shape: shape}):
			return nil, fmt.Errorf("facerec: weight %q has shape %v, want %v", name, t.Shape, shape)
		}
		return t, nil
	}
	folded := map[string]*tensor.Tensor{}
	for _, c := range convLayers {
		var ts [4]*tensor.Tensor
		for i, part := range []struct {
			name  string
			shape []int
		}{{"/conv/filters", []int{c.k, c.k, c.cin, c.cout}}, {"/conv/bias", []int{c.cout}}, {"/scale/weights", []int{c.cout}}, {"/scale/biases", []int{c.cout}}} {
			t, err := take(c.prefix+part.name, part.shape...)
			if err != nil {
				return nil, err
			}
			ts[i] = t
		}
		filters, bias := foldScale(ts[0], ts[1].Data, ts[2].Data, ts[3].Data)
		folded[c.prefix+"/filters"], folded[c.prefix+"/bias"] = filters, bias
	}
	fc, err := take("fc", 256, Dim)
	if err != nil {
		return nil, err
	}
	folded["fc"] = fc
	if used := 4*len(convLayers) + 1; len(w) != used {
		return nil, fmt.Errorf("facerec: %d weights beyond the %d the network uses; is this the face recognition model?", len(w)-used, used)
	}
	return folded, nil
}

// foldScale returns the convolution (filters [k,k,Cin,Cout], bias) followed
// by the scale layer y·scale[c] + shift[c] as one convolution:
// filters[…,c]·scale[c] and bias[c]·scale[c] + shift[c]. Its arguments are
// not modified; the results are new.
func foldScale(filters *tensor.Tensor, bias, scale, shift []float32) (f, b *tensor.Tensor) {
	f = ops.ScaleBias(filters.Clone(), scale, nil)
	b = tensor.New(len(bias))
	for c := range bias {
		b.Data[c] = bias[c]*scale[c] + shift[c]
	}
	return f, b
}

// upload puts the folded weights (foldScales) on b.
func upload[T any](b backend.Backend[T], w map[string]*tensor.Tensor) *netParams[T] {
	p := &netParams[T]{weights: backend.NewWeights(b)}
	put := func(name string, weights bool) T {
		if weights {
			return p.weights.UploadWeights(w[name])
		}
		return p.weights.Upload(w[name])
	}
	conv := func(prefix string) convLayerParams[T] {
		return convLayerParams[T]{filters: put(prefix+"/filters", true), bias: put(prefix+"/bias", false)}
	}
	res := func(prefix string) residualLayerParams[T] {
		return residualLayerParams[T]{conv1: conv(prefix + "/conv1"), conv2: conv(prefix + "/conv2")}
	}
	p.conv32Down = conv("conv32_down")
	p.conv32_1, p.conv32_2, p.conv32_3 = res("conv32_1"), res("conv32_2"), res("conv32_3")
	p.conv64Down = res("conv64_down")
	p.conv64_1, p.conv64_2, p.conv64_3 = res("conv64_1"), res("conv64_2"), res("conv64_3")
	p.conv128Down = res("conv128_down")
	p.conv128_1, p.conv128_2 = res("conv128_1"), res("conv128_2")
	p.conv256Down = res("conv256_down")
	p.conv256_1, p.conv256_2, p.conv256DownOut = res("conv256_1"), res("conv256_2"), res("conv256_down_out")
	p.fc = put("fc", true)
	return p
}
