package ssd

import (
	"fmt"
	"math"

	"visage/core/backend"
	"visage/core/tensor"
)

// bnEpsilon is the batch-norm epsilon face-api.js uses in MobileNetV1's
// depthwise layers (float32(0.001) widened to float64).
const bnEpsilon = 0.0010000000474974513

// The network's parameters, named as face-api.js's NetParams for
// SsdMobilenetv1, on a backend whose tensors are T (see upload).

// pointwiseConv is a conv whose batch norm was folded into an offset:
// conv (same padding, stride) + offset, then ReLU6.
type pointwiseConv[T any] struct {
	filters T // [kh,kw,Cin,Cout]
	offset  T // [Cout]
	stride  int
}

// depthwiseConv is a 3x3 depthwise conv (same padding, stride) followed by
// batch norm, folded here into one per-channel scale and bias, then ReLU6.
type depthwiseConv[T any] struct {
	filters     T // [3,3,C,1]
	scale, bias T // [C]
	stride      int
}

// convPair is one MobileNetV1 block: depthwise then pointwise.
type convPair[T any] struct {
	depthwise depthwiseConv[T]
	pointwise pointwiseConv[T]
}

// convBias is a plain 1x1 conv (same padding, stride 1) with bias: the box
// and class predictors.
type convBias[T any] struct {
	filters, bias T
}

// boxPredictor holds the two 1x1 heads attached to one feature map.
type boxPredictor[T any] struct {
	boxEncoding convBias[T] // → anchors×4 channels
	class       convBias[T] // → anchors×3 channels (background, face, unused)
}

// netParams is the network on one backend.
type netParams[T any] struct {
	conv0      pointwiseConv[T] // MobilenetV1/Conv2d_0 (3x3 stride 2)
	mobileNet  [13]convPair[T]  // MobilenetV1/Conv2d_1..13
	prediction [8]pointwiseConv[T]
	predictors [6]boxPredictor[T]
	// anchors [anchors×4] (ymin, xmin, ymax, xmax, relative; the weight
	// Output/extra_dim) stay on the host: the boxes are decoded there.
	anchors []float32
}

// upload returns p with each tensor put through w: the network moved to
// w's backend.
func upload[T any](w *backend.Weights[T], p *netParams[*tensor.Tensor]) *netParams[T] {
	put := w.Upload
	pw := func(c pointwiseConv[*tensor.Tensor]) pointwiseConv[T] {
		return pointwiseConv[T]{put(c.filters), put(c.offset), c.stride}
	}
	cb := func(c convBias[*tensor.Tensor]) convBias[T] { return convBias[T]{put(c.filters), put(c.bias)} }
	q := &netParams[T]{conv0: pw(p.conv0), anchors: p.anchors}
	for i, pair := range p.mobileNet {
		dw := pair.depthwise
		q.mobileNet[i] = convPair[T]{depthwiseConv[T]{put(dw.filters), put(dw.scale), put(dw.bias), dw.stride}, pw(pair.pointwise)}
	}
	for i, c := range p.prediction {
		q.prediction[i] = pw(c)
	}
	for i, bp := range p.predictors {
		q.predictors[i] = boxPredictor[T]{cb(bp.boxEncoding), cb(bp.class)}
	}
	return q
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

func (r *weightReader) vector(name string, n int) *tensor.Tensor {
	t := r.get(name, 1)
	if t == nil {
		return nil
	}
	if t.Shape[0] != n {
		r.err = fmt.Errorf("ssd: weight %q: expected %d values, found %d", name, n, t.Shape[0])
		return nil
	}
	return t
}

func (r *weightReader) pointwise(prefix string, idx, stride int) pointwiseConv[*tensor.Tensor] {
	f := r.get(fmt.Sprintf("%s/Conv2d_%d_pointwise/weights", prefix, idx), 4)
	if f == nil {
		return pointwiseConv[*tensor.Tensor]{}
	}
	return pointwiseConv[*tensor.Tensor]{f, r.vector(fmt.Sprintf("%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, idx), f.Shape[3]), stride}
}

func (r *weightReader) depthwise(idx, stride int) depthwiseConv[*tensor.Tensor] {
	p := fmt.Sprintf("MobilenetV1/Conv2d_%d_depthwise", idx)
	f := r.get(p+"/depthwise_weights", 4)
	if f == nil {
		return depthwiseConv[*tensor.Tensor]{}
	}
	c := f.Shape[2]
	gamma := r.vector(p+"/BatchNorm/gamma", c)
	beta := r.vector(p+"/BatchNorm/beta", c)
	mean := r.vector(p+"/BatchNorm/moving_mean", c)
	variance := r.vector(p+"/BatchNorm/moving_variance", c)
	if r.err != nil {
		return depthwiseConv[*tensor.Tensor]{}
	}
	// tf.batchNorm: (x-mean) * gamma/sqrt(var+eps) + beta.
	scale, bias := tensor.New(c), tensor.New(c)
	for i := range c {
		s := float64(gamma.Data[i]) / math.Sqrt(float64(variance.Data[i])+bnEpsilon)
		scale.Data[i] = float32(s)
		bias.Data[i] = float32(float64(beta.Data[i]) - float64(mean.Data[i])*s)
	}
	return depthwiseConv[*tensor.Tensor]{f, scale, bias, stride}
}

func (r *weightReader) convBias(prefix string) convBias[*tensor.Tensor] {
	f := r.get(prefix+"/weights", 4)
	if f == nil {
		return convBias[*tensor.Tensor]{}
	}
	return convBias[*tensor.Tensor]{f, r.vector(prefix+"/biases", f.Shape[3])}
}

// extractParams builds the parameters from a loaded weight map, with the
// names face-api.js's extractParamsFromWeightMap uses, and the strides of
// face-api.js's mobileNetV1 and predictionLayer; the anchors are
// Output/extra_dim, [1,numAnchors,4]: ymin, xmin, ymax, xmax.
func extractParams(m map[string]*tensor.Tensor) (*netParams[*tensor.Tensor], error) {
	r := &weightReader{m: m}
	p := &netParams[*tensor.Tensor]{conv0: r.pointwise("MobilenetV1", 0, 2)}
	for i := range p.mobileNet {
		layer, stride := i+1, 1
		if layer == 2 || layer == 4 || layer == 6 || layer == 12 {
			stride = 2
		}
		p.mobileNet[i] = convPair[*tensor.Tensor]{r.depthwise(layer, stride), r.pointwise("MobilenetV1", layer, 1)}
	}
	for i := range p.prediction {
		p.prediction[i] = r.pointwise("Prediction", i, 1+i%2) // stride 2 at the odd layers
	}
	for i := range p.predictors {
		pre := fmt.Sprintf("Prediction/BoxPredictor_%d/", i)
		p.predictors[i] = boxPredictor[*tensor.Tensor]{r.convBias(pre + "BoxEncodingPredictor"), r.convBias(pre + "ClassPredictor")}
	}
	a := r.get("Output/extra_dim", 3)
	if r.err != nil {
		return nil, r.err
	}
	if a.Shape[0] != 1 || a.Shape[2] != 4 {
		return nil, fmt.Errorf("ssd: weight \"Output/extra_dim\": expected shape [1,N,4], found %v", a.Shape)
	}
	p.anchors = a.Data
	return p, nil
}
