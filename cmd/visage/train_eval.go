package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"visage/core/learn"
	"visage/core/lfw"
)

func init() {
	register("train-eval", "compare plain distance and trained heads side by side on LFW pairs", runTrainEval)
}

// namedHead is one verifier to evaluate; a nil head is plain Euclidean distance.
type namedHead struct {
	name string
	head *learn.Head
}

// headScore returns the pair score of h (plain distance for nil).
func headScore(h *learn.Head) func(a, b []float32) float64 {
	return func(a, b []float32) float64 { s, _ := h.Score(a, b); return s }
}

// headOrientation says which way h's score points.
func headOrientation(h *learn.Head) lfw.Orientation {
	if h.HigherIsSame() {
		return lfw.LargerIsSame
	}
	return lfw.SmallerIsSame
}

// coveredPairs returns the pairs whose two images are in the cache (with a
// face or without one) and how many were left out because an image was
// never encoded. No-face images stay in: they score NaN and count as errors.
func coveredPairs(pairs []lfw.Pair, c *lfw.EncodingCache) ([]lfw.Pair, int) {
	var in []lfw.Pair
	for _, p := range pairs {
		_, ok1 := c.Images[p.Image1()]
		_, ok2 := c.Images[p.Image2()]
		if ok1 && ok2 {
			in = append(in, p)
		}
	}
	return in, len(pairs) - len(in)
}

// evalRow is one verifier's results, all on the same pairs as the other rows.
type evalRow struct {
	Name    string       `json:"name"`
	DevTest *devTestEval `json:"pairs_dev_test,omitempty"`
	View2   *view2Eval   `json:"view2_without_training_people,omitempty"`
}

// devTestEval: threshold chosen on the held-out training people, accuracy
// on pairsDevTest.
type devTestEval struct {
	Pairs      int     `json:"pairs"`
	NotEncoded int     `json:"pairs_left_out_not_encoded"`
	NoFace     int     `json:"pairs_without_face_counted_as_errors"`
	Threshold  float64 `json:"threshold"`
	Accuracy   float64 `json:"accuracy"`
}

// view2Eval: the k-fold protocol on pairs.txt without any pair that
// involves a peopleDevTrain person (k = 10 unless the cache covers fewer
// folds; Folds has one accuracy per fold used).
type view2Eval struct {
	Pairs      int       `json:"pairs"`
	Same       int       `json:"same_pairs"`
	NotEncoded int       `json:"pairs_left_out_not_encoded"`
	NoFace     int       `json:"pairs_without_face_counted_as_errors"`
	Mean       float64   `json:"mean_accuracy"`
	Std        float64   `json:"sample_std_accuracy"`
	Folds      []float64 `json:"fold_accuracy"`
	TAR        float64   `json:"tar_at_far_1e-3"`
	AUC        float64   `json:"auc"`
}

