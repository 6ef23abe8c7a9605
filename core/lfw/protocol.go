package lfw

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/integrate"
	"gonum.org/v1/gonum/stat"
)

// Orientation says which way a verifier's score points.
type Orientation int

const (
	// SmallerIsSame is for distances: a pair is called "same" when score < threshold.
	SmallerIsSame Orientation = iota
	// LargerIsSame is for probabilities and similarities: "same" when score > threshold.
	LargerIsSame
)

// Accepts reports whether threshold t calls score "same". Both comparisons
// are strict, so a threshold equal to a score rejects it.
func (o Orientation) Accepts(score, t float64) bool {
	if o == LargerIsSame {
		return score > t
	}
	return score < t
}

// String returns "smaller-is-same" or "larger-is-same".
func (o Orientation) String() string {
	if o == LargerIsSame {
		return "larger-is-same"
	}
	return "smaller-is-same"
}

// Outcome is one scored pair. A Score of NaN means the pair could not be
// scored (no face found in one of its images): such a pair is never dropped,
// it counts as an error at every threshold — a same pair as a false reject, a
// different pair as a false accept.
type Outcome struct {
	Score float64
	Same  bool
}

// Missing reports whether the pair has no score.
func (o Outcome) Missing() bool { return math.IsNaN(o.Score) }

// Correct reports whether threshold t classifies the outcome correctly
// (always false for a missing score).
func (o Outcome) Correct(or Orientation, t float64) bool {
	return !o.Missing() && or.Accepts(o.Score, t) == o.Same
}

// Accuracy returns the fraction of outs that threshold t classifies correctly,
// missing scores counted as errors; NaN when outs is empty.
func Accuracy(outs []Outcome, o Orientation, t float64) float64 {
	correct := 0
	for _, out := range outs {
		if out.Correct(o, t) {
			correct++
		}
	}
	return float64(correct) / float64(len(outs))
}

// ROCPoint is the operating point of one threshold: TAR is the fraction of
// same pairs accepted, FAR the fraction of different pairs accepted (missing
// scores counted as errors, so FAR never falls below the share of different
// pairs that are missing).
type ROCPoint struct {
	Threshold float64
	TAR, FAR  float64
}

// sweep calls visit once per candidate threshold of outs, from the most
// accepting (below every score) to the least (above every score), passing the
// threshold and how many same and different scored pairs it accepts.
// Candidates are the midpoints between successive distinct scores and the
// two extremes, so every distinct partition of the scores is visited once.
// It returns false when outs has no scored pair.
func sweep(outs []Outcome, o Orientation, visit func(t float64, sameAcc, diffAcc int)) bool {
	// Work on oriented scores s (same iff s > u), ascending.
	type item struct {
		s    float64
		same bool
	}
	items := make([]item, 0, len(outs))
	sameAcc, diffAcc := 0, 0
	for _, out := range outs {
		if out.Missing() {
			continue
		}
		s := out.Score
		if o == SmallerIsSame {
			s = -s
		}
		items = append(items, item{s, out.Same})
		if out.Same {
			sameAcc++
		} else {
			diffAcc++
		}
	}
	if len(items) == 0 {
		return false
	}
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return 0
	})
	threshold := func(u float64) float64 {
		if o == SmallerIsSame {
			return -u
		}
		return u
	}
	visit(threshold(math.Nextafter(items[0].s, math.Inf(-1))), sameAcc, diffAcc)
	for i := 0; i < len(items); {
		v := items[i].s
		for ; i < len(items) && items[i].s == v; i++ {
			if items[i].same {
				sameAcc--
			} else {
				diffAcc--
			}
		}
		u := math.Nextafter(v, math.Inf(1))
		if i < len(items) {
			// The midpoint may round onto the next score; v itself then still
			// separates the two groups (the comparison is strict).
			if u = v + (items[i].s-v)/2; u == items[i].s {
				u = v
			}
		}
		visit(threshold(u), sameAcc, diffAcc)
	}
	return true
}

// tally counts the outcomes of a set of pairs.
type tally struct {
	same, diff               int // all same and different pairs
	sameMissing, diffMissing int // those without a score
}

func tallyOf(outs []Outcome) tally {
	var c tally
	for _, out := range outs {
		switch {
		case out.Same:
			c.same++
			if out.Missing() {
				c.sameMissing++
			}
		default:
			c.diff++
			if out.Missing() {
				c.diffMissing++
			}
		}
	}
	return c
}

// BestThreshold returns the threshold that maximises the accuracy on outs,
// scanning the midpoints between successive distinct scores (and the two
// extremes); ties go to the most accepting threshold. It also returns that
// accuracy (missing scores counted as errors). ok is false when outs has no
// scored pair.
func BestThreshold(outs []Outcome, o Orientation) (t, acc float64, ok bool) {
	c := tallyOf(outs)
	best := -1
	ok = sweep(outs, o, func(u float64, sameAcc, diffAcc int) {
		// correct = same pairs accepted + scored different pairs rejected.
		if correct := sameAcc + (c.diff - c.diffMissing - diffAcc); correct > best {
			best, t = correct, u
		}
	})
	if !ok {
		return math.NaN(), 0, false
	}
	return t, float64(best) / float64(len(outs)), true
}

