package learn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// FuzzHeadJSON: UnmarshalJSON never panics, and a head it accepts has a
// threshold in its kind's range, marshals, and reads back to a head that
// marshals to the same bytes and scores a pair identically.
func FuzzHeadJSON(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewPairClassifier(ChiSquare, 4)
	for k := range c.W.Value {
		c.W.Value[k] = rng.NormFloat64()
	}
	embedding := &Head{Kind: KindEmbedding, Threshold: 0.9, Info: map[string]any{"seed": 3.0, "mining": "semi-hard"},
		Net: &Sequential{Layers: []Layer{NewDense(4, 3, math.Sqrt2, rng), ReLU{}, NewDense(3, 2, 1, rng), L2Norm{}}}}
	for _, h := range []*Head{embedding, {Kind: KindPairs, Pairs: c, Threshold: 0.5}} {
		data, err := h.MarshalJSON()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	for _, seed := range []string{
		`{"format":"visage-head","version":1,"kind":"pair-classifier","feature":"abs","w":[1],"b":0,"threshold":-1,"higher_is_same":true}`,
		`{"format":"visage-head","version":1,"kind":"embedding","layers":[{"type":"dense","in":1,"out":1,"w":[1],"b":[0]},{"type":"l2norm"}],"threshold":2}`,
		`{"format":"visage-head","version":1,"kind":"embedding","layers":[{"type":"dense","in":0,"out":1,"b":[0]}],"threshold":1}`,
		`{"format":"visage-head","version":1,"kind":"embedding","layers":[{"type":"dense","in":2,"out":1,"w":[1],"b":[0]}],"threshold":1}`,
		`{"format":"visage-head","version":1,"kind":"magic"}`,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Head
		if err := h.UnmarshalJSON(data); err != nil {
			return
		}
		if err := h.CheckThreshold(h.Threshold); err != nil {
			t.Fatalf("accepted a head whose threshold is out of range: %v", err)
		}
		out, err := h.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a loaded head: %v", err)
		}
		var back Head
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("reading back %s: %v", out, err)
		}
		if again, err := back.MarshalJSON(); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("round trip changed the head:\n got %s (%v)\nwant %s", again, err, out)
		}
		a, b := make([]float32, h.InputDim()), make([]float32, h.InputDim())
		for i := range a {
			a[i], b[i] = float32(i%7)-3, float32(i%5)/2
		}
		s1, o1 := h.Score(a, b)
		s2, o2 := back.Score(a, b)
		if math.Float64bits(s1) != math.Float64bits(s2) && !(math.IsNaN(s1) && math.IsNaN(s2)) || o1 != o2 {
			t.Fatalf("scores %v/%v, after a round trip %v/%v", s1, o1, s2, o2)
		}
	})
}
