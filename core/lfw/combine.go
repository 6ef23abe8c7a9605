package lfw

import (
	"slices"

	"visage/core/face"
)

// fuseCaches is the cache of each image's descriptor in a followed by its
// descriptor in b (no face where either has none), for fusedScore.
func fuseCaches(a, b *EncodingCache) *EncodingCache {
	c := &EncodingCache{Encoder: a.Encoder + "+" + b.Encoder, Alignment: a.Alignment + "," + b.Alignment, Dim: a.dim() + b.dim()}
	return combineCaches(c, a, b, func(x, y []float32) []float32 { return slices.Concat(x, y) })
}

// meanCache is the cache of the mean descriptors of a and b (no face where
// either has none), tagged tag.
func meanCache(a, b *EncodingCache, tag string) *EncodingCache {
	c := &EncodingCache{Encoder: a.Encoder, Alignment: tag}
	return combineCaches(c, a, b, func(x, y []float32) []float32 { return face.MeanDescriptor(x, y) })
}

// combineCaches fills c with combine(x, y) for each image whose descriptor
// is x in a and y in b (no face where either has none; images b lacks are
// left out), and returns it.
func combineCaches(c, a, b *EncodingCache, combine func(x, y []float32) []float32) *EncodingCache {
	c.Images = map[string][]float32{}
	for rel, x := range a.Images {
		y, ok := b.Images[rel]
		switch {
		case !ok:
		case len(x) == 0 || len(y) == 0:
			c.Images[rel] = []float32{}
		default:
			c.Images[rel] = combine(x, y)
		}
	}
	return c
}

// fusedScore scores two fuseCaches descriptors of encoders e1 and e2: the
// mean of their two distances, each divided by its encoder's threshold, so
// that 1 is the fused threshold.
func fusedScore(e1, e2 string) func(a, b []float32) float64 {
	n := face.EncoderDim(e1)
	t1, t2 := face.EncoderThreshold(e1), face.EncoderThreshold(e2)
	return func(a, b []float32) float64 {
		return (face.Distance(a[:n], b[:n])/t1 + face.Distance(a[n:], b[n:])/t2) / 2
	}
}
