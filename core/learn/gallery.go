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
