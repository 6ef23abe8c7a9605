//go:build js && wasm

package main

import (
	"math"
	"syscall/js"

	"visage/core/face"
	"visage/core/learn"
)

// setHead(json | null) → {kind, threshold, higherIsSame} | null: a head
// from `visage train-triplet` or `train-pairs` that verify and identify
// decide with from now on (its score and threshold; the gallery's distance
// threshold no longer decides); null goes back to plain distance. A head
// that does not parse or does not take 128-number descriptors rejects and
// leaves the current one.
func (a *api) setHead(args []js.Value) (any, error) {
	v := arg(args, 0)
	if v.IsNull() || v.IsUndefined() {
		a.head = nil
		return nil, nil
	}
	text, err := stringOf(v, "setHead: json")
	if err != nil {
		return nil, err
	}
	h := &learn.Head{}
	if err := h.UnmarshalJSON([]byte(text)); err != nil {
		return nil, err
	}
	if err := h.CheckDescriptors(); err != nil {
		return nil, err
	}
	a.head = h
	return map[string]any{"kind": h.Kind, "threshold": h.Threshold, "higherIsSame": h.HigherIsSame()}, nil
}

// headJS is the head part of a verify or identify result: the head's score
// of the chosen person (null when no one is enrolled), its threshold and
// which way the score points.
func (a *api) headJS(score float64) map[string]any {
	r := map[string]any{"kind": a.head.Kind, "score": score, "threshold": a.head.Threshold, "higherIsSame": a.head.HigherIsSame()}
	if math.IsInf(score, 0) || math.IsNaN(score) {
		r["score"] = nil
	}
	return r
}

// decide(a, b) → {distance, match, threshold, head?}: whether two
// descriptors show one person, decided as verify decides: with the head when
// one is set (its score against its threshold), else the distance against
// the gallery's threshold.
func (a *api) decide(args []js.Value) (any, error) {
	x, y, err := descriptorPair(args)
	if err != nil {
		return nil, err
	}
	d := face.Distance(x, y)
	r := map[string]any{"distance": d, "match": d < a.gallery.Threshold(), "threshold": a.gallery.Threshold()}
	if a.head != nil {
		same, score := a.head.Same(x, y)
		r["match"], r["head"] = same, a.headJS(score)
	}
	return r, nil
}
