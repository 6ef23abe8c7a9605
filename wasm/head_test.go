//go:build js && wasm

package main

import (
	"math"
	"strings"
	"testing"

	"visage/core/face"
	"visage/core/learn"
	"visage/core/vault"
)

// classifierJSON is a pair classifier over dim numbers whose
// P(same) = σ(1 − ‖a − b‖₁), threshold 0.5: same when the L1 distance is
// below 1.
func classifierJSON(t *testing.T, dim int) string {
	c := learn.NewPairClassifier(learn.AbsDiff, dim)
	for k := range c.W.Value {
		c.W.Value[k] = -1
	}
	c.B.Value[0] = 1
	data, err := (&learn.Head{Kind: learn.KindPairs, Pairs: c, Threshold: 0.5}).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestSetHead: with a head, verify's match and identify's name follow the
// head (larger P(same) is same) where plain distance would decide
// otherwise; distance and threshold stay plain distance's; a bad head
// rejects and keeps the current one; null goes back to plain distance.
func TestSetHead(t *testing.T) {
	a := &api{live: fakeFinder{}, deciding: fakeFinder{}, enrolling: fakeFinder{}}
	a.setGallery(vault.InMemory())
	must(t, "enroll", call(a, "enroll", "Ada", pixel(1, 0)))
	must(t, "enroll", call(a, "enroll", "Bob", pixel(3, 0)))
	sigma := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	// (1, 60) is 0.6 from Ada in both L2 and L1: no match at plain distance's 0.6, P = σ(0.4) for the head.
	if v := must(t, "verify", call(a, "verify", "Ada", pixel(1, 60))); v.Get("match").Bool() || !v.Get("head").IsUndefined() {
		t.Fatalf("verify without a head: match %v head %v, want false and no head", v.Get("match"), v.Get("head"))
	}
	info := must(t, "setHead", call(a, "setHead", classifierJSON(t, face.DescriptorLen)))
	if info.Get("kind").String() != learn.KindPairs || info.Get("threshold").Float() != 0.5 || !info.Get("higherIsSame").Bool() {
		t.Errorf("setHead = kind %v threshold %v higherIsSame %v", info.Get("kind"), info.Get("threshold"), info.Get("higherIsSame"))
	}
	check := func(when string) {
		t.Helper()
		v := must(t, "verify", call(a, "verify", "Ada", pixel(1, 60)))
		h := v.Get("head")
		if !v.Get("match").Bool() || !near(v.Get("distance").Float(), 0.6) || v.Get("threshold").Float() != 0.6 ||
			!near(h.Get("score").Float(), sigma(0.4)) || h.Get("threshold").Float() != 0.5 || !h.Get("higherIsSame").Bool() {
			t.Errorf("%s: verify = match %v distance %v threshold %v head %v %v; want true 0.6 0.6 σ(0.4) 0.5",
				when, v.Get("match"), v.Get("distance"), v.Get("threshold"), h.Get("score"), h.Get("threshold"))
		}
		f := must(t, "identify", call(a, "identify", pixel(1, 60))).Index(0)
		if f.Get("name").String() != "Ada" || !near(f.Get("distance").Float(), 0.6) || !near(f.Get("head").Get("score").Float(), sigma(0.4)) {
			t.Errorf("%s: identify = %v at %v, head score %v; want Ada at 0.6, σ(0.4)", when, f.Get("name"), f.Get("distance"), f.Get("head").Get("score"))
		}
		f = must(t, "identify", call(a, "identify", pixel(2, 0))).Index(0) // L1 2 from both
		if !f.Get("name").IsNull() || !near(f.Get("distance").Float(), math.Sqrt2) || !near(f.Get("head").Get("score").Float(), sigma(-1)) {
			t.Errorf("%s: identify a stranger = %v at %v, head score %v; want null at √2, σ(−1)", when, f.Get("name"), f.Get("distance"), f.Get("head").Get("score"))
		}
	}
	check("with the head")
	for _, bad := range []any{classifierJSON(t, 64), `{"format":"visage-head"}`, 42} {
		if got := call(a, "setHead", bad); got.rejected == "" {
			t.Errorf("setHead(%.30v…) resolved, want a rejection", bad)
		}
	}
	if got := call(a, "setHead", classifierJSON(t, 64)); !strings.Contains(got.rejected, "128-number face descriptors") {
		t.Errorf("setHead of a 64-input head: %q", got.rejected)
	}
	check("after rejected heads")
	if got := must(t, "setHead(null)", call(a, "setHead", nil)); !got.IsNull() {
		t.Errorf("setHead(null) = %v, want null", got)
	}
	if v := must(t, "verify", call(a, "verify", "Ada", pixel(1, 60))); v.Get("match").Bool() || !v.Get("head").IsUndefined() {
		t.Errorf("verify after setHead(null): match %v head %v, want plain distance's false and no head", v.Get("match"), v.Get("head"))
	}
}
