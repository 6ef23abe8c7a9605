package openset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func vec(xs ...float32) []float32 { return xs }

// TestRunAndRatesByHand: three people enrolled at the corners of a square,
// probes placed so that every distance is known.
//
//	A (0,0) enrolled; probe A2 (0.1,0): d1 0.1 (A), d2 0.9 (B): rank 1
//	B (1,0) enrolled; probe B2 (0.3,0): d1 0.3 (A), d2 0.7 (B): rank 2
//	C (0,1) enrolled; probe C2 without a face: a miss
//	X (2,2), never enrolled: d1 √5 (B or C), d2 √5
//	Y (0,0.25), never enrolled: d1 0.25 (A), d2 0.75 (C)
func TestRunAndRatesByHand(t *testing.T) {
	tr := &Trial{
		Gallery: map[string][]Sample{
			"A": {{"A", "a1", vec(0, 0)}}, "B": {{"B", "b1", vec(1, 0)}}, "C": {{"C", "c1", vec(0, 1)}},
		},
		Enrolled: []string{"A", "B", "C"},
		Mated:    []Sample{{"A", "a2", vec(0.1, 0)}, {"B", "b2", vec(0.3, 0)}, {"C", "c2", nil}},
		NonMated: []Sample{{"X", "x1", vec(2, 2)}, {"Y", "y1", vec(0, 0.25)}},
	}
	s := Run(tr, BestSample, nil)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	if s[0].Rank != 1 || s[0].First != "A" || !near(s[0].D1, 0.1) || !near(s[0].D2, 0.9) {
		t.Errorf("A2: %+v, want rank 1, nearest A at 0.1, then 0.9", s[0])
	}
	if s[1].Rank != 2 || s[1].First != "A" || !near(s[1].D1, 0.3) || !near(s[1].D2, 0.7) {
		t.Errorf("B2: %+v, want rank 2, nearest A at 0.3, then 0.7", s[1])
	}
	if s[2].Rank != 0 || !s[2].NoFace() {
		t.Errorf("C2 without a face: %+v, want rank 0", s[2])
	}
	if s[4].First != "A" || !near(s[4].D1, 0.25) || !near(s[4].D2, 0.75) {
		t.Errorf("Y: %+v, want A at 0.25, then 0.75", s[4])
	}
	if r1, r5 := RankRate(s, 1), RankRate(s, 5); !near(r1, 1.0/3) || !near(r5, 2.0/3) {
		t.Errorf("rank-1 %v, rank-5 %v; want 1/3 and 2/3", r1, r5)
	}
	plain := Rule{Name: "nearest"}
	// At 0.4: A2 named A (hit), B2 named A (miss), C2 miss; Y named A (false
	// positive), X not: FNIR 2/3, FPIR 1/2.
	if got := plain.At(s, 0.4); !near(got.FNIR, 2.0/3) || !near(got.FPIR, 0.5) {
		t.Errorf("nearest at 0.4: %+v, want FNIR 2/3, FPIR 1/2", got)
	}
	// At 0.2 Y is rejected: FPIR 0, and A2 is still named.
	if got := plain.At(s, 0.2); !near(got.FNIR, 2.0/3) || got.FPIR != 0 {
		t.Errorf("nearest at 0.2: %+v, want FNIR 2/3, FPIR 0", got)
	}
	// Margin α=1: score = 2·d1 − d2: A2 −0.7, B2 −0.1, X √2, Y −0.25. At 0:
	// A2 hit, B2 accepted as A (miss), Y accepted: FNIR 2/3, FPIR 1/2.
	margin := Rule{Name: "margin", Margin: 1}
	if got := margin.Score(s[4]); !near(got, -0.25) {
		t.Errorf("margin score of Y %v, want -0.25", got)
	}
	if got := margin.At(s, 0); !near(got.FNIR, 2.0/3) || !near(got.FPIR, 0.5) {
		t.Errorf("margin at 0: %+v", got)
	}
	// The non-mated scores are 0.25 (Y) and √5 (X): at most half named → the
	// 2nd smallest, √5; none named → the smallest, 0.25.
	if th := plain.ThresholdForFPIR(s, 0.5); !near(th, math.Sqrt(5)) {
		t.Errorf("threshold for FPIR 0.5: %v, want √5", th)
	}
	if th := plain.ThresholdForFPIR(s, 0.1); !near(th, 0.25) || plain.At(s, th).FPIR != 0 {
		t.Errorf("threshold for FPIR 0.1: %v, want 0.25 with FPIR 0", th)
	}
	det := plain.DET(s, 100)
	if len(det) != 4 || det[0].FPIR != 0 || !near(det[0].FNIR, 2.0/3) || !near(det[len(det)-1].FPIR, 1) {
		t.Errorf("DET %+v: want 4 points from FPIR 0 to 1", det)
	}
}

