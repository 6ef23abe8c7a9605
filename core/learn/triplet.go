package learn

import (
	"fmt"
	"math/rand/v2"
)

// Triplet indexes three rows of a batch: an anchor, a positive (same
// identity) and a negative (another identity).
type Triplet struct{ A, P, N int }

// TripletLoss returns L = Σ_t max(‖a−p‖² − ‖a−n‖² + margin, 0) over the
// triplets of rows of emb, the number of triplets with a positive loss, and
// dL/demb (a new matrix shaped like emb). A triplet exactly at the hinge
// contributes no gradient.
func TripletLoss(emb *Matrix, triplets []Triplet, margin float64) (loss float64, active int, grad *Matrix) {
	grad = NewMatrix(emb.Rows, emb.Cols)
	for _, t := range triplets {
		a, p, n := emb.Row(t.A), emb.Row(t.P), emb.Row(t.N)
		l := sqDist(a, p) - sqDist(a, n) + margin
		if l <= 0 {
			continue
		}
		loss += l
		active++
		ga, gp, gn := grad.Row(t.A), grad.Row(t.P), grad.Row(t.N)
		for i := range a {
			// ∂/∂a = 2(n−p), ∂/∂p = 2(p−a), ∂/∂n = 2(a−n).
			ga[i] += 2 * (n[i] - p[i])
			gp[i] += 2 * (p[i] - a[i])
			gn[i] += 2 * (a[i] - n[i])
		}
	}
	return loss, active, grad
}

// Mining says how MineTriplets picks the negative of each anchor-positive pair.
type Mining int

const (
	// SemiHard picks, as in FaceNet, the closest negative that is still
	// farther from the anchor than the positive (‖a−n‖² > ‖a−p‖²); when there
	// is none it takes the farthest negative, as TensorFlow Addons'
	// triplet_semihard_loss does, rather than a hard one that could collapse
	// the embedding early in training.
	SemiHard Mining = iota
	// Hard picks the negative closest to the anchor.
	Hard
	// Random picks a negative uniformly: the baseline without mining.
	Random
)

// ParseMining reads "semi-hard", "hard" or "random".
func ParseMining(s string) (Mining, error) {
	for m := SemiHard; m <= Random; m++ {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("learn: mining must be semi-hard, hard or random, found %q", s)
}

// String returns the name ParseMining reads.
func (m Mining) String() string {
	return [...]string{"semi-hard", "hard", "random"}[m]
}

// MineTriplets returns, for every ordered anchor-positive pair of rows of emb
// with the same label, one triplet whose negative (a row with another label)
// is chosen by the strategy from the current embeddings. rng is used only by
// Random. Anchors without a positive or without a negative in the batch
// give no triplet.
func MineTriplets(emb *Matrix, labels []int, m Mining, rng *rand.Rand) []Triplet {
	var ts []Triplet
	// All squared distances once: each anchor's row is read by every one
	// of its positives.
	rows := len(labels)
	dd := make([]float64, rows*rows)
	for i := range rows {
		for j := i + 1; j < rows; j++ {
			dd[i*rows+j] = sqDist(emb.Row(i), emb.Row(j))
			dd[j*rows+i] = dd[i*rows+j]
		}
	}
	var negs []int
	for a := range labels {
		negs = negs[:0]
		for n := range labels {
			if labels[n] != labels[a] {
				negs = append(negs, n)
			}
		}
		if len(negs) == 0 {
			continue
		}
		for p := range labels {
			if p == a || labels[p] != labels[a] {
				continue
			}
			ts = append(ts, Triplet{a, p, pickNegative(negs, dd[a*rows+p], dd[a*rows:(a+1)*rows], m, rng)})
		}
	}
	return ts
}

// pickNegative applies the strategy m to the candidate negatives, given the
// anchor-positive distance dap and the anchor's distances to every row.
func pickNegative(negs []int, dap float64, dan []float64, m Mining, rng *rand.Rand) int {
	if m == Random {
		return negs[rng.IntN(len(negs))]
	}
	hard, semi, far := -1, -1, -1
	var dHard, dSemi, dFar float64
	for _, n := range negs {
		d := dan[n]
		if hard < 0 || d < dHard {
			hard, dHard = n, d
		}
		if far < 0 || d > dFar {
			far, dFar = n, d
		}
		if d > dap && (semi < 0 || d < dSemi) {
			semi, dSemi = n, d
		}
	}
	switch {
	case m == Hard:
		return hard
	case semi >= 0:
		return semi
	}
	return far
}

// BatchSampler draws identity-balanced batches: P identities, K samples each,
// as FaceNet and "In Defense of the Triplet Loss" do, so every batch has
// positives and negatives to mine.
type BatchSampler struct {
	byLabel [][]int // sample indices of each identity with at least 2 samples
	p, k    int
	rng     *rand.Rand
}

// NewBatchSampler indexes labels (one per sample). Only identities with at
// least two samples take part. It fails when fewer than two such identities
// exist or p < 2 or k < 2.
func NewBatchSampler(labels []int, p, k int, rng *rand.Rand) (*BatchSampler, error) {
	if p < 2 || k < 2 {
		return nil, fmt.Errorf("learn: a batch needs at least 2 identities × 2 samples, given %d × %d", p, k)
	}
	byLabel, _ := groupsOf(labels)
	if len(byLabel) < 2 {
		return nil, fmt.Errorf("learn: triplets need at least 2 identities with 2 or more samples, found %d", len(byLabel))
	}
	return &BatchSampler{p: p, k: k, byLabel: byLabel, rng: rng}, nil
}

// Samples returns how many samples belong to the identities in play.
func (s *BatchSampler) Samples() int {
	n := 0
	for _, ids := range s.byLabel {
		n += len(ids)
	}
	return n
}

// Batch returns the sample indices of one batch: min(P, identities)
// distinct identities, and for each min(K, its samples) distinct samples.
func (s *BatchSampler) Batch() []int {
	var out []int
	who := s.rng.Perm(len(s.byLabel))[:min(s.p, len(s.byLabel))]
	for _, w := range who {
		ids := s.byLabel[w]
		for _, j := range s.rng.Perm(len(ids))[:min(s.k, len(ids))] {
			out = append(out, ids[j])
		}
	}
	return out
}
