package facerec

import (
	"fmt"

	"visage/core/ops"
	"visage/core/tensor"
)

// convLayerParams is face-api.js's ConvLayerParams, a convolution with its
// bias followed by a per-channel scale layer (x·weights + biases), held as
// one convolution with the scale layer folded in (see foldScale): the scale
// layer is linear, so this is the same function with one pass fewer.
type convLayerParams struct {
	filters *ops.Filter // [k,k,Cin,Cout], prepared once for the many encodes
	bias    []float32   // Cout
}

// foldScale returns the convolution (filters [k,k,Cin,Cout], bias) followed
// by the scale layer y·scale[c] + shift[c] as one convolution:
// filters[…,c]·scale[c] and bias[c]·scale[c] + shift[c]. Its arguments are
// not modified; the result is new.
func foldScale(filters *tensor.Tensor, bias, scale, shift []float32) convLayerParams {
	f := filters.Clone()
	ops.ScaleBias(f, scale, nil)
	b := make([]float32, len(bias))
	for c := range b {
		b[c] = bias[c]*scale[c] + shift[c]
	}
	return convLayerParams{filters: ops.NewFilter(f), bias: b}
}

// residualLayerParams is a residual block's two convolutions.
type residualLayerParams struct {
	conv1, conv2 convLayerParams
}

// netParams holds the whole network, named as the weights are.
type netParams struct {
	conv32Down                           convLayerParams
	conv32_1, conv32_2, conv32_3         residualLayerParams
	conv64Down                           residualLayerParams
	conv64_1, conv64_2, conv64_3         residualLayerParams
	conv128Down                          residualLayerParams
	conv128_1, conv128_2                 residualLayerParams
	conv256Down                          residualLayerParams
	conv256_1, conv256_2, conv256DownOut residualLayerParams
	fc                                   *tensor.Tensor // [256,128]
}

// paramReader takes named weights out of a weight map, checking their shapes;
// it remembers the first error so that extraction reads as a plain list.
type paramReader struct {
	weights map[string]*tensor.Tensor
	used    int
	err     error
}

func (r *paramReader) tensor(name string, shape ...int) *tensor.Tensor {
	t, ok := r.weights[name]
	switch {
	case r.err != nil:
		return nil
	case !ok:
		r.err = fmt.Errorf("facerec: weight %q is missing", name)
		return nil
	case !tensor.SameShape(t, &tensor.Tensor{Shape: shape}):
		r.err = fmt.Errorf("facerec: weight %q has shape %v, want %v", name, t.Shape, shape)
		return nil
	}
	r.used++
	return t
}

func (r *paramReader) vector(name string, n int) []float32 {
	if t := r.tensor(name, n); t != nil {
		return t.Data
	}
	return nil
}

func (r *paramReader) convLayer(prefix string, k, cin, cout int) convLayerParams {
	filters := r.tensor(prefix+"/conv/filters", k, k, cin, cout)
	bias := r.vector(prefix+"/conv/bias", cout)
	scale := r.vector(prefix+"/scale/weights", cout)
	shift := r.vector(prefix+"/scale/biases", cout)
	if r.err != nil {
		return convLayerParams{}
	}
	return foldScale(filters, bias, scale, shift)
}

func (r *paramReader) residualLayer(prefix string, cin, cout int) residualLayerParams {
	return residualLayerParams{
		conv1: r.convLayer(prefix+"/conv1", 3, cin, cout),
		conv2: r.convLayer(prefix+"/conv2", 3, cout, cout),
	}
}

// extractParams builds netParams from face-api.js's weight map (as
// extractParamsFromWeigthMap does), checking every shape and that no weight is
// left over. The fc weights are shared with the map; the convolutions are new
// tensors, their scale layers folded in.
func extractParams(w map[string]*tensor.Tensor) (*netParams, error) {
	r := &paramReader{weights: w}
	p := &netParams{
		conv32Down: r.convLayer("conv32_down", 7, 3, 32),
		conv32_1:   r.residualLayer("conv32_1", 32, 32),
		conv32_2:   r.residualLayer("conv32_2", 32, 32),
		conv32_3:   r.residualLayer("conv32_3", 32, 32),

		conv64Down: r.residualLayer("conv64_down", 32, 64),
		conv64_1:   r.residualLayer("conv64_1", 64, 64),
		conv64_2:   r.residualLayer("conv64_2", 64, 64),
		conv64_3:   r.residualLayer("conv64_3", 64, 64),

		conv128Down: r.residualLayer("conv128_down", 64, 128),
		conv128_1:   r.residualLayer("conv128_1", 128, 128),
		conv128_2:   r.residualLayer("conv128_2", 128, 128),

		conv256Down:    r.residualLayer("conv256_down", 128, 256),
		conv256_1:      r.residualLayer("conv256_1", 256, 256),
		conv256_2:      r.residualLayer("conv256_2", 256, 256),
		conv256DownOut: r.residualLayer("conv256_down_out", 256, 256),

		fc: r.tensor("fc", 256, Dim),
	}
	if r.err != nil {
		return nil, r.err
	}
	if extra := len(w) - r.used; extra != 0 {
		return nil, fmt.Errorf("facerec: %d weights beyond the %d the network uses; is this the face recognition model?", extra, r.used)
	}
	return p, nil
}
