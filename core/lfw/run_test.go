package lfw

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"visage/core/face"
)

// The people of runPairs, each on an axis of their own.
var runPeople = map[string]int{"Ada": 0, "Bob": 1, "Cy": 2, "Dee": 3}

// runPairs is a two-fold pairs file: per fold two same pairs and two
// different ones, over two images each of four people.
const runPairs = "2\t2\n" +
	"Ada\t1\t2\nBob\t1\t2\nAda\t1\tBob\t1\nCy\t1\tDee\t1\n" +
	"Cy\t1\t2\nDee\t1\t2\nAda\t2\tCy\t2\nBob\t2\tDee\t2\n"

// runDescriptor is image n of person p as a dim-long descriptor: 1 on p's
// axis, 0.05·n on the last one. Two images of a person are 0.05 apart,
// images of two people √2.
func runDescriptor(dim, p, n int) []float32 {
	d := make([]float32, dim)
	d[p] = 1
	d[dim-1] = 0.05 * float32(n)
	return d
}

// runOptions returns options over runPairs in a temporary folder, with no
// networks to load: every image must come from the caches.
func runOptions(t *testing.T) Options {
	t.Helper()
	dir := t.TempDir()
	o := DefaultOptions()
	o.Dir, o.Out, o.Folds, o.Jobs = filepath.Join(dir, "images"), filepath.Join(dir, "out"), []int{1, 2}, 1
	o.PairsFile = writeList(t, dir, "pairs.txt", runPairs)
	o.Align, o.Mirror = face.AlignSimilarity, false
	return o
}

// fillCaches writes every cache Run reads for o (each variant's and the
// landmarks') with the images of runPeople, 1 to 3 each, except those of
// noFace, cached as holding no face; shard k of n (n > 1) gets every n-th
// image from the k-th into its shard files instead.
func fillCaches(t *testing.T, o Options, noFace []string, k, n int) {
	t.Helper()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		t.Fatal(err)
	}
	detect := o.detectTag()
	vs, _ := o.variants()
	var images []string
	for name := range runPeople {
		for i := 1; i <= 3; i++ {
			images = append(images, ImageRel(name, i))
		}
	}
	slices.Sort(images)
	write := func(path string, c *EncodingCache, fill func(name string, i int) []float32) {
		t.Helper()
		c.Images = map[string][]float32{}
		for j, rel := range images {
			if n > 1 && j%n != k-1 {
				continue
			}
			c.Images[rel] = nil
			if !slices.Contains(noFace, rel) {
				name, _, _ := strings.Cut(rel, "/")
				c.Images[rel] = fill(name, int(rel[len(rel)-5]-'0')) // _000N.jpg
			}
		}
		if n > 1 {
			path = shardPath(path, k, n)
		}
		if err := c.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range vs {
		dim := face.EncoderDim(v.enc)
		write(filepath.Join(o.Out, "encodings-"+v.tag(detect)+".bin"), &EncodingCache{Encoder: v.cacheEncoder(), Alignment: v.tag(detect), Dim: v.dim()},
			func(name string, i int) []float32 { return runDescriptor(dim, runPeople[name], i) })
	}
	write(filepath.Join(o.Out, "landmarks-"+detect+".bin"), &EncodingCache{Encoder: landmarksCacheTag, Alignment: detect, Dim: 136},
		func(string, int) []float32 { return make([]float32, 136) })
}

// Run scores from the descriptor caches alone, and the numbers are those worked out by
// hand: Dee_0002 has no face, so fold 2's Dee pairs (a same and a
// different one) are errors at every threshold.
func TestRunFromCaches(t *testing.T) {
	o := runOptions(t)
	fillCaches(t, o, []string{"Dee/Dee_0002.jpg"}, 1, 1)
	// The descriptors are enough: the landmarks only save detections.
	if err := os.Remove(filepath.Join(o.Out, "landmarks-"+o.detectTag()+".bin")); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	// Each fold's threshold is chosen on the other's scored pairs (0.05
	// same, √2 different): their midpoint. Fold 1 is all right, fold 2 half.
	mid := (0.05 + math.Sqrt2) / 2
	for i, f := range res.Folds {
		if f.Fold != i+1 || math.Abs(f.Threshold-mid) > 1e-6 || f.Accuracy != []float64{1, 0.5}[i] || f.Missing != []int{0, 2}[i] {
			t.Errorf("fold %d: %+v, want threshold %.6f, accuracy %v, %d missing", i+1, f, mid, []float64{1, 0.5}[i], []int{0, 2}[i])
		}
	}
	if res.Mean != 0.75 || math.Abs(res.Std-math.Sqrt(0.125)) > 1e-15 {
		t.Errorf("mean %v ± %v, want 0.75 ± %v", res.Mean, res.Std, math.Sqrt(0.125))
	}
	if res.FixedThreshold != face.DefaultThreshold || res.FixedAccuracy != 0.75 || res.Pairs != 8 || res.MissingPairs != 2 || res.Images != 8 {
		t.Errorf("fixed %v: %v, %d pairs (%d missing), %d images; want 0.6: 0.75, 8 (2), 8", res.FixedThreshold, res.FixedAccuracy, res.Pairs, res.MissingPairs, res.Images)
	}
	if !reflect.DeepEqual(res.NoFace, []string{"Dee/Dee_0002.jpg"}) || len(res.Outcomes) != 8 || res.Scored == nil {
		t.Errorf("no face in %v, %d outcomes; want Dee_0002 and 8", res.NoFace, len(res.Outcomes))
	}
	want := Settings{Folds: []int{1, 2}, Encoder: "dlib", Align: "similarity", MinConfidence: 0.1, FallbackConfidence: 0.1, PadRetry: 0.25,
		TinyFallback: true, LandmarksMirror: true, Pick: "central", Score: DistanceName}
	if !reflect.DeepEqual(res.Settings, want) {
		t.Errorf("settings %+v, want %+v", res.Settings, want)
	}
}

