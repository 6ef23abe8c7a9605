package ssd

import (
	"fmt"
	"math"

	"visage/core/tensor"
)

// bnEpsilon is the batch-norm epsilon face-api.js uses in MobileNetV1's
// depthwise layers (float32(0.001) widened to float64).
const bnEpsilon = 0.0010000000474974513

// PointwiseConv is a conv whose batch norm was folded into an offset:
// conv (same padding, Stride) + Offset, then ReLU6.
type PointwiseConv struct {
	Filters *tensor.Tensor // [kh,kw,Cin,Cout]
	Offset  []float32      // [Cout]
	Stride  int
}

// DepthwiseConv is a 3x3 depthwise conv (same padding, Stride) followed by
// batch norm, folded here into one per-channel Scale and Bias, then ReLU6.
type DepthwiseConv struct {
	Filters     *tensor.Tensor // [3,3,C,1]
	Scale, Bias []float32      // [C]
	Stride      int
}

// ConvPair is one MobileNetV1 block: depthwise then pointwise.
type ConvPair struct {
	Depthwise DepthwiseConv
	Pointwise PointwiseConv
}

// ConvBias is a plain 1x1 conv (same padding, stride 1) with bias: the box
// and class predictors.
type ConvBias struct {
	Filters *tensor.Tensor
	Bias    []float32
}

// BoxPredictor holds the two 1x1 heads attached to one feature map.
type BoxPredictor struct {
	BoxEncoding ConvBias // → anchors×4 channels
	Class       ConvBias // → anchors×3 channels (background, face, unused)
}

// Params mirrors face-api.js's NetParams for SsdMobilenetv1: what another
// implementation of the network (visage/wasm/webgpu/ssdgpu) runs, reading
// the layers as forward does.
type Params struct {
	Conv0      PointwiseConv // MobilenetV1/Conv2d_0 (3x3 stride 2)
	MobileNet  [13]ConvPair  // MobilenetV1/Conv2d_1..13
	Prediction [8]PointwiseConv
	Predictors [6]BoxPredictor
	Anchors    []float32 // Output/extra_dim, [numAnchors*4]: ymin, xmin, ymax, xmax
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

func (r *weightReader) pointwise(prefix string, idx, stride int) PointwiseConv {
	f := r.get(fmt.Sprintf("%s/Conv2d_%d_pointwise/weights", prefix, idx), 4)
	if f == nil {
		return PointwiseConv{}
	}
	return PointwiseConv{f, r.vector(fmt.Sprintf("%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, idx), f.Shape[3]), stride}
}

func (r *weightReader) depthwise(idx, stride int) DepthwiseConv {
	p := fmt.Sprintf("MobilenetV1/Conv2d_%d_depthwise", idx)
	f := r.get(p+"/depthwise_weights", 4)
	if f == nil {
		return DepthwiseConv{}
	}
	c := f.Shape[2]
	gamma := r.vector(p+"/BatchNorm/gamma", c)
	beta := r.vector(p+"/BatchNorm/beta", c)
	mean := r.vector(p+"/BatchNorm/moving_mean", c)
	variance := r.vector(p+"/BatchNorm/moving_variance", c)
	if r.err != nil {
		return DepthwiseConv{}
	}
	// tf.batchNorm: (x-mean) * gamma/sqrt(var+eps) + beta.
	scale := make([]float32, c)
	bias := make([]float32, c)
	for i := range c {
		s := float64(gamma[i]) / math.Sqrt(float64(variance[i])+bnEpsilon)
		scale[i] = float32(s)
		bias[i] = float32(float64(beta[i]) - float64(mean[i])*s)
	}
	return DepthwiseConv{f, scale, bias, stride}
}

func (r *weightReader) convBias(prefix string) ConvBias {
	f := r.get(prefix+"/weights", 4)
	if f == nil {
		return ConvBias{}
	}
	return ConvBias{f, r.vector(prefix+"/biases", f.Shape[3])}
}

// extractParams builds the parameters from a loaded weight map, with the
// names face-api.js's extractParamsFromWeightMap uses, and the strides of
// face-api.js's mobileNetV1 and predictionLayer.
func extractParams(m map[string]*tensor.Tensor) (*Params, error) {
	r := &weightReader{m: m}
	p := &Params{Conv0: r.pointwise("MobilenetV1", 0, 2)}
	for i := range p.MobileNet {
		layer, stride := i+1, 1
		if layer == 2 || layer == 4 || layer == 6 || layer == 12 {
			stride = 2
		}
		p.MobileNet[i] = ConvPair{r.depthwise(layer, stride), r.pointwise("MobilenetV1", layer, 1)}
	}
	for i := range p.Prediction {
		p.Prediction[i] = r.pointwise("Prediction", i, 1+i%2) // stride 2 at the odd layers
	}
	for i := range p.Predictors {
		pre := fmt.Sprintf("Prediction/BoxPredictor_%d/", i)
		p.Predictors[i] = BoxPredictor{r.convBias(pre + "BoxEncodingPredictor"), r.convBias(pre + "ClassPredictor")}
	}
	anchors := r.get("Output/extra_dim", 3)
	if r.err != nil {
		return nil, r.err
	}
	if anchors.Shape[0] != 1 || anchors.Shape[2] != 4 {
		return nil, fmt.Errorf("ssd: weight \"Output/extra_dim\": expected shape [1,N,4], found %v", anchors.Shape)
	}
	p.Anchors = anchors.Data
	return p, nil
}
