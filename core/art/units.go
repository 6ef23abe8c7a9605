package art

import (
	"cmp"
	"slices"

	"visage/core/tensor"
)

// This file finds, over a stream of images, the inputs that excite a layer's
// units most (Zeiler & Fergus's figure): each unit keeps its k strongest
// images, so memory depends on k and the number of channels, never on the
// number of images.

// Hit is one image's strongest response of a unit: where, and how strong.
type Hit struct {
	Image int     `js:"image"` // the image's index in the stream
	Y     int     `js:"y"`     // the unit's position in the layer's activation
	X     int     `js:"x"`
	Value float32 `js:"value"` // the activation there
}

// TopUnits keeps, for every channel of one layer, the k images whose
// largest activation of that channel is strongest, with the position of
// that activation.
type TopUnits struct {
	k    int
	hits [][]Hit // per channel, strongest first, at most k
}

// NewTopUnits returns an empty TopUnits keeping k hits per channel.
func NewTopUnits(k int) *TopUnits { return &TopUnits{k: k} }

// Add takes image number image's activation act ([H,W,C], post-ReLU) of the
// layer: for each channel, its largest value (the first in row-major order
// on ties) joins the channel's hits if it is among the k strongest so far
// (ties: the earlier image stays ahead). A channel silent in act (nothing
// above 0) gains nothing.
func (t *TopUnits) Add(image int, act *tensor.Tensor) {
	w, nc := act.Shape[1], act.Shape[2]
	if t.hits == nil {
		t.hits = make([][]Hit, nc)
	}
	best := make([]float32, nc)
	at := make([]int, nc)
	for i := range at {
		at[i] = -1
	}
	for i, v := range act.Data {
		if c := i % nc; v > best[c] {
			best[c], at[c] = v, i/nc
		}
	}
	for c := range nc {
		if at[c] < 0 {
			continue
		}
		h := Hit{Image: image, Y: at[c] / w, X: at[c] % w, Value: best[c]}
		hs := t.hits[c]
		if len(hs) == t.k && hs[len(hs)-1].Value >= h.Value {
			continue
		}
		i, _ := slices.BinarySearchFunc(hs, h, func(a, b Hit) int {
			if a.Value > b.Value || a.Value == b.Value && a.Image <= b.Image {
				return -1
			}
			return 1
		})
		hs = slices.Insert(hs, i, h)
		if len(hs) > t.k {
			hs = hs[:t.k]
		}
		t.hits[c] = hs
	}
}

// Hits returns channel c's hits, strongest first (nil before any Add or for
// a channel never active).
func (t *TopUnits) Hits(c int) []Hit {
	if c < 0 || c >= len(t.hits) {
		return nil
	}
	return t.hits[c]
}

// Units returns the n channels whose k-th strongest hit is strongest (those
// with fewer than k hits last), so that each shows k striking patches;
// ties go to the lower channel.
func (t *TopUnits) Units(n int) []int {
	order := make([]int, len(t.hits))
	for i := range order {
		order[i] = i
	}
	kth := func(c int) float32 {
		if len(t.hits[c]) < t.k {
			return -1
		}
		return t.hits[c][t.k-1].Value
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(kth(b), kth(a)) })
	return order[:min(max(n, 0), len(order))]
}