// An image no cache holds needs the networks; without them Run says so,
// and a fold beyond the pairs file is named.
func TestRunErrors(t *testing.T) {
	o := runOptions(t)
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "FaceModels") {
		t.Errorf("nothing cached, no networks: %v", err)
	}
	o.Folds = []int{1, 3}
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "pairs.txt has 2") {
		t.Errorf("fold 3 of 2: %v", err)
	}
	o.Jobs = 0
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "Jobs") {
		t.Errorf("Jobs 0: %v", err)
	}
}

// Shard files are merged into the caches, removed, and the pairs scored.
func TestRunMergesShards(t *testing.T) {
	o := runOptions(t)
	fillCaches(t, o, nil, 1, 2)
	fillCaches(t, o, nil, 2, 2)
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Mean != 1 || len(res.NoFace) != 0 {
		t.Errorf("mean %v, no face in %v; want 1 and none", res.Mean, res.NoFace)
	}
	if left, _ := filepath.Glob(filepath.Join(o.Out, "*.shard-*")); len(left) != 0 {
		t.Errorf("shard files left: %v", left)
	}
	if all, _ := filepath.Glob(filepath.Join(o.Out, "*.bin")); len(all) != 2 {
		t.Errorf("caches %v, want the descriptors' and the landmarks'", all)
	}
}

// AlignBoth scores the two alignments' mean and saves it; two encoders are
// fused (each distance over its threshold, averaged) against 1; a head
// scores in place of distance with its own threshold and orientation.
func TestRunScorers(t *testing.T) {
	o := runOptions(t)
	o.Align, o.Encoders = face.AlignBoth, []string{face.EncoderDlib, face.EncoderMobileFaceNet}
	fillCaches(t, o, nil, 1, 1)
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	both, err := LoadEncodingCache(filepath.Join(o.Out, "encodings-"+o.detectTag()+"+both.bin"))
	if err != nil || len(both.Images) != 12 {
		t.Fatalf("the both cache: %v", err)
	}
	if s := res.Settings; s.Encoder != "dlib+mobilefacenet" || s.Align != "both" || s.MobileFaceNetInput != "unit" || res.FixedThreshold != 1 {
		t.Errorf("settings %+v, fixed threshold %v", s, res.FixedThreshold)
	}
	// A same pair: (0.05/0.6 + 0.05/t)/2 with t MobileFaceNet's threshold.
	same := (0.05/face.EncoderThreshold(face.EncoderDlib) + 0.05/face.EncoderThreshold(face.EncoderMobileFaceNet)) / 2
	if got := res.Outcomes[0].Score; math.Abs(got-same) > 1e-6 {
		t.Errorf("fused score of a same pair %v, want %v", got, same)
	}

	o = runOptions(t)
	fillCaches(t, o, nil, 1, 1)
	o.Head = &Head{File: "h.json", Name: "P(same)", Orientation: LargerIsSame, Threshold: 0.7,
		Score: func(a, b []float32) float64 { return 1 / (1 + face.Distance(a, b)) }}
	if res, err = Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if res.Mean != 1 || res.FixedThreshold != 0.7 || res.FixedAccuracy != 1 || res.Settings.Head != "h.json" || res.Settings.Score != "P(same)" {
		t.Errorf("with a head: mean %v, fixed %v: %v, settings %+v", res.Mean, res.FixedThreshold, res.FixedAccuracy, res.Settings)
	}
	if got := res.Outcomes[0].Score; math.Abs(got-1/1.05) > 1e-6 {
		t.Errorf("head score of a same pair %v, want %v", got, 1/1.05)
	}
}

// Calibration reports the best threshold on its own pairs; the extra
// lists' images are looked for in the caches too.
func TestRunCalibrationAndExtraLists(t *testing.T) {
	o := runOptions(t)
	fillCaches(t, o, nil, 1, 1)
	dir := filepath.Dir(o.PairsFile)
	o.CalibrateFile = writeList(t, dir, "dev.txt", "1\nAda\t1\t3\nBob\t3\tCy\t3\n")
	o.AlsoPeople = []string{writeList(t, dir, "people.txt", "1\nDee\t3\n")}
	var log strings.Builder
	o.Log = &log
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Calibration
	if c == nil || c.PairsFile != "dev.txt" || c.Pairs != 2 || c.Missing != 0 || c.Accuracy != 1 || !(c.Threshold > 0.1 && c.Threshold < math.Sqrt2) {
		t.Errorf("calibration %+v, want dev.txt, 2 pairs, accuracy 1 at a threshold between 0.1 and √2", c)
	}
	if want := "7 images of the also-people and also-pairs lists, 4 of them not in the scored pairs"; !strings.Contains(log.String(), want) {
		t.Errorf("log %q, want %q", log.String(), want)
	}
}
