package ssd

import (
	"fmt"
	"math"

	"visage/core/tensor"
)

// bnEpsilon is the batch-norm epsilon face-api.js uses in MobileNetV1's
// depthwise layers (float32(0.001) widened to float64).
const bnEpsilon = 0.0010000000474974513

// pointwiseConv is a conv whose batch norm was folded into an offset:
// conv (same padding) + offset, then ReLU6.
type pointwiseConv struct {
	filters *tensor.Tensor // [kh,kw,Cin,Cout]
	offset  []float32      // [Cout]
}

// depthwiseConv is a 3x3 depthwise conv followed by batch norm, folded here
// into one per-channel scale and bias, then ReLU6.
type depthwiseConv struct {
	filters     *tensor.Tensor // [3,3,C,1]
	scale, bias []float32      // [C]
}

// convPair is one MobileNetV1 block: depthwise then pointwise.
type convPair struct {
	depthwise depthwiseConv
	pointwise pointwiseConv
}

// convBias is a plain conv with bias (the box and class predictors).
type convBias struct {
	filters *tensor.Tensor
	bias    []float32
}

// boxPredictor holds the two 1x1 heads attached to one feature map.
type boxPredictor struct {
	boxEncoding convBias // → anchors×4 channels
	class       convBias // → anchors×3 channels (background, face, unused)
}

// params mirrors face-api.js's NetParams for SsdMobilenetv1.
type params struct {
	conv0      pointwiseConv // MobilenetV1/Conv2d_0 (3x3 stride 2)
	mobilenet  [13]convPair  // MobilenetV1/Conv2d_1..13
	prediction [8]pointwiseConv
	predictors [6]boxPredictor
	anchors    []float32 // Output/extra_dim, [numAnchors*4]: ymin, xmin, ymax, xmax
}

// weightReader takes named tensors out of a weight map, checking shapes and
// remembering the first error so extraction reads as a list.
type weightReader struct {
	m   map[string]*tensor.Tensor
	err error
}

func (r *weightReader) get(name string, rank int) *tensor.Tensor {
	if r.err != nil {
		return nil
	}
	t, ok := r.m[name]
	if !ok {
		r.err = fmt.Errorf("ssd: weight %q missing from the manifest", name)
		return nil
	}
	if t.Rank() != rank {
		r.err = fmt.Errorf("ssd: weight %q: expected rank %d, found shape %v", name, rank, t.Shape)
		return nil
	}
	return t
}

func (r *weightReader) vector(name string, n int) []float32 {
	t := r.get(name, 1)
	if t == nil {
		return nil
	}
	if t.Shape[0] != n {
		r.err = fmt.Errorf("ssd: weight %q: expected %d values, found %d", name, n, t.Shape[0])
		return nil
	}
	return t.Data
}

func (r *weightReader) pointwise(prefix string, idx int) pointwiseConv {
	f := r.get(fmt.Sprintf("%s/Conv2d_%d_pointwise/weights", prefix, idx), 4)
	if f == nil {
		return pointwiseConv{}
	}
	return pointwiseConv{f, r.vector(fmt.Sprintf("%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, idx), f.Shape[3])}
}

func (r *weightReader) depthwise(idx int) depthwiseConv {
	p := fmt.Sprintf("MobilenetV1/Conv2d_%d_depthwise", idx)
	f := r.get(p+"/depthwise_weights", 4)
	if f == nil {
		return depthwiseConv{}
	}
	c := f.Shape[2]
	gamma := r.vector(p+"/BatchNorm/gamma", c)
	beta := r.vector(p+"/BatchNorm/beta", c)
	mean := r.vector(p+"/BatchNorm/moving_mean", c)
	variance := r.vector(p+"/BatchNorm/moving_variance", c)
	if r.err != nil {
		return depthwiseConv{}
	}
	// tf.batchNorm: (x-mean) * gamma/sqrt(var+eps) + beta.
	scale := make([]float32, c)
	bias := make([]float32, c)
	for i := range c {
		s := float64(gamma[i]) / math.Sqrt(float64(variance[i])+bnEpsilon)
		scale[i] = float32(s)
		bias[i] = float32(float64(beta[i]) - float64(mean[i])*s)
	}
	return depthwiseConv{f, scale, bias}
}

func (r *weightReader) convBias(prefix string) convBias {
	f := r.get(prefix+"/weights", 4)
	if f == nil {
		return convBias{}
	}
	return convBias{f, r.vector(prefix+"/biases", f.Shape[3])}
}

// extractParams builds the parameters from a loaded weight map, with the
// names face-api.js's extractParamsFromWeightMap uses.
func extractParams(m map[string]*tensor.Tensor) (*params, error) {
	r := &weightReader{m: m}
	p := &params{conv0: r.pointwise("MobilenetV1", 0)}
	for i := range p.mobilenet {
		p.mobilenet[i] = convPair{r.depthwise(i + 1), r.pointwise("MobilenetV1", i+1)}
	}
	for i := range p.prediction {
		p.prediction[i] = r.pointwise("Prediction", i)
	}
	for i := range p.predictors {
		pre := fmt.Sprintf("Prediction/BoxPredictor_%d/", i)
		p.predictors[i] = boxPredictor{r.convBias(pre + "BoxEncodingPredictor"), r.convBias(pre + "ClassPredictor")}
	}
	anchors := r.get("Output/extra_dim", 3)
	if r.err != nil {
		return nil, r.err
	}
	if anchors.Shape[0] != 1 || anchors.Shape[2] != 4 {
		return nil, fmt.Errorf("ssd: weight \"Output/extra_dim\": expected shape [1,N,4], found %v", anchors.Shape)
	}
	p.anchors = anchors.Data
	return p, nil
}
