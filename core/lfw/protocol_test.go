package lfw

import (
	"math"
	"math/rand/v2"
	"testing"
)

var nan = math.NaN()

func outs(same []float64, diff []float64) []Outcome {
	var o []Outcome
	for _, s := range same {
		o = append(o, Outcome{s, true})
	}
	for _, d := range diff {
		o = append(o, Outcome{d, false})
	}
	return o
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// Sorted distances 0.2S 0.4S 0.5D 0.7S 0.8D 0.9D: thresholds 0.75 and 0.45
// both get 5 of 6 right; 0.75 accepts more, so it wins the tie.
func TestBestThresholdByHand(t *testing.T) {
	o := outs([]float64{0.2, 0.4, 0.7}, []float64{0.5, 0.8, 0.9})
	th, acc, ok := BestThreshold(o, SmallerIsSame)
	if !ok || !near(th, 0.75) || !near(acc, 5.0/6) {
		t.Errorf("distances: got t=%v acc=%v ok=%v, want 0.75, 5/6", th, acc, ok)
	}
	// A missing same pair is an error at every threshold: same threshold, 5 of 7.
	o = append(o, Outcome{nan, true})
	th, acc, _ = BestThreshold(o, SmallerIsSame)
	if !near(th, 0.75) || !near(acc, 5.0/7) {
		t.Errorf("with a missing pair: got t=%v acc=%v, want 0.75, 5/7", th, acc)
	}
	// Similarities = negated distances: the mirrored threshold, same accuracy.
	for i := range o {
		o[i].Score = -o[i].Score
	}
	th, acc, _ = BestThreshold(o, LargerIsSame)
	if !near(th, -0.75) || !near(acc, 5.0/7) {
		t.Errorf("similarities: got t=%v acc=%v, want -0.75, 5/7", th, acc)
	}
	if _, _, ok := BestThreshold([]Outcome{{nan, true}}, SmallerIsSame); ok {
		t.Error("no scored pair: ok = true")
	}
}

// Evaluate on three hand-made folds of distances; the expected thresholds and
// accuracies are worked out in the comments.
func TestEvaluateByHand(t *testing.T) {
	folds := [][]Outcome{
		outs([]float64{1, 2}, []float64{3, 4}),
		outs([]float64{1.5, 3.5}, []float64{2.5, 5}),
		outs([]float64{2, nan}, []float64{1, 6}),
	}
	// Fold 1 held: B∪C sorted 1D 1.5S 2S 2.5D 3.5S 5D 6D (+ a missing same):
	//   t=4.25 and t=2.25 both get 5 of 8; 4.25 accepts more. On A: 1,2 ✓ 3,4 ✗ → 1/2.
	// Fold 2 held: A∪C sorted 1D 1S 2S 2S 3D 4D 6D: t=2.5 gets 6 of 8.
	//   On B: 1.5 ✓, 3.5 ✗, 2.5 rejected ✓, 5 ✓ → 3/4.
	// Fold 3 held: A∪B sorted 1S 1.5S 2S 2.5D 3D 3.5S 4D 5D: t=2.25 gets 7 of 8.
	//   On C: 2 ✓, missing ✗, 1 ✗, 6 ✓ → 1/2.
	wantT := []float64{4.25, 2.5, 2.25}
	wantAcc := []float64{0.5, 0.75, 0.5}
	r, err := Evaluate(folds, SmallerIsSame, 2.25)
	if err != nil {
		t.Fatal(err)
	}
	for k, f := range r.Folds {
		if !near(f.Threshold, wantT[k]) || !near(f.Accuracy, wantAcc[k]) || f.Pairs != 4 {
			t.Errorf("fold %d: got %+v, want threshold %v accuracy %v", k+1, f, wantT[k], wantAcc[k])
		}
	}
	if r.Folds[2].Missing != 1 || r.Missing != 1 || r.Pairs != 12 {
		t.Errorf("missing/pairs: fold 3 %d, total %d of %d; want 1, 1 of 12", r.Folds[2].Missing, r.Missing, r.Pairs)
	}
	// Mean 7/12; deviations −1/12, 2/12, −1/12 → sample variance (6/144)/2.
	if !near(r.Mean, 7.0/12) || !near(r.Std, math.Sqrt(3)/12) {
		t.Errorf("mean ± std = %v ± %v, want %v ± %v", r.Mean, r.Std, 7.0/12, math.Sqrt(3)/12)
	}
	// At 2.25 over all pairs: A 4/4, B 3/4 (3.5 rejected), C 2/4 → 9/12.
	if !near(r.FixedAccuracy, 0.75) {
		t.Errorf("fixed accuracy = %v, want 0.75", r.FixedAccuracy)
	}
	// Pooled, a same and a different pair tie at distance 1, so FAR 0 needs
	// accepting nothing.
	if r.TAR != 0 || r.TARThreshold >= 1 || r.TARThreshold < 0.999 {
		t.Errorf("TAR@FAR=1e-3 = %v at %v, want 0 just below 1", r.TAR, r.TARThreshold)
	}
	// At FAR ≤ 1/6 (one false accept of six), t=2.25 accepts 1S 1D 1.5S 2S 2S.
	var all []Outcome
	for _, f := range folds {
		all = append(all, f...)
	}
	if tar, th, _ := TARAtFAR(all, SmallerIsSame, 1.0/6); !near(tar, 4.0/6) || !near(th, 2.25) {
		t.Errorf("TAR@FAR=1/6 = %v at %v, want 4/6 at 2.25", tar, th)
	}
	if _, err := Evaluate(folds[:1], SmallerIsSame, 0); err == nil {
		t.Error("one fold: no error")
	}
	if _, err := Evaluate([][]Outcome{folds[0], {}}, SmallerIsSame, 0); err == nil {
		t.Error("empty fold: no error")
	}
}

// Same 1, 2; different 1.5 and a missing one (always a false accept).
func TestROCByHand(t *testing.T) {
	pts := ROC(outs([]float64{1, 2}, []float64{1.5, nan}), SmallerIsSame)
	want := []ROCPoint{{1, 0, 0.5}, {1.25, 0.5, 0.5}, {1.75, 0.5, 1}, {2, 1, 1}}
	if len(pts) != len(want) {
		t.Fatalf("got %d points %+v, want %d", len(pts), pts, len(want))
	}
	for i, p := range pts {
		w := want[i]
		if p.TAR != w.TAR || p.FAR != w.FAR || math.Abs(p.Threshold-w.Threshold) > 1e-9 {
			t.Errorf("point %d = %+v, want %+v", i, p, w)
		}
	}
	// The extremes sit just outside the scores.
	if pts[0].Threshold >= 1 || pts[3].Threshold <= 2 {
		t.Errorf("extreme thresholds %v, %v: want just below 1 and just above 2", pts[0].Threshold, pts[3].Threshold)
	}
	// Area: (0,0)→(0.5,0)… the curve is (0.5,0)(0.5,0.5)(1,0.5)(1,1): 0.5·0.5 = 0.25.
	if a := AUC(pts); !near(a, 0.25) {
		t.Errorf("AUC = %v, want 0.25", a)
	}
	if ROC(outs([]float64{1}, nil), SmallerIsSame) != nil {
		t.Error("ROC without different pairs should be nil")
	}
}

func TestAUCByHand(t *testing.T) {
	if a := AUC([]ROCPoint{{TAR: 0.5, FAR: 0}, {TAR: 1, FAR: 0.5}}); !near(a, 0.875) {
		t.Errorf("AUC = %v, want 0.875", a)
	}
}

// BestThreshold against a brute-force scan of every score ± a little, on
// random scores with ties.
func TestBestThresholdBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		var o []Outcome
		for range 1 + rng.IntN(30) {
			s := float64(rng.IntN(10)) / 4
			if rng.IntN(10) == 0 {
				s = nan
			}
			o = append(o, Outcome{s, rng.IntN(2) == 0})
		}
		for _, or := range []Orientation{SmallerIsSame, LargerIsSame} {
			_, acc, ok := BestThreshold(o, or)
			best := 0.0
			for th := -1.0; th < 4; th += 0.125 {
				best = max(best, Accuracy(o, or, th))
			}
			if ok && !near(acc, best) {
				t.Errorf("trial %d %v: BestThreshold accuracy %v, brute force %v", trial, or, acc, best)
			}
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	folds := make([][]Outcome, 10)
	for k := range folds {
		for i := range 600 {
			folds[k] = append(folds[k], Outcome{rng.Float64() + float64(i%2)/2, i%2 == 0})
		}
	}
	for b.Loop() {
		if _, err := Evaluate(folds, SmallerIsSame, 0.6); err != nil {
			b.Fatal(err)
		}
	}
}
