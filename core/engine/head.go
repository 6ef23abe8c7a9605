package engine

import (
	"visage/core/face"
	"visage/core/learn"
)

// HeadInfo is SetHead's result, and HeadScore the head's part of Verify's,
// Identify's and Decide's: the head's score of the chosen person (null
// when no one is enrolled), its threshold and which way the score points.
type (
	HeadInfo struct {
		Kind         string  `js:"kind"`
		Threshold    float64 `js:"threshold"`
		HigherIsSame bool    `js:"higherIsSame"`
	}
	HeadScore struct {
		HeadInfo
		Score float64 `js:"score,finite"`
	}
)

// SetHead makes the head in JSON (learn.Head's) decide Verify, Identify
// and Decide; nil goes back to plain distance. A head that cannot be read,
// or is not of face descriptors, keeps the current one.
func (e *Engine[T]) SetHead(in *struct {
	JSON *string `js:"json"`
}) (*HeadInfo, error) {
	if in.JSON == nil {
		e.head = nil
		return nil, nil
	}
	h := &learn.Head{}
	if err := h.UnmarshalJSON([]byte(*in.JSON)); err != nil {
		return nil, err
	}
	if err := h.CheckDescriptors(); err != nil {
		return nil, err
	}
	e.head = h
	return &HeadInfo{h.Kind, h.Threshold, h.HigherIsSame()}, nil
}

// headScore is the head's part of a result whose chosen person it scored
// score (infinite or NaN when no one is enrolled).
func (e *Engine[T]) headScore(score float64) *HeadScore {
	return &HeadScore{HeadInfo{e.head.Kind, e.head.Threshold, e.head.HigherIsSame()}, score}
}

// Decide compares two descriptors as Verify decides: at the gallery's
// threshold, or by the head when there is one.
func (e *Engine[T]) Decide(in *Pair) (Comparison, error) {
	d := face.Distance(in.A, in.B)
	r := Comparison{Distance: d, Match: d < e.gallery.Threshold(), Threshold: e.gallery.Threshold()}
	if e.head != nil {
		same, score := e.head.Same(in.A, in.B)
		r.Match, r.Head = same, e.headScore(score)
	}
	return r, nil
}
