package learn

import (
	"math"
	"testing"

	"visage/core/face"
)

// axisAt returns a descriptor that is v along dimension i and 0 elsewhere.
func axisAt(i int, v float32) []float32 {
	d := make([]float32, face.DescriptorLen)
	d[i] = v
	return d
}

// TestHeadGallery checks Verify and Identify through a pair classifier
// whose P(same) = σ(4 − 10·‖a − b‖₁) falls with the L1 distance (0.5 at
// 0.4): the best sample is the most probable, and larger is same.
func TestHeadGallery(t *testing.T) {
	c := NewPairClassifier(AbsDiff, face.DescriptorLen)
	for k := range c.W.Value {
		c.W.Value[k] = -10
	}
	c.B.Value[0] = 4
	h := &Head{Kind: KindPairs, Pairs: c, Threshold: 0.5}
	g := face.NewGallery()
	for _, e := range []struct {
		name string
		enc  []float32
	}{{"ada", axisAt(0, 1)}, {"ada", axisAt(0, 2)}, {"bob", axisAt(1, 1)}} {
		if err := g.Enroll(e.name, e.enc); err != nil {
			t.Fatal(err)
		}
	}
	sigma := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	probe := axisAt(0, 1.9) // L1 0.1 from ada's second sample, 0.9 from her first, 2.9 from bob
	if match, p, err := h.Verify(g, "ada", probe); err != nil || !match || math.Abs(p-sigma(3)) > 1e-6 {
		t.Errorf("Verify(ada) = %v, %v, %v; want a match at P = σ(3) (her closer sample)", match, p, err)
	}
	if match, p, err := h.Verify(g, "bob", probe); err != nil || match || math.Abs(p-sigma(4-29)) > 1e-6 {
		t.Errorf("Verify(bob) = %v, %v, %v; want no match at σ(−25)", match, p, err)
	}
	if _, _, err := h.Verify(g, "eve", probe); err == nil {
		t.Error("Verify of someone not enrolled: no error")
	}
	if name, p, ok := h.Identify(g, probe); name != "ada" || !ok || math.Abs(p-sigma(3)) > 1e-6 {
		t.Errorf("Identify = %q, %v, %v; want ada at σ(3)", name, p, ok)
	}
	far := axisAt(0, 1.5) // L1 0.5 from ada's samples: P = σ(−1) < 0.5
	if name, p, ok := h.Identify(g, far); name != "" || ok || math.Abs(p-sigma(-1)) > 1e-6 {
		t.Errorf("Identify(far) = %q, %v, %v; want no one, best P σ(−1)", name, p, ok)
	}
	if name, p, ok := h.Identify(face.NewGallery(), probe); name != "" || ok || !math.IsInf(p, -1) {
		t.Errorf("Identify in an empty gallery = %q, %v, %v; want no one at −Inf", name, p, ok)
	}
	if name, p, ok := h.Identify(g, axisAt(0, float32(math.NaN()))); name != "" || ok || !math.IsNaN(p) {
		t.Errorf("Identify of a NaN descriptor = %q, %v, %v; want no one at NaN", name, p, ok)
	}
	// A nil head is the gallery's own plain distance.
	var plain *Head
	if name, d, ok := plain.Identify(g, probe); name != "ada" || !ok || math.Abs(d-0.1) > 1e-6 {
		t.Errorf("nil head Identify = %q, %v, %v; want ada at distance 0.1", name, d, ok)
	}
	if match, d, err := plain.Verify(g, "bob", probe); err != nil || match || math.Abs(d-math.Hypot(1.9, 1)) > 1e-6 {
		t.Errorf("nil head Verify(bob) = %v, %v, %v; want no match at %v", match, d, err, math.Hypot(1.9, 1))
	}
}

// TestIdentifyMargin: without a head the margin rule decides; with one the
// head names (or not) while Distance stays the plain distance to the person
// named, or to the nearest when no one is.
func TestIdentifyMargin(t *testing.T) {
	g := face.NewGallery()
	for _, e := range []struct {
		name string
		enc  []float32
	}{{"ada", axisAt(0, 1)}, {"bob", axisAt(1, 1)}} {
		if err := g.Enroll(e.name, e.enc); err != nil {
			t.Fatal(err)
		}
	}
	probe := axisAt(0, 1.3) // 0.3 from ada, √(1.69 + 1) from bob
	d1, d2 := 0.3, math.Hypot(1.3, 1)
	var plain *Head
	r := plain.IdentifyMargin(g, probe, 0.5, 0.1)
	if r.Name != "ada" || math.Abs(r.Distance-d1) > 1e-6 || math.Abs(r.RuleScore-(d1-0.1*(d2-d1))) > 1e-6 || !math.IsNaN(r.HeadScore) {
		t.Errorf("no head: %+v, want ada at %v, rule score %v, no head score", r, d1, d1-0.1*(d2-d1))
	}
	if r := plain.IdentifyMargin(g, probe, 0.1, 0); r.Name != "" || math.Abs(r.Distance-d1) > 1e-6 {
		t.Errorf("no head, threshold 0.1: %+v, want no one, distance %v", r, d1)
	}
	// A classifier with P(same) = σ(4 − 10·‖a − b‖₁): ada at L1 0.3 passes
	// 0.5; at threshold 0.99 no one does.
	c := NewPairClassifier(AbsDiff, face.DescriptorLen)
	for k := range c.W.Value {
		c.W.Value[k] = -10
	}
	c.B.Value[0] = 4
	h := &Head{Kind: KindPairs, Pairs: c, Threshold: 0.5}
	sigma := 1 / (1 + math.Exp(-1.0))
	r = h.IdentifyMargin(g, probe, 0.01, 0) // the rule's threshold would name no one
	if r.Name != "ada" || math.Abs(r.HeadScore-sigma) > 1e-6 || math.Abs(r.Distance-d1) > 1e-6 {
		t.Errorf("head: %+v, want ada at P %v and distance %v", r, sigma, d1)
	}
	h.Threshold = 0.99
	if r := h.IdentifyMargin(g, axisAt(1, 1.6), 0.5, 0); r.Name != "" || math.Abs(r.Distance-0.6) > 1e-6 {
		t.Errorf("head at 0.99: %+v, want no one at the nearest's distance 0.6", r)
	}
}
