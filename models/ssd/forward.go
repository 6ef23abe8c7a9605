package ssd

import (
	"math"

	"visage/core/ops"
	"visage/core/tensor"
)

// forward runs the network on a normalized [512,512,3] input and returns the
// decoded boxes (relative ymin, xmin, ymax, xmax per anchor) and the face
// score per anchor, as face-api.js's forwardInput + outputLayer.
func (n *Net) forward(x *tensor.Tensor) ([][4]float64, []float64) {
	p := n.p
	out := pointwise(x, p.conv0, 2)
	var conv11 *tensor.Tensor
	for i, pair := range p.mobilenet {
		layer := i + 1
		stride := 1
		if layer == 2 || layer == 4 || layer == 6 || layer == 12 {
			stride = 2
		}
		out = depthwise(out, pair.depthwise, stride)
		out = pointwise(out, pair.pointwise, 1)
		if layer == 11 {
			conv11 = out
		}
	}

	pr := p.prediction
	conv0 := pointwise(out, pr[0], 1)
	conv1 := pointwise(conv0, pr[1], 2)
	conv2 := pointwise(conv1, pr[2], 1)
	conv3 := pointwise(conv2, pr[3], 2)
	conv4 := pointwise(conv3, pr[4], 1)
	conv5 := pointwise(conv4, pr[5], 2)
	conv6 := pointwise(conv5, pr[6], 1)
	conv7 := pointwise(conv6, pr[7], 2)

	var enc, cls []float32
	for i, feat := range []*tensor.Tensor{conv11, out, conv1, conv3, conv5, conv7} {
		bp := p.predictors[i]
		enc = append(enc, ops.Conv2D(feat, bp.boxEncoding.filters, bp.boxEncoding.bias, 1, 1, ops.Same).Data...)
		cls = append(cls, ops.Conv2D(feat, bp.class.filters, bp.class.bias, 1, 1, ops.Same).Data...)
	}
	return decodeBoxes(p.anchors, enc), faceScores(cls)
}

// pointwise is face-api.js's pointwiseConvLayer: conv (same) + offset, ReLU6.
func pointwise(x *tensor.Tensor, c pointwiseConv, stride int) *tensor.Tensor {
	return ops.ReLU6(ops.Conv2D(x, c.filters, c.offset, stride, stride, ops.Same))
}

// depthwise is face-api.js's depthwiseConvLayer: depthwise conv (same),
// batch norm, ReLU6.
func depthwise(x *tensor.Tensor, c depthwiseConv, stride int) *tensor.Tensor {
	out := ops.DepthwiseConv2D(x, c.filters, nil, stride, stride, ops.Same)
	return ops.ReLU6(ops.ScaleBias(out, c.scale, c.bias))
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