// evaluateHeads scores every head on the same pairs: pairsDevTest (threshold
// from the held-out training people) and the View 2 folds with the training
// people removed (thresholds from the other folds).
func evaluateHeads(d *trainData, heads []namedHead) ([]evalRow, error) {
	lookup := func(rel string) []float32 { return d.cache.Images[rel] }
	test, testLeft := coveredPairs(d.lists.devTest, d.cache)
	// View 2 without training people, fold by fold; folds left empty (the
	// cache covers only some folds) are dropped.
	var folds [][]lfw.Pair
	view2Left, view2Same := 0, 0
	for _, fold := range d.lists.view2 {
		var keep []lfw.Pair
		for _, p := range fold {
			if !d.trainID[p.Name1] && !d.trainID[p.Name2] {
				keep = append(keep, p)
			}
		}
		keep, left := coveredPairs(keep, d.cache)
		view2Left += left
		for _, p := range keep {
			if p.Same {
				view2Same++
			}
		}
		if len(keep) > 0 {
			folds = append(folds, keep)
		}
	}
	if len(test) == 0 && len(folds) < 2 {
		return nil, fmt.Errorf("the cache covers no pair of %s and fewer than 2 folds of pairs.txt without training people", d.lists.devTestFile)
	}
	var rows []evalRow
	for _, h := range heads {
		score, or := headScore(h.head), headOrientation(h.head)
		row := evalRow{Name: h.name}
		th, _ := d.threshold(h.head)
		if len(test) > 0 {
			outs := lfw.ScorePairs(test, lookup, score)
			row.DevTest = &devTestEval{Pairs: len(test), NotEncoded: testLeft, NoFace: missing(outs), Threshold: th, Accuracy: lfw.Accuracy(outs, or, th)}
		}
		var scored [][]lfw.Outcome
		for _, f := range folds {
			scored = append(scored, lfw.ScorePairs(f, lookup, score))
		}
		if r, err := lfw.Evaluate(scored, or, th); err == nil {
			v := &view2Eval{Pairs: r.Pairs, Same: view2Same, NotEncoded: view2Left, NoFace: r.Missing, Mean: r.Mean, Std: r.Std, TAR: r.TAR, AUC: r.AUC}
			for _, f := range r.Folds {
				v.Folds = append(v.Folds, f.Accuracy)
			}
			row.View2 = v
		} else {
			fmt.Fprintf(os.Stderr, "%s: no View 2 result: %v\n", h.name, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func missing(outs []lfw.Outcome) int {
	n := 0
	for _, o := range outs {
		if o.Missing() {
			n++
		}
	}
	return n
}

// printEvaluation prints the side-by-side table, or the rows as JSON.
func printEvaluation(rows []evalRow, asJSON bool) error {
	if asJSON {
		js, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return err
		}
		fmt.Println(string(js))
		return nil
	}
	if dt := rows[0].DevTest; dt != nil {
		fmt.Printf("pairsDevTest: %d pairs (%d left out: an image not encoded; %d without a face, counted as errors); threshold chosen on held-out peopleDevTrain people\n",
			dt.Pairs, dt.NotEncoded, dt.NoFace)
	}
	if v := rows[0].View2; v != nil {
		fmt.Printf("pairs.txt, %d folds without peopleDevTrain people: %d pairs, %d same (%d left out: not encoded; %d without a face, counted as errors)\n",
			len(v.Folds), v.Pairs, v.Same, v.NotEncoded, v.NoFace)
	}
	w := len("verifier")
	for _, r := range rows {
		w = max(w, len(r.Name))
	}
	fmt.Printf("%-*s %10s %9s   %-20s %9s %7s\n", w, "verifier", "threshold", "DevTest", "k-fold mean ± std", "TAR@1e-3", "AUC")
	for _, r := range rows {
		if dt := r.DevTest; dt != nil {
			fmt.Printf("%-*s %10.4f %8.2f%%   ", w, r.Name, dt.Threshold, 100*dt.Accuracy)
		} else {
			fmt.Printf("%-*s %10s %9s   ", w, r.Name, "", "—")
		}
		if v := r.View2; v != nil {
			fmt.Printf("%6.2f%% ± %5.2f%%     %8.2f%% %7.4f\n", 100*v.Mean, 100*v.Std, 100*v.TAR, v.AUC)
		} else {
			fmt.Println("(no View 2 result)")
		}
	}
	return nil
}

func runTrainEval(args []string) error {
	fl := newFlagSet("train-eval", "--cache FILE [--lfw DIR] [--json] --head A.json [--head B.json …]")
	var t trainFlags
	fl.StringVar(&t.cache, "cache", "", "encodings cache `FILE` (required)")
	fl.StringVar(&t.lfwDir, "lfw", "", "`DIR` with LFW's list files (default ../shared/data/lfw)")
	fl.BoolVar(&t.asJSON, "json", false, "print the rows as JSON")
	fl.Uint64Var(&t.seed, "seed", 1, "seed that drew the held-out people (as when training)")
	t.addData(fl)
	var files stringList
	fl.Var(&files, "head", "a head `FILE` from train-triplet or train-pairs (repeatable); its row is named after the file")
	plotFile := fl.String("plot", "", "also plot every head's training loss per epoch (relative to its first epoch's) to `FILE.png`")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	t.epochs, t.lr = 1, 1 // unused here; loadTrainData checks them
	heads := []namedHead{{"plain distance", nil}}
	var runs []lossSeries
	for _, f := range files {
		h, err := loadHeadFlag(f)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		heads = append(heads, namedHead{name, h})
		runs = append(runs, lossSeries{name, recordedLosses(h)})
	}
	if *plotFile != "" {
		if err := plotLoss(*plotFile, "training loss per epoch", true, runs...); err != nil {
			return err
		}
	}
	d, err := loadTrainData(&t)
	if err != nil {
		return err
	}
	for _, h := range heads[1:] {
		warnHeadCache(h.name, h.head, d.cache)
	}
	rows, err := evaluateHeads(d, heads)
	if err != nil {
		return err
	}
	return printEvaluation(rows, t.asJSON)
}

// recordedLosses returns the loss per epoch a training command recorded in
// h's info (none for a head without it).
func recordedLosses(h *learn.Head) []float64 {
	list, _ := h.Info["loss_per_epoch"].([]any)
	var out []float64
	for _, v := range list {
		if f, ok := v.(float64); ok {
			out = append(out, f)
		}
	}
	return out
}
