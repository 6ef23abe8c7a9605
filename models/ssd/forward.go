package ssd

import (
	"math"

	"visage/core/ops"
	"visage/core/tensor"
)

// heads runs the network on a normalized [512,512,3] input and returns the
// six box predictors' outputs, as face-api.js's forwardInput: the box
// encodings and the class logits (see Heads).
func (n *Net) heads(x *tensor.Tensor) (enc, cls []float32, err error) {
	p := n.p
	out := pointwise(x, p.Conv0)
	var conv11 *tensor.Tensor
	for i, pair := range p.MobileNet {
		out = pointwise(depthwise(out, pair.Depthwise), pair.Pointwise)
		if i+1 == 11 {
			conv11 = out
		}
	}
	pr := p.Prediction
	conv0 := pointwise(out, pr[0])
	conv1 := pointwise(conv0, pr[1])
	conv2 := pointwise(conv1, pr[2])
	conv3 := pointwise(conv2, pr[3])
	conv4 := pointwise(conv3, pr[4])
	conv5 := pointwise(conv4, pr[5])
	conv6 := pointwise(conv5, pr[6])
	conv7 := pointwise(conv6, pr[7])
	for i, feat := range []*tensor.Tensor{conv11, out, conv1, conv3, conv5, conv7} {
		bp := p.Predictors[i]
		enc = append(enc, ops.Conv2D(feat, bp.BoxEncoding.Filters, bp.BoxEncoding.Bias, 1, 1, ops.Same).Data...)
		cls = append(cls, ops.Conv2D(feat, bp.Class.Filters, bp.Class.Bias, 1, 1, ops.Same).Data...)
	}
	return enc, cls, nil
}

// pointwise is face-api.js's pointwiseConvLayer: conv (same) + offset, ReLU6.
func pointwise(x *tensor.Tensor, c PointwiseConv) *tensor.Tensor {
	return ops.ReLU6(ops.Conv2D(x, c.Filters, c.Offset, c.Stride, c.Stride, ops.Same))
}

// depthwise is face-api.js's depthwiseConvLayer: depthwise conv (same),
// batch norm, ReLU6.
func depthwise(x *tensor.Tensor, c DepthwiseConv) *tensor.Tensor {
	out := ops.DepthwiseConv2D(x, c.Filters, nil, c.Stride, c.Stride, ops.Same)
	return ops.ReLU6(ops.ScaleBias(out, c.Scale, c.Bias))
}

// decodeBoxes turns per-anchor encodings (ty, tx, th, tw) into relative
// corners (ymin, xmin, ymax, xmax) against the anchors (ymin, xmin, ymax,
// xmax), with face-api.js's scale factors 10 (centre) and 5 (size).
func decodeBoxes(anchors, enc []float32) [][4]float64 {
	n := len(anchors) / 4
	if len(enc) != 4*n {
		panic("ssd: box encodings do not match the anchors")
	}
	boxes := make([][4]float64, n)
	for i := range boxes {
		a, e := anchors[4*i:4*i+4], enc[4*i:4*i+4]
		ah, aw := float64(a[2]-a[0]), float64(a[3]-a[1])
		acy, acx := float64(a[0])+ah/2, float64(a[1])+aw/2
		cy := float64(e[0])/10*ah + acy
		cx := float64(e[1])/10*aw + acx
		hh := math.Exp(float64(e[2])/5) * ah / 2
		hw := math.Exp(float64(e[3])/5) * aw / 2
		boxes[i] = [4]float64{cy - hh, cx - hw, cy + hh, cx + hw}
	}
	return boxes
}

// faceScores takes the sigmoid of class 1 (face) from [anchors×3] logits.
func faceScores(cls []float32) []float64 {
	s := make([]float64, len(cls)/3)
	for i := range s {
		s[i] = 1 / (1 + math.Exp(-float64(cls[3*i+1])))
	}
	return s
}
