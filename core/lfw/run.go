package lfw

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"visage/core/face"
)

// Run runs the LFW protocol as o says. It reads o.PairsFile (less the pairs
// of o.WithoutPeople's people) and the extra lists, encodes every image of
// the scored folds and the lists that the caches under o.Out lack (loading
// the networks only then), saves the caches, and scores the folds' pairs:
// thresholds by cross-validation over o.Folds (Evaluate), the accuracy at
// the encoder's or the head's fixed threshold, TAR at FAR ≤ 1e-3, AUC.
// Pairs with an image without a face are kept and count as errors.
//
// With o.Shards > 1 it encodes its shard into shard files and returns a nil
// Result; a later run with Shards 1 merges the shard files into the caches,
// removes them and scores. When ctx is done during encoding, what was
// encoded is saved and the error says so; the next run resumes. Errors
// name the file or option at fault.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	allFolds, err := ReadPairsFile(o.PairsFile)
	if err != nil {
		return nil, err
	}
	if o.WithoutPeople != "" {
		if allFolds, err = pairsWithout(allFolds, o.WithoutPeople); err != nil {
			return nil, err
		}
	}
	var scored [][]Pair
	for _, k := range o.Folds {
		if k > len(allFolds) {
			return nil, fmt.Errorf("Folds: expected folds within 1-%d (%s has %d), found %d", len(allFolds), o.PairsFile, len(allFolds), k)
		}
		scored = append(scored, allFolds[k-1])
	}
	// Every image of the chosen folds (those scored), and every image to
	// encode: those and the extra lists' images, sorted so that every shard
	// draws its part from the same list.
	images := pairImages(scored...)
	alsoPairs := o.AlsoPairs
	var calPairs []Pair
	if o.CalibrateFile != "" {
		folds, err := ReadPairsFile(o.CalibrateFile)
		if err != nil {
			return nil, err
		}
		calPairs = slices.Concat(folds...)
		alsoPairs = append(slices.Clone(alsoPairs), o.CalibrateFile)
	}
	extra, err := extraImages(o.AlsoPeople, alsoPairs, o.MaxPerPerson, o.AlsoMinImages)
	if err != nil {
		return nil, err
	}
	toEncode := union(images, extra)
	if len(extra) > 0 {
		o.logf("%d images of the also-people and also-pairs lists, %d of them not in the scored pairs\n", len(extra), len(toEncode)-len(images))
	}

	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	detect := o.detectTag()
	vs, first := o.variants()
	cs, err := o.openCaches(vs, detect)
	if err != nil {
		return nil, err
	}
	todo := cs.todo(toEncode, o.Shard, o.Shards)
	var stages map[face.Stage][]string
	if len(todo) > 0 {
		pipe, nets, err := o.loadPipeline()
		if err != nil {
			return nil, err
		}
		if stages, err = o.encodeImages(ctx, pipe, nets, todo, vs, cs); err != nil {
			return nil, err
		}
	}
	if o.Shards > 1 {
		o.logf("shard %d/%d: %d images encoded into %s; once every shard is done, run again unsharded to score\n", o.Shard, o.Shards, len(todo), cs.paths[0])
		return nil, nil
	}
	if len(cs.shardFiles) > 0 {
		if err := cs.save(); err != nil { // the merged caches hold every shard's descriptors
			return nil, err
		}
		for _, f := range cs.shardFiles {
			if err := os.Remove(f); err != nil {
				return nil, err
			}
		}
	}

	cache, err := o.scoredCache(cs.caches, first, detect)
	if err != nil {
		return nil, err
	}
	score, orientation, fixed := o.scorer()
	res, err := scoreFolds(allFolds, o.Folds, cache, score, orientation, fixed)
	if err != nil {
		return nil, err
	}
	if calPairs != nil {
		outs := ScorePairs(calPairs, cache.lookup, score)
		t, acc, ok := BestThreshold(outs, orientation)
		if !ok {
			return nil, fmt.Errorf("calibration pairs %s: no threshold (every pair lacks a face?)", o.CalibrateFile)
		}
		res.Calibration = &Calibration{PairsFile: filepath.Base(o.CalibrateFile), Pairs: len(outs), Threshold: t, Accuracy: acc}
		for _, out := range outs {
			if out.Missing() {
				res.Calibration.Missing++
			}
		}
	}
	res.Settings = o.settings()
	res.FallbackImages = append([]string{}, stages[face.StageFallback]...)
	res.PaddedImages = append([]string{}, stages[face.StagePadded]...)
	res.TinyImages = append([]string{}, stages[face.StageTiny]...)
	res.NoFace = []string{}
	res.Images = len(images)
	for _, rel := range images {
		if len(cache.Images[rel]) == 0 {
			res.NoFace = append(res.NoFace, rel)
		}
	}
	return res, nil
}

