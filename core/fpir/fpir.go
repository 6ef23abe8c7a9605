// Package fpir chooses identify's distance threshold for a target FPIR (the
// share of strangers given a name) at the gallery's size, from the curves
// `visage identify-eval` measured on LFW (curves.go, generated from the
// committed report by `go generate ./core/fpir`).
//
// A fixed threshold names more strangers as the gallery grows: each stranger
// gets K chances to fall near someone. The measured curves hold, for each
// target FPIR and gallery size K, the threshold set on calibration people and
// the FPIR and FNIR it gave on test people disjoint from them, one-shot
// enrollment, plain nearest-neighbour rule, dlib descriptors. Between two
// measured sizes everything is interpolated linearly in log K; outside them
// the nearest measured size is used and Expected.Note says so.
package fpir

//go:generate go run ./gencurves -out curves.go ../../testdata/results/identify-lfw-both-mirror.json

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"visage/core/face"
)

// DefaultTarget is identify's target FPIR when none is given: about 1
// stranger in 100 given a name.
const DefaultTarget = 0.01

// Point is one gallery size's measurement at one target FPIR.
// The js tags are the browser API's (web/visage.d.ts's IdentifyRule), which
// reports a point's rates only.
type Point struct {
	K         int     `js:"-"`    // people enrolled
	Threshold float64 `js:"-"`    // the distance threshold set on the calibration people
	FPIR      float64 `js:"fpir"` // strangers given a name at Threshold, on the test people
	FNIR      float64 `js:"fnir"` // enrolled people not given their own name at Threshold
}

// Curve is one target FPIR's points, by increasing K.
type Curve struct {
	Target float64
	Points []Point
}

// Curves are the curves of every measured target.
type Curves []Curve

// Expected is what the curves say of one target FPIR at one gallery size.
type Expected struct {
	Point // K is the size asked about; the rest interpolated or clamped
	// Target is the target FPIR asked for.
	Target float64 `js:"target"`
	// Note is empty within the measured sizes; outside them it says which
	// measured size's values are given and which way the truth lies.
	Note string `js:"note"`
}

// Targets returns the measured target FPIRs.
func (c Curves) Targets() []float64 {
	out := make([]float64, len(c))
	for i, cv := range c {
		out[i] = cv.Target
	}
	return out
}

// At returns the threshold and rates for target at a gallery of k people
// (k ≥ 0). target must be one of the measured targets (within 1e-9
// relatively); anything else is an error naming them.
func (c Curves) At(k int, target float64) (Expected, error) {
	cv, err := c.curve(target)
	if err != nil {
		return Expected{}, err
	}
	if k < 0 {
		return Expected{}, fmt.Errorf("fpir: gallery size must be 0 or more, found %d", k)
	}
	pts := cv.Points
	first, last := pts[0], pts[len(pts)-1]
	e := Expected{Target: cv.Target}
	switch {
	case k <= first.K:
		e.Point = first
		if k < first.K {
			e.Note = fmt.Sprintf("measured from %d people up: the values at %d, though fewer strangers are named among fewer people", first.K, first.K)
		}
	case k >= last.K:
		e.Point = last
		if k > last.K {
			e.Note = fmt.Sprintf("measured up to %d people: the values at %d, though more strangers are named among more people", last.K, last.K)
		}
	default:
		i := 1
		for pts[i].K < k {
			i++
		}
		a, b := pts[i-1], pts[i]
		f := (math.Log(float64(k)) - math.Log(float64(a.K))) / (math.Log(float64(b.K)) - math.Log(float64(a.K)))
		lerp := func(x, y float64) float64 { return x + f*(y-x) }
		e.Point = Point{Threshold: lerp(a.Threshold, b.Threshold), FPIR: lerp(a.FPIR, b.FPIR), FNIR: lerp(a.FNIR, b.FNIR)}
	}
	e.K = k
	return e, nil
}

// curve returns target's curve.
func (c Curves) curve(target float64) (Curve, error) {
	for _, cv := range c {
		if math.Abs(cv.Target-target) <= 1e-9*cv.Target && len(cv.Points) > 0 {
			return cv, nil
		}
	}
	names := make([]string, len(c))
	for i, cv := range c {
		names[i] = strconv.FormatFloat(cv.Target, 'g', -1, 64)
	}
	return Curve{}, fmt.Errorf("fpir: target FPIR must be one of the measured %s, found %v", strings.Join(names, ", "), target)
}

// Rule is how identify decides for one gallery.
type Rule struct {
	// Threshold decides: the nearest person is named when the score
	// d1 − Margin·(d2 − d1) is below it (d1, d2: the distances to the
	// nearest and the second-nearest person; face.Gallery.IdentifyMargin).
	Threshold float64 `js:"threshold"`
	// Margin is the measured rule's α (Margin of curves.go); 0, the plain
	// nearest-neighbour rule, where the gallery's own threshold decides.
	Margin float64 `js:"margin"`
	// Expected is the curves' word at the gallery's size when they chose
	// Threshold; nil when the gallery's own threshold decides.
	Expected *Expected `js:"expected"`
	// Why says in words where Threshold came from.
	Why string `js:"why"`
}

// For returns identify's rule for g at the target FPIR, the first that
// applies of:
//  1. g's threshold, when someone chose it: it is not g's encoder's default
//     (face.EncoderThreshold; the page's slider, setThreshold, a file's
//     distanceThreshold);
//  2. g's threshold, when g holds another encoder's descriptors than
//     dlib's, which are the only ones measured;
//  3. Measured's threshold for target at g's size (At).
//
// A caller's explicit threshold for one request (the CLI's --threshold)
// comes before all three. target must be a measured one, whichever applies.
func For(g *face.Gallery, target float64) (Rule, error) {
	e, err := Measured.At(g.Len(), target)
	if err != nil {
		return Rule{}, err
	}
	switch t := g.Threshold(); {
	case t != face.EncoderThreshold(g.Encoder()):
		return Rule{Threshold: t, Why: fmt.Sprintf("the gallery's threshold %v, chosen instead of the default %v", t, face.EncoderThreshold(g.Encoder()))}, nil
	case g.Encoder() != face.EncoderDlib:
		return Rule{Threshold: t, Why: fmt.Sprintf("the gallery's threshold %v (identification is measured for %s descriptors only)", t, face.EncoderDlib)}, nil
	}
	return Rule{Threshold: e.Threshold, Margin: Margin, Expected: &e,
		Why: fmt.Sprintf("calibrated for FPIR %v with %d people enrolled", target, g.Len())}, nil
}
