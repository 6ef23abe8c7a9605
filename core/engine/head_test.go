package engine

import (
	"math"
	"testing"

	"visage/core/face"
	"visage/core/learn"
)

// classifierJSON is a pair classifier over dim numbers whose
// P(same) = σ(1 − ‖a − b‖₁), threshold 0.5: same when the L1 distance is
// below 1.
func classifierJSON(t *testing.T, dim int) *string {
	c := learn.NewPairClassifier(learn.AbsDiff, dim)
	for k := range c.W.Value {
		c.W.Value[k] = -1
	}
	c.B.Value[0] = 1
	data, err := (&learn.Head{Kind: learn.KindPairs, Pairs: c, Threshold: 0.5}).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	return &s
}

// TestSetHead: with a head, Verify's match and Identify's name follow the
// head (larger P(same) is same) where plain distance would decide
// otherwise, and Decide decides alike; distance and threshold stay plain
// distance's; a bad head is an error and keeps the current one; nil goes
// back to plain distance.
func TestSetHead(t *testing.T) {
	e := faked()
	enrollAdaBob(t, e)
	sigma := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	// (1, 60) is 0.6 from Ada in both L2 and L1: no match at plain distance's 0.6, P = σ(0.4) for the head.
	plain := func(when string) {
		t.Helper()
		if v := must(t, e.Verify, "Ada", pixel(1, 60)); v.Match || v.Head != nil {
			t.Errorf("verify %s: match %v head %+v, want false and no head", when, v.Match, v.Head)
		}
		if got := must(t, e.Identify, pixel(1, 60)); got[0].Head != nil {
			t.Errorf("identify %s: %+v, want no head", when, got[0])
		}
	}
	plain("without a head")
	info := must(t, e.SetHead, classifierJSON(t, face.DescriptorLen))
	if info == nil || info.Kind != learn.KindPairs || info.Threshold != 0.5 || !info.HigherIsSame {
		t.Errorf("setHead = %+v, want kind %s threshold 0.5 higherIsSame", info, learn.KindPairs)
	}
	ada, _ := e.faces(pixel(1, 0).Tensor, true)
	atAda, _ := e.faces(pixel(1, 60).Tensor, true)
	withHead := func(when string) {
		t.Helper()
		v := must(t, e.Verify, "Ada", pixel(1, 60))
		if h := v.Head; !v.Match || !near(v.Distance, 0.6) || v.Threshold != 0.6 || h == nil ||
			!near(h.Score, sigma(0.4)) || h.Threshold != 0.5 || !h.HigherIsSame {
			t.Fatalf("%s: verify = %+v head %+v; want match, distance 0.6, threshold 0.6, head σ(0.4) at 0.5", when, v, v.Head)
		}
		f := must(t, e.Identify, pixel(1, 60))[0]
		if nameOf(f.Named) != "Ada" || !near(f.Distance, 0.6) || f.Head == nil || !near(f.Head.Score, sigma(0.4)) {
			t.Errorf("%s: identify = %+v; want Ada at 0.6, head σ(0.4)", when, f)
		}
		f = must(t, e.Identify, pixel(2, 0))[0] // L1 2 from both
		if f.Name != nil || !near(f.Distance, math.Sqrt2) || f.Head == nil || !near(f.Head.Score, sigma(-1)) {
			t.Errorf("%s: identify a stranger = %+v; want no one at √2, head σ(−1)", when, f)
		}
		if d := must(t, e.Decide, Descriptor(ada[0].Encoding), Descriptor(atAda[0].Encoding)); !d.Match || !near(d.Distance, 0.6) || d.Head == nil || !near(d.Head.Score, sigma(0.4)) {
			t.Errorf("%s: decide = %+v; want the head's match at distance 0.6, σ(0.4)", when, d)
		}
	}
	withHead("with the head")
	for _, bad := range []string{*classifierJSON(t, 64), `{"format":"visage-head"}`, `not json`} {
		if got, err := call(e.SetHead, &bad); err == nil {
			t.Errorf("setHead(%.30s…) = %+v, want an error", bad, got)
		}
	}
	rejects(t, "setHead of a 64-input head", second(call(e.SetHead, classifierJSON(t, 64))), "128-number face descriptors")
	withHead("after rejected heads")
	if got := must(t, e.SetHead, (*string)(nil)); got != nil {
		t.Errorf("setHead(nil) = %+v, want nil", got)
	}
	plain("after setHead(nil)")
	if d := must(t, e.Decide, Descriptor(ada[0].Encoding), Descriptor(atAda[0].Encoding)); d.Match || d.Head != nil {
		t.Errorf("decide after setHead(nil) = %+v; want plain distance's no match, no head", d)
	}
}