// ROC returns the operating points of every distinct threshold over outs, by
// increasing FAR (and TAR), from accepting nothing to accepting every scored
// pair. Missing scores count as errors: a missing same pair is never accepted,
// a missing different pair is always a false accept. Nil when outs has no
// scored pair, or lacks same or different pairs.
func ROC(outs []Outcome, o Orientation) []ROCPoint {
	c := tallyOf(outs)
	if c.same == 0 || c.diff == 0 {
		return nil
	}
	var pts []ROCPoint
	sweep(outs, o, func(t float64, sameAcc, diffAcc int) {
		pts = append(pts, ROCPoint{
			Threshold: t,
			TAR:       float64(sameAcc) / float64(c.same),
			FAR:       float64(diffAcc+c.diffMissing) / float64(c.diff),
		})
	})
	slices.Reverse(pts)
	return pts
}

// TARAtFAR returns the highest TAR whose FAR is at most far, and its
// threshold, over the ROC of outs. When even accepting nothing exceeds far
// (more missing different pairs than far allows) TAR is 0 at the least
// accepting threshold. ok is false when ROC returns no points.
func TARAtFAR(outs []Outcome, o Orientation, far float64) (tar, t float64, ok bool) {
	pts := ROC(outs, o)
	if len(pts) == 0 {
		return 0, math.NaN(), false
	}
	best := ROCPoint{Threshold: pts[0].Threshold}
	for _, p := range pts {
		if p.FAR <= far {
			best = p
		}
	}
	return best.TAR, best.Threshold, true
}

// AUC returns the area under a ROC curve (as from ROC: by increasing FAR,
// which it must be) by the trapezoid rule, closing it at (FAR 0, TAR 0) and
// (FAR 1, TAR 1).
func AUC(pts []ROCPoint) float64 {
	far, tar := make([]float64, len(pts)+2), make([]float64, len(pts)+2)
	for i, p := range pts {
		far[i+1], tar[i+1] = p.FAR, p.TAR
	}
	far[len(far)-1], tar[len(tar)-1] = 1, 1
	return integrate.Trapezoidal(far, tar)
}

// TargetFAR is the false accept rate at which Evaluate reports the TAR.
const TargetFAR = 1e-3

// FoldResult is the outcome of one held-out fold.
type FoldResult struct {
	Threshold float64 // chosen on the other folds (BestThreshold)
	Accuracy  float64 // on this fold at Threshold, missing scores counted as errors
	Pairs     int     // pairs in the fold
	Missing   int     // of which without a score
}

// Report is the LFW protocol's result for one verifier.
type Report struct {
	Orientation Orientation
	Folds       []FoldResult
	// Mean and Std are the mean and the sample standard deviation (n−1
	// denominator) of the per-fold accuracies.
	Mean, Std float64
	// FixedAccuracy is the accuracy over all pairs at FixedThreshold.
	FixedThreshold, FixedAccuracy float64
	// TAR is the true accept rate at FAR ≤ TargetFAR over all pairs pooled,
	// reached at TARThreshold (both 0 when the pairs are all same or all
	// different).
	TAR, TARThreshold float64
	AUC               float64
	ROC               []ROCPoint // over all pairs pooled, by increasing FAR
	Pairs, Missing    int
}

// Evaluate runs the k-fold protocol over folds of scored pairs (k ≥ 2; LFW
// View 2 has 10): for each fold, the threshold is chosen on the other folds'
// pairs by BestThreshold and the accuracy measured on the fold. fixed is a
// threshold given in advance (e.g. face.DefaultThreshold) whose accuracy over
// all pairs is reported alongside. It fails when there are fewer than two
// folds, a fold is empty, or the pairs outside some fold have no score.
func Evaluate(folds [][]Outcome, o Orientation, fixed float64) (*Report, error) {
	if len(folds) < 2 {
		return nil, fmt.Errorf("lfw: the protocol needs at least 2 folds, found %d", len(folds))
	}
	r := &Report{Orientation: o, FixedThreshold: fixed}
	var all []Outcome
	for k, fold := range folds {
		if len(fold) == 0 {
			return nil, fmt.Errorf("lfw: fold %d has no pairs", k+1)
		}
		all = append(all, fold...)
	}
	for k, fold := range folds {
		var train []Outcome
		for j, other := range folds {
			if j != k {
				train = append(train, other...)
			}
		}
		t, _, ok := BestThreshold(train, o)
		if !ok {
			return nil, fmt.Errorf("lfw: the folds other than %d have no scored pair to choose a threshold on", k+1)
		}
		c := tallyOf(fold)
		r.Folds = append(r.Folds, FoldResult{
			Threshold: t,
			Accuracy:  Accuracy(fold, o, t),
			Pairs:     len(fold),
			Missing:   c.sameMissing + c.diffMissing,
		})
		r.Pairs += len(fold)
		r.Missing += c.sameMissing + c.diffMissing
	}
	acc := make([]float64, len(r.Folds))
	for k, f := range r.Folds {
		acc[k] = f.Accuracy
	}
	r.Mean, r.Std = stat.MeanStdDev(acc, nil)
	r.FixedAccuracy = Accuracy(all, o, fixed)
	r.ROC = ROC(all, o)
	r.AUC = AUC(r.ROC)
	if tar, t, ok := TARAtFAR(all, o, TargetFAR); ok {
		r.TAR, r.TARThreshold = tar, t
	}
	return r, nil
}
