package main

import (
	"flag"
	"fmt"
	"math"
	"os"

	"visage/core/learn"
	"visage/core/lfw"
)

// loadHeadFlag reads a --head file ("" means none: a nil head, plain
// distance) and checks that it takes face descriptors.
func loadHeadFlag(path string) (*learn.Head, error) {
	if path == "" {
		return nil, nil
	}
	h, err := learn.LoadHead(path)
	if err != nil {
		return nil, err
	}
	if err := h.CheckDescriptors(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// scoreName says what h's score of a pair is (nil: plain distance).
func scoreName(h *learn.Head) string {
	switch {
	case h == nil:
		return lfw.DistanceName
	case h.HigherIsSame():
		return "P(same) of the pair classifier (larger is same)"
	default:
		return "distance between the head's embeddings"
	}
}

// warnHeadCache warns on stderr when the head named name was trained on
// encodings other than the cache's (another encoder or alignment).
func warnHeadCache(name string, h *learn.Head, c *lfw.EncodingCache) {
	if h == nil {
		return
	}
	enc, align := h.Info["encoder"], h.Info["alignment"]
	if enc != c.Encoder || align != c.Alignment {
		fmt.Fprintf(os.Stderr, "warning: %s was trained on %v/%v encodings, the cache holds %s/%s\n", name, enc, align, c.Encoder, c.Alignment)
	}
}

// addHeadFlag registers --head on fl (compare, verify, identify).
func addHeadFlag(fl *flag.FlagSet) *string {
	return fl.String("head", "", "decide with a head `FILE` from train-triplet or train-pairs: its score (a distance, or P(same) where larger is same) "+
		"against its threshold, which --threshold replaces; distance stays plain Euclidean distance")
}

// headWithThreshold loads the --head file (nil without one) and checks the
// --threshold value, when set, against what decides (learn.Head's
// CheckThreshold): a distance in (0, face.MaxThreshold] without a head, a
// P(same) in (0, 1) for a classifier, a distance for an embedding. A head
// takes the value as its threshold.
func headWithThreshold(path string, t thresholdFlag) (*learn.Head, error) {
	h, err := loadHeadFlag(path)
	if err != nil || !t.set {
		return h, err
	}
	if err := h.CheckThreshold(t.value); err != nil {
		return nil, usagef("--threshold: %v", err)
	}
	if h != nil {
		h.Threshold = t.value
	}
	return h, nil
}

// verdict says how a pair was decided: "distance 0.4123 < threshold 0.6",
// or with a head "P(same) 0.9312 > threshold 0.52" or "head distance
// 0.8123 >= threshold 0.9"; the comparison shown is the one that holds.
func verdict(h *learn.Head, score, threshold float64, same bool) string {
	what, yes, no := "distance", "<", ">="
	switch {
	case h.HigherIsSame():
		what, yes, no = "P(same)", ">", "<="
	case h != nil:
		what = "head distance"
	}
	op := no
	if same {
		op = yes
	}
	return fmt.Sprintf("%s %.4f %s threshold %v", what, score, op, threshold)
}

// headScoreField is a result's head_score field: the head's score, or nil (left
// out) without a head or when it is not a finite number.
func headScoreField(h *learn.Head, score float64) *float64 {
	if h == nil || math.IsNaN(score) || math.IsInf(score, 0) {
		return nil
	}
	return &score
}

// decision is compare's, verify's and identify's verdict in words: plain
// distance against threshold, or with a head its score against threshold
// (the head's), with the distance beside it.
func decision(h *learn.Head, threshold, dist float64, headScore *float64, same bool) string {
	if h == nil {
		return verdict(nil, dist, threshold, same)
	}
	score := math.NaN()
	if headScore != nil {
		score = *headScore
	}
	return fmt.Sprintf("%s; distance %.4f", verdict(h, score, threshold, same), dist)
}
