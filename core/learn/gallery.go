package learn

import (
	"fmt"
	"math"

	"visage/core/face"
)

// Verify is face.Gallery.Verify with the head's score and threshold: score
// is that of name's best descriptor (the smallest embedding distance, or the
// largest P(same)) and match says whether it passes h.Threshold. A nil head
// is the gallery's own Verify (plain distance, g.Threshold()).
func (h *Head) Verify(g *face.Gallery, name string, enc []float32) (match bool, score float64, err error) {
	if h == nil {
		return g.Verify(name, enc)
	}
	samples := g.Descriptors(name)
	if samples == nil {
		return false, 0, fmt.Errorf("learn: no one called %q is enrolled", name)
	}
	if err := face.CheckDescriptor(enc); err != nil {
		return false, 0, err
	}
	score = h.best(enc, samples)
	return h.accepts(score), score, nil
}

// Identify is face.Gallery.Identify with the head's score and threshold:
// the person whose best descriptor scores best against enc, that score, and
// whether it passes h.Threshold. With no one enrolled the score is the worst
// possible (+Inf for a distance, −Inf for a probability); when enc is not a
// descriptor it is NaN. Either way ok is false and name is "". A nil head is
// the gallery's own Identify.
func (h *Head) Identify(g *face.Gallery, enc []float32) (name string, score float64, ok bool) {
	if h == nil {
		return g.Identify(enc)
	}
	score = math.Inf(1)
	if h.HigherIsSame() {
		score = math.Inf(-1)
	}
	if face.CheckDescriptor(enc) != nil {
		return "", math.NaN(), false
	}
	for _, n := range g.Names() {
		if s := h.best(enc, g.Descriptors(n)); h.better(s, score) {
			name, score = n, s
		}
	}
	if name == "" || !h.accepts(score) {
		return "", score, false
	}
	return name, score, true
}

// best returns the best of enc's scores against samples.
func (h *Head) best(enc []float32, samples [][]float32) float64 {
	best := math.NaN()
	for _, s := range samples {
		if v, _ := h.Score(enc, s); math.IsNaN(best) || h.better(v, best) {
			best = v
		}
	}
	return best
}

// better reports whether score a is more "same" than b.
func (h *Head) better(a, b float64) bool {
	if h.HigherIsSame() {
		return a > b
	}
	return a < b
}

// accepts reports whether score passes the head's threshold (strictly, as
// face.Gallery does).
func (h *Head) accepts(score float64) bool { return h.better(score, h.threshold()) }

// Identified is identify's answer for one descriptor (IdentifyMargin).
type Identified struct {
	Name string // the person named; "" when no one is
	// Distance is the plain distance to the named person's closest sample,
	// or to the nearest person's when no one is named; +Inf when no one is
	// enrolled.
	Distance float64
	// RuleScore is the margin rule's d1 − margin·(d2 − d1)
	// (face.Gallery.IdentifyMargin), whoever decides; +Inf or NaN when no
	// one is enrolled or enc is not a descriptor.
	RuleScore float64
	// HeadScore is the head's score of its best person (Identify); NaN
	// without a head.
	HeadScore float64
}

// IdentifyMargin is identify's decision for enc in g: the margin rule at
// threshold and margin (face.Gallery.IdentifyMargin), or, when h is set,
// the head's (Identify), with the plain distance beside it.
func (h *Head) IdentifyMargin(g *face.Gallery, enc []float32, threshold, margin float64) Identified {
	var r Identified
	var ok bool
	r.Name, r.Distance, r.RuleScore, ok = g.IdentifyMargin(enc, threshold, margin)
	r.HeadScore = math.NaN()
	if h != nil {
		if r.Name, r.HeadScore, ok = h.Identify(g, enc); ok {
			_, r.Distance, _ = g.Verify(r.Name, enc)
		} else {
			_, r.Distance, _ = g.Identify(enc)
		}
	}
	if !ok {
		r.Name = ""
	}
	return r
}