// logf writes a remark to o.Log, if any.
func (o *Options) logf(format string, a ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format, a...)
	}
}

// scoredCache is the cache of the descriptors scored: the first encoder's
// (with face.AlignBoth dlib's two alignments' mean, saved beside the
// others for the training commands), or the two encoders' fused.
func (o *Options) scoredCache(caches []*EncodingCache, first map[string]int, detect string) (*EncodingCache, error) {
	byEncoder := make([]*EncodingCache, len(o.Encoders))
	for i, e := range o.Encoders {
		byEncoder[i] = caches[first[e]]
		if e == face.EncoderDlib && o.Align == face.AlignBoth {
			tag := variant{face.EncoderDlib, o.Align, o.Mirror, false}.tag(detect)
			byEncoder[i] = meanCache(caches[first[e]], caches[first[e]+1], tag)
			if err := byEncoder[i].Save(filepath.Join(o.Out, "encodings-"+tag+".bin")); err != nil {
				return nil, err
			}
		}
	}
	if len(byEncoder) == 2 {
		return fuseCaches(byEncoder[0], byEncoder[1]), nil
	}
	return byEncoder[0], nil
}

// scorer is how o scores a pair, which way the score points and the fixed
// threshold: the head's; else Euclidean distance against the encoder's
// threshold; two encoders' fusedScore against 1.
func (o *Options) scorer() (score func(a, b []float32) float64, or Orientation, fixed float64) {
	switch {
	case o.Head != nil:
		return o.Head.Score, o.Head.Orientation, o.Head.Threshold
	case len(o.Encoders) == 2:
		return fusedScore(o.Encoders[0], o.Encoders[1]), SmallerIsSame, 1
	}
	return face.Distance, SmallerIsSame, face.EncoderThreshold(o.Encoders[0])
}

// settings records o in a Result.
func (o *Options) settings() Settings {
	s := Settings{Folds: o.Folds, Encoder: strings.Join(o.Encoders, "+"), Align: o.Align.String(), Mirror: o.Mirror,
		MinConfidence: o.MinConfidence, FallbackConfidence: o.FallbackConfidence, PadRetry: o.PadRetry, TinyFallback: o.TinyFallback,
		LandmarksMirror: o.LandmarksMirror, Pick: o.Pick, Degrade: o.Degrade, Score: DistanceName, WithoutPeople: o.WithoutPeople}
	if slices.Contains(o.Encoders, face.EncoderMobileFaceNet) {
		s.MobileFaceNetInput = o.MobileFaceNetInput
	}
	if !slices.Contains(o.Encoders, face.EncoderDlib) {
		s.Align = "arcface"
	}
	if o.Head != nil {
		s.Head, s.Score = o.Head.File, o.Head.Name
	}
	return s
}

// lookup is c's descriptor of image rel (nil or empty: no face or not
// encoded), for ScorePairs.
func (c *EncodingCache) lookup(rel string) []float32 { return c.Images[rel] }

// scoreFolds scores the pairs of folds (1-based numbers into allFolds) from
// cache with score and runs the protocol (Evaluate) with the fixed
// threshold; pairs with a face missing are kept and count as errors.
func scoreFolds(allFolds [][]Pair, folds []int, cache *EncodingCache, score func(a, b []float32) float64, or Orientation, fixed float64) (*Result, error) {
	var outcomes [][]Outcome
	var all []Outcome
	for _, k := range folds {
		outs := ScorePairs(allFolds[k-1], cache.lookup, score)
		outcomes = append(outcomes, outs)
		all = append(all, outs...)
	}
	r, err := Evaluate(outcomes, or, fixed)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Mean: r.Mean, Std: r.Std, FixedThreshold: r.FixedThreshold, FixedAccuracy: r.FixedAccuracy,
		TAR: r.TAR, TARThreshold: r.TARThreshold, AUC: r.AUC, Pairs: r.Pairs, MissingPairs: r.Missing,
		MissingScoring: "error at every threshold (a same pair rejected, a different pair accepted)",
		Outcomes:       all, Scored: cache,
	}
	for i, f := range r.Folds {
		res.Folds = append(res.Folds, ResultFold{Fold: folds[i], Threshold: f.Threshold, Accuracy: f.Accuracy, Missing: f.Missing})
	}
	return res, nil
}
