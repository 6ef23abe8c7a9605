package face

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bruteIdentify is Identify as a plain scan of Distance over every
// descriptor, the first person in enrollment order winning ties.
func bruteIdentify(g *Gallery, enc []float32) (name string, dist, second float64) {
	name, dist, second = "", math.Inf(1), math.Inf(1)
	for _, p := range g.people {
		switch d := p.closest(enc); {
		case d < dist:
			name, dist, second = p.label, d, dist
		case d < second:
			second = d
		}
	}
	return name, dist, second
}

// TestIdentifyMatchesBruteForce: on random galleries with several samples
// per person, repeated descriptors (exact ties) and changes between
// searches (enroll, rename, remove, import), Identify names the person a
// plain scan of every descriptor names, at the same distance.
func TestIdentifyMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	rnd := func() []float32 {
		d := make([]float32, DescriptorLen)
		for i := range d {
			d[i] = float32(rng.NormFloat64() * 0.1)
		}
		return d
	}
	g := NewGallery()
	if err := g.SetThreshold(1); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for range 30 {
			q := rnd()
			if rng.IntN(3) == 0 && len(g.people) > 0 { // a probe equal to an enrolled sample
				p := g.people[rng.IntN(len(g.people))]
				q = append([]float32(nil), p.descriptors[0]...)
			}
			name, dist, ok := g.Identify(q)
			wantName, wantDist, wantSecond := bruteIdentify(g, q)
			if dist != wantDist || (ok && name != wantName) || ok != (wantDist < 1) {
				t.Fatalf("%s: Identify = %q %v %v, brute force %q %v", when, name, dist, ok, wantName, wantDist)
			}
			// The margin rule's second-nearest person, exactly.
			if _, _, second := g.nearest(q, true); second != wantSecond {
				t.Fatalf("%s: second-nearest person at %v, brute force %v", when, second, wantSecond)
			}
		}
	}
	check("empty")
	shared := rnd()
	for p := range 300 {
		for range 1 + p%3 {
			if err := g.Enroll(fmt.Sprint("p", p), rnd()); err != nil {
				t.Fatal(err)
			}
		}
		if p%50 == 0 { // the same descriptor for two people: a tie, the earlier wins
			g.Enroll(fmt.Sprint("p", p), shared)
		}
		if p%100 == 99 {
			check(fmt.Sprint("after ", p+1, " people"))
		}
	}
	// One more sample for an early person must not move the index's later
	// people (it once pointed p10's name at the last person).
	before := g.DescriptorCount("p10")
	if err := g.Enroll("p10", rnd()); err != nil || g.DescriptorCount("p10") != before+1 || g.DescriptorCount("p299") != 1+299%3 {
		t.Fatalf("enrolling p10 again: %v; p10 has %d samples (had %d), p299 %d", err, g.DescriptorCount("p10"), before, g.DescriptorCount("p299"))
	}
	if err := g.Rename("p7", "seven"); err != nil {
		t.Fatal(err)
	}
	if err := g.Remove("p3"); err != nil {
		t.Fatal(err)
	}
	check("after a rename and a removal")
	if g.DescriptorCount("seven") == 0 || g.DescriptorCount("p7") != 0 || g.DescriptorCount("p3") != 0 {
		t.Error("the index did not follow the rename and the removal")
	}
	data, err := g.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	h := NewGallery()
	if err := h.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	g = h
	check("after an import")
	if name, dist, ok := g.Identify(make([]float32, 5)); ok || name != "" || !math.IsNaN(dist) {
		t.Errorf("a 5-number query: %q %v %v, want NaN and no name", name, dist, ok)
	}
}

// BenchmarkIdentify100k identifies one face among 100,000 enrolled people.
func BenchmarkIdentify100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := NewGallery()
	var q []float32
	for p := range 100000 {
		d := make([]float32, DescriptorLen)
		for i := range d {
			d[i] = float32(rng.NormFloat64() * 0.1)
		}
		if err := g.Enroll(fmt.Sprint("p", p), d); err != nil {
			b.Fatal(err)
		}
		q = d
	}
	g.Identify(q) // builds the matrix
	for b.Loop() {
		g.Identify(q)
	}
}
