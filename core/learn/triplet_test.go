package learn

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// 1-D embeddings: label 0 at 0 and 1; label 1 at 0.4, 1.2 and 3.
func TestMineTripletsByHand(t *testing.T) {
	emb := &Matrix{5, 1, []float64{0, 1, 0.4, 1.2, 3}}
	labels := []int{0, 0, 1, 1, 1}
	rng := rand.New(rand.NewPCG(1, 1))
	find := func(ts []Triplet, a, p int) int {
		for _, tr := range ts {
			if tr.A == a && tr.P == p {
				return tr.N
			}
		}
		t.Fatalf("no triplet with anchor %d positive %d in %v", a, p, ts)
		return -1
	}
	for _, c := range []struct {
		m       Mining
		a, p, n int
	}{
		// a=0, p=1, d_ap=1; d_an: row2 0.16, row3 1.44, row4 9.
		{Hard, 0, 1, 2}, {SemiHard, 0, 1, 3},
		// a=1, p=0, d_ap=1; d_an: row2 0.36, row3 0.04, row4 4.
		{Hard, 1, 0, 3}, {SemiHard, 1, 0, 4},
		// a=2, p=3, d_ap=0.64; d_an: row0 0.16, row1 0.36: no semi-hard, take the farthest.
		{Hard, 2, 3, 0}, {SemiHard, 2, 3, 1},
	} {
		ts := MineTriplets(emb, labels, c.m, rng)
		if len(ts) != 8 {
			t.Fatalf("%v: %d triplets, want 2 + 3·2 = 8", c.m, len(ts))
		}
		if n := find(ts, c.a, c.p); n != c.n {
			t.Errorf("%v: anchor %d positive %d got negative %d, want %d", c.m, c.a, c.p, n, c.n)
		}
	}
	ts := MineTriplets(emb, labels, Random, rng)
	for _, tr := range ts {
		if labels[tr.N] == labels[tr.A] || labels[tr.P] != labels[tr.A] || tr.A == tr.P {
			t.Errorf("random: bad triplet %+v", tr)
		}
	}
	if again := MineTriplets(emb, labels, Random, rand.New(rand.NewPCG(1, 1))); len(again) != 8 {
		t.Errorf("random: %d triplets", len(again))
	}
	if m, err := ParseMining("semi-hard"); err != nil || m != SemiHard {
		t.Errorf("ParseMining: %v %v", m, err)
	}
	if _, err := ParseMining("soft"); err == nil {
		t.Error("ParseMining accepted soft")
	}
}

func TestBatchSampler(t *testing.T) {
	// Identity 7 has one sample and never takes part.
	labels := []int{0, 0, 0, 1, 1, 7, 2, 2, 2, 2, 2}
	s, err := NewBatchSampler(labels, 2, 3, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples() != 10 {
		t.Errorf("Samples = %d, want 10", s.Samples())
	}
	for range 20 {
		b := s.Batch()
		count := map[int]int{}
		for _, i := range b {
			count[labels[i]]++
		}
		sorted := slices.Clone(b)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(b) || len(count) != 2 || count[7] != 0 {
			t.Fatalf("batch %v: want 2 identities (not 7), distinct samples", b)
		}
		for l, n := range count {
			if want := min(3, map[int]int{0: 3, 1: 2, 2: 5}[l]); n != want {
				t.Errorf("batch %v: identity %d has %d samples, want %d", b, l, n, want)
			}
		}
	}
	if _, err := NewBatchSampler([]int{0, 0, 1}, 2, 2, nil); err == nil {
		t.Error("one identity with 2 samples: no error")
	}
	if _, err := NewBatchSampler(labels, 1, 2, nil); err == nil {
		t.Error("P=1: no error")
	}
}

func TestPairSampler(t *testing.T) {
	labels := []int{0, 0, 1, 2, 2, 2}
	s, err := NewPairSampler(labels, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		a, b, same := s.Pair(i)
		if same != (i%2 == 0) || (labels[a] == labels[b]) != same || (same && a == b) {
			t.Fatalf("pair %d: %d,%d same=%v (labels %d,%d)", i, a, b, same, labels[a], labels[b])
		}
	}
	if _, err := NewPairSampler([]int{0, 1, 2}, nil); err == nil {
		t.Error("no identity with 2 samples: no error")
	}
}

func BenchmarkMineSemiHard(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	emb := randMatrix(rng, 160, 64)
	labels := make([]int, 160)
	for i := range labels {
		labels[i] = i / 4
	}
	for b.Loop() {
		MineTriplets(emb, labels, SemiHard, rng)
	}
}
