//go:build js && wasm

package main

import (
	"visage/core/face"
	"visage/core/learn"
)

// headInfo is setHead's result, and headScore the head part of verify's,
// identify's and decide's: the head's score of the chosen person (null
// when no one is enrolled), its threshold and which way the score points.
type (
	headInfo struct {
		Kind         string  `js:"kind"`
		Threshold    float64 `js:"threshold"`
		HigherIsSame bool    `js:"higherIsSame"`
	}
	headScore struct {
		headInfo
		Score float64 `js:"score,finite"`
	}
)

func (a *api) setHead(in *struct {
	JSON *string `js:"json"`
}) (any, error) {
	if in.JSON == nil {
		a.head = nil
		return nil, nil
	}
	h := &learn.Head{}
	if err := h.UnmarshalJSON([]byte(*in.JSON)); err != nil {
		return nil, err
	}
	if err := h.CheckDescriptors(); err != nil {
		return nil, err
	}
	a.head = h
	return headInfo{h.Kind, h.Threshold, h.HigherIsSame()}, nil
}

// headScore is the head's part of a result whose chosen person it scored
// score (infinite or NaN when no one is enrolled).
func (a *api) headScore(score float64) *headScore {
	return &headScore{headInfo{a.head.Kind, a.head.Threshold, a.head.HigherIsSame()}, score}
}

func (a *api) decide(in *pair) (any, error) {
	d := face.Distance(in.A, in.B)
	r := comparison{Distance: d, Match: d < a.gallery.Threshold(), Threshold: a.gallery.Threshold()}
	if a.head != nil {
		same, score := a.head.Same(in.A, in.B)
		r.Match, r.Head = same, a.headScore(score)
	}
	return r, nil
}