// TestRunMatchesBruteForce ranks random probes against a random gallery and
// compares every rank and distance with sorting all enrolled samples by hand.
func TestRunMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := func() []float32 {
		v := make([]float32, 8)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	var samples []Sample
	for p := range 40 {
		for i := range 1 + p%4 {
			samples = append(samples, Sample{Person: string(rune('A'+p%26)) + string(rune('a'+p/26)), Image: string(rune('0' + i)), Desc: rnd()})
		}
	}
	tr, err := NewTrial(samples, Options{K: 15, Enroll: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	// nil is Euclidean distance; a given dissimilarity (here L1) replaces it.
	l1 := func(a, b []float32) float64 {
		var sum float64
		for i := range a {
			sum += math.Abs(float64(a[i]) - float64(b[i]))
		}
		return sum
	}
	for _, dist := range []Dissimilarity{nil, l1} {
		for _, s := range Run(tr, BestSample, dist) {
			checkBruteForce(t, tr, s, dist != nil)
		}
	}
}

// checkBruteForce checks one search against ranking every enrolled person
// by hand, by Euclidean distance or with l1 by the sum of absolute
// differences.
func checkBruteForce(t *testing.T, tr *Trial, s Search, l1 bool) {
	t.Helper()
	type pd struct {
		p string
		d float64
	}
	var all []pd
	for _, p := range tr.Enrolled {
		best := math.Inf(1)
		for _, g := range tr.Gallery[p] {
			var sum float64
			for i := range g.Desc {
				d := float64(g.Desc[i]) - float64(s.Probe.Desc[i])
				if l1 {
					sum += math.Abs(d)
				} else {
					sum += d * d
				}
			}
			if !l1 {
				sum = math.Sqrt(sum)
			}
			best = math.Min(best, sum)
		}
		all = append(all, pd{p, best})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d < all[j].d })
	if s.First != all[0].p || math.Abs(s.D1-all[0].d) > 1e-9 || math.Abs(s.D2-all[1].d) > 1e-9 {
		t.Fatalf("probe %s: nearest %s %v then %v; brute force %v", s.Probe.Person, s.First, s.D1, s.D2, all[:2])
	}
	rank := slices.IndexFunc(all, func(x pd) bool { return x.p == s.Probe.Person }) + 1
	if s.Mated && s.Rank != rank || !s.Mated && s.Rank != 0 {
		t.Fatalf("probe %s: rank %d, brute force %d", s.Probe.Person, s.Rank, rank)
	}
}

// TestTrialAndSplit: the halves are disjoint and cover everyone; a trial
// enrolls K people with Enroll faces each, and every other sample is a probe
// of the right kind; the same seed gives the same trial.
func TestTrialAndSplit(t *testing.T) {
	var samples []Sample
	for p := range 30 {
		for i := range 1 + p%3 { // 1, 2 or 3 images
			var d []float32
			if !(p == 4 && i == 0) { // one image without a face
				d = vec(float32(p), float32(i))
			}
			samples = append(samples, Sample{Person: string(rune('a' + p)), Image: string(rune('0' + i)), Desc: d})
		}
	}
	cal, test := Split(samples, 0.5, 7)
	if len(cal)+len(test) != len(samples) {
		t.Fatalf("split %d + %d samples of %d", len(cal), len(test), len(samples))
	}
	inCal := map[string]bool{}
	for _, s := range cal {
		inCal[s.Person] = true
	}
	for _, s := range test {
		if inCal[s.Person] {
			t.Fatalf("%s is in both halves", s.Person)
		}
	}
	tr, err := NewTrial(samples, Options{K: 5, Enroll: 1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	// People with 2+ images: 20 of 30; person 4 (2 images, one faceless) still
	// qualifies (one face to enroll, one more image to probe).
	if tr.Enrollable != 20 || len(tr.Enrolled) != 5 {
		t.Errorf("enrollable %d, enrolled %d; want 20 and 5", tr.Enrollable, len(tr.Enrolled))
	}
	probes := 0
	for _, p := range tr.Enrolled {
		g := tr.Gallery[p]
		if len(g) != 1 || g[0].Desc == nil {
			t.Errorf("%s enrolled %+v, want one face", p, g)
		}
		probes++
	}
	for _, s := range tr.Mated {
		if _, ok := tr.Gallery[s.Person]; !ok {
			t.Errorf("mated probe of %s, who is not enrolled", s.Person)
		}
	}
	for _, s := range tr.NonMated {
		if _, ok := tr.Gallery[s.Person]; ok {
			t.Errorf("non-mated probe of %s, who is enrolled", s.Person)
		}
	}
	if probes+len(tr.Mated)+len(tr.NonMated) != len(samples) {
		t.Errorf("%d enrolled + %d mated + %d non-mated ≠ %d samples", probes, len(tr.Mated), len(tr.NonMated), len(samples))
	}
	again, _ := NewTrial(samples, Options{K: 5, Enroll: 1, Seed: 9})
	if !slices.Equal(again.Enrolled, tr.Enrolled) {
		t.Errorf("same seed enrolled %v then %v", tr.Enrolled, again.Enrolled)
	}
	// Up to 5 samples: a person with 3 images enrolls 2 and is probed with 1;
	// one with 2 images (one faceless) enrolls its face.
	multi, err := NewTrial(samples, Options{Enroll: 5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range multi.Enrolled {
		want := 2
		if p == "e" || (p[0]-'a')%3 == 1 {
			want = 1
		}
		if got := len(multi.Gallery[p]); got != want {
			t.Errorf("up to 5: %s enrolled %d samples, want %d", p, got, want)
		}
	}
	if len(multi.Enrolled) != 20 || len(multi.NonMated) != 10 {
		t.Errorf("up to 5 of everyone: %d enrolled, %d non-mated; want 20 and the 10 one-image people", len(multi.Enrolled), len(multi.NonMated))
	}
	if _, err := NewTrial(samples[:1], Options{Enroll: 1}); err == nil {
		t.Error("one image in all: no error")
	}
}

// synthetic returns people × images samples: each person a random centre in
// 16 dimensions, each image the centre plus noise of the given spread.
func synthetic(people, images int, spread float64, seed uint64) []Sample {
	rng := rand.New(rand.NewPCG(seed, 1))
	var out []Sample
	for p := range people {
		centre := make([]float64, 16)
		for i := range centre {
			centre[i] = rng.NormFloat64()
		}
		for im := range 1 + (p+im0(p))%images {
			d := make([]float32, 16)
			for i := range d {
				d[i] = float32(centre[i] + spread*rng.NormFloat64())
			}
			out = append(out, Sample{Person: fmt.Sprintf("p%03d", p), Image: fmt.Sprintf("%d", im), Desc: d})
		}
	}
	return out
}

func im0(p int) int { return p / 7 }

// TestEvaluateCalibratesOnDisjointPeople: with images that carry no identity
// at all (each a random point), the
// calibration and test halves' non-mated scores come from one distribution,
// so the threshold set on the calibration half gives the test half about the
// target FPIR; with tight clusters every mated probe is named at rank 1 and
// nobody else at the product's threshold.
func TestEvaluateCalibratesOnDisjointPeople(t *testing.T) {
	cfg := Config{Ks: []int{10, 50, 0}, Calibration: 0.5, Enroll: 1, Seed: 4, Default: 0.6, Targets: []float64{0.1, 0.01}, Margins: []float64{0.5, 1}, DETPoints: 50}
	noise := synthetic(600, 3, 0, 5)
	for i := range noise { // every image its own random point: no identity
		for j := range noise[i].Desc {
			noise[i].Desc[j] = float32(rand.New(rand.NewPCG(uint64(i), uint64(j))).NormFloat64())
		}
	}
	r, err := Evaluate(noise, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Galleries) != 3 || r.Galleries[0].K != 10 || r.Galleries[2].K != r.Galleries[2].Enrollable {
		t.Fatalf("galleries %+v: want K = 10, 50 and every enrollable person", r.Galleries)
	}
	for _, g := range r.Galleries {
		// A 10-person gallery is too few points for its score distribution to
		// match another 10 people's (0.159 measured); from 50 on it does.
		got := g.Rules[0].Calibrated[0].FPIR
		if g.K >= 50 && (got < 0.06 || got > 0.14) {
			t.Errorf("K=%d: FPIR %.3f on the test half at the threshold calibrated for 0.1", g.K, got)
		}
		if len(g.Rules) != 2 || g.Rules[1].Rule != "margin" || g.Rules[0].AtDefault == nil {
			t.Errorf("K=%d: rules %+v, want nearest (with the default's rates) and margin", g.K, g.Rules)
		}
	}
	tight, err := Evaluate(synthetic(300, 4, 0.05, 6), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range tight.Galleries {
		if at := g.Rules[0].AtDefault; g.Rank1 != 1 || at.FNIR != 0 || at.FPIR != 0 {
			t.Errorf("tight clusters, K=%d: rank-1 %v, at 0.6 %+v; want 1 and no errors", g.K, g.Rank1, at)
		}
	}
}

// TestFillWithSingles: 3 people with two faces and 10 with one (13 people).
// Without the option a gallery holds at most the 3; with it, people of one
// face make up the size asked for, each enrolled whole and never probed,
// until only a quarter of the people (4 of 13) are left as strangers.
func TestFillWithSingles(t *testing.T) {
	var samples []Sample
	for p := range 13 {
		n := 1
		if p < 3 {
			n = 2
		}
		for i := range n {
			samples = append(samples, Sample{Person: fmt.Sprintf("P%02d", p), Image: fmt.Sprint(i), Desc: vec(float32(p), float32(i))})
		}
	}
	for _, c := range []struct {
		k               int
		fill            bool
		enrolled, mated int
	}{{8, false, 3, 3}, {8, true, 8, 3}, {12, true, 9, 3}, {0, true, 3, 3}} {
		tr, err := NewTrial(samples, Options{K: c.k, Enroll: 1, Seed: 1, FillWithSingles: c.fill})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Enrolled) != c.enrolled || len(tr.Mated) != c.mated || len(tr.NonMated) != 16-c.enrolled-c.mated || tr.Enrollable != 3 {
			t.Errorf("K=%d fill %v: %d enrolled, %d mated, %d non-mated probes, %d enrollable; want %d, %d, %d, 3",
				c.k, c.fill, len(tr.Enrolled), len(tr.Mated), len(tr.NonMated), tr.Enrollable, c.enrolled, c.mated, 16-c.enrolled-c.mated)
		}
		for p, ss := range tr.Gallery {
			if len(ss) != 1 {
				t.Errorf("K=%d: %s enrolled with %d samples, want 1", c.k, p, len(ss))
			}
		}
	}
}
