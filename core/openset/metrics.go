package openset

import (
	"math"
	"sort"
)

// Rule turns a search into the score a threshold decides on: the nearest
// person is returned when the score is below the threshold, and otherwise
// the probe is "not recognized".
type Rule struct {
	Name string
	// Margin is α in score = d1 − α·(d2 − d1): with α > 0 a probe about as
	// close to two people is held back. α = 0 is the plain nearest-neighbour
	// rule, score = d1.
	Margin float64
}

// Score returns r's score of s: +Inf without a face.
func (r Rule) Score(s Search) float64 {
	if s.NoFace() {
		return math.Inf(1)
	}
	if r.Margin == 0 || math.IsInf(s.D2, 1) {
		return s.D1
	}
	return s.D1 - r.Margin*(s.D2-s.D1)
}

// Rates are the open-set error rates at one threshold.
type Rates struct {
	Threshold float64 `json:"threshold"`
	// FPIR is the share of non-mated probes given a name.
	FPIR float64 `json:"fpir"`
	// FNIR is the share of mated probes not given their own name (named
	// someone else, not recognized, or no face).
	FNIR float64 `json:"fnir"`
}

// At returns r's rates over searches at threshold t.
func (r Rule) At(searches []Search, t float64) Rates {
	var mated, nonMated, missed, falsePos int
	for _, s := range searches {
		accepted := r.Score(s) < t
		if s.Mated {
			mated++
			if !(accepted && s.Rank == 1) {
				missed++
			}
		} else {
			nonMated++
			if accepted {
				falsePos++
			}
		}
	}
	return Rates{t, ratio(falsePos, nonMated), ratio(missed, mated)}
}

// ThresholdForFPIR returns the largest threshold at which at most a share
// fpir of the non-mated searches are given a name: with the non-mated
// scores sorted, the (⌊fpir·N⌋+1)-th smallest (+Inf when fewer have a face).
func (r Rule) ThresholdForFPIR(searches []Search, fpir float64) float64 {
	var scores []float64
	n := 0
	for _, s := range searches {
		if !s.Mated {
			n++
			if sc := r.Score(s); !math.IsInf(sc, 1) {
				scores = append(scores, sc)
			}
		}
	}
	sort.Float64s(scores)
	m := int(math.Floor(fpir * float64(n)))
	if m >= len(scores) {
		return math.Inf(1)
	}
	return scores[m]
}

// RankRate returns the share of mated searches whose person is within the
// first k ranks (a probe without a face is a miss).
func RankRate(searches []Search, k int) float64 {
	var mated, hit int
	for _, s := range searches {
		if s.Mated {
			mated++
			if s.Rank >= 1 && s.Rank <= k {
				hit++
			}
		}
	}
	return ratio(hit, mated)
}

// DET returns r's rates at up to points thresholds where they change: just
// above distinct scores, spread evenly over them, from the strictest to the
// most lenient (the last accepts every score).
func (r Rule) DET(searches []Search, points int) []Rates {
	var ts []float64
	for _, s := range searches {
		if sc := r.Score(s); !math.IsInf(sc, 1) {
			ts = append(ts, math.Nextafter(sc, math.Inf(1)))
		}
	}
	sort.Float64s(ts)
	ts = compact(ts)
	if len(ts) > points && points > 1 {
		picked := make([]float64, points)
		for i := range picked {
			picked[i] = ts[i*(len(ts)-1)/(points-1)]
		}
		ts = picked
	}
	out := make([]Rates, 0, len(ts))
	for _, t := range ts {
		out = append(out, r.At(searches, t))
	}
	return out
}

func compact(xs []float64) []float64 {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}
