package ssd

import (
	"math"

	"visage/core/backend"
	"visage/core/ops"
)

// heads runs the network on b from a normalized [512,512,3] input x, which
// it releases, as face-api.js's forwardInput, and returns the six box
// predictors' outputs: their box encodings [h,w,anchors×4] then their class
// logits [h,w,anchors×3], in predictor order (the anchors' order). The
// caller owns them.
func heads[T any](b backend.Backend[T], p *netParams[T], x T) []T {
	out := then(b, x, pointwise(b, x, p.conv0))
	// Pair i is Conv2d_(i+1), its input out Conv2d_i's output; Conv2d_11's
	// is kept for its box predictor.
	var conv11 T
	for i, pair := range p.mobileNet {
		dw := depthwise(b, out, pair.depthwise)
		if i != 11 {
			b.Release(out)
		}
		out = then(b, dw, pointwise(b, dw, pair.pointwise))
		if i+1 == 11 {
			conv11 = out
		}
	}
	// The box predictors see conv11, the base's output and the odd
	// prediction layers' outputs (conv1, conv3, conv5, conv7).
	features := []T{conv11, out}
	for i, c := range p.prediction {
		next := pointwise(b, out, c)
		if i%2 == 1 {
			b.Release(out) // conv0, conv2, …: no predictor of their own
			features = append(features, next)
		}
		out = next
	}
	enc := make([]T, len(features))
	cls := make([]T, len(features))
	for i, f := range features {
		bp := p.predictors[i]
		enc[i] = head(b, f, bp.boxEncoding)
		cls[i] = head(b, f, bp.class)
		b.Release(f)
	}
	return append(enc, cls...)
}

// pointwise is face-api.js's pointwiseConvLayer: conv (same) + offset,
// ReLU6, in one kernel; x is left alone.
func pointwise[T any](b backend.Backend[T], x T, c pointwiseConv[T]) T {
	return b.Conv2DFused(x, c.filters, c.offset, c.stride, c.stride, ops.Same, backend.Epilogue[T]{ReLU6: true})
}

// depthwise is face-api.js's depthwiseConvLayer: depthwise conv (same),
// batch norm, ReLU6, in one kernel; x is left alone.
func depthwise[T any](b backend.Backend[T], x T, c depthwiseConv[T]) T {
	var noBias T
	return b.DepthwiseConv2DFused(x, c.filters, noBias, c.stride, c.stride, ops.Same,
		backend.Epilogue[T]{Scale: c.scale, Shift: c.bias, ReLU6: true})
}

// head is one of a box predictor's heads: a 1x1 conv with bias; x is left
// alone.
func head[T any](b backend.Backend[T], x T, c convBias[T]) T {
	return b.Conv2DFused(x, c.filters, c.bias, 1, 1, ops.Same, backend.Epilogue[T]{})
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed.
func then[T any](b backend.Backend[T], done, next T) T {
	b.Release(done)
	return next
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
