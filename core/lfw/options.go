package lfw

import (
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"visage/core/face"
)

// Options are the settings of Run: the lists to read, how faces are found
// and described, how pairs are scored and where the caches go. Check says
// which values are allowed; DefaultOptions gives the CLI's defaults.
type Options struct {
	// Dir is the LFW image root (e.g. .../lfw/images_deepfunneled).
	Dir string
	// PairsFile is the View 2 pairs file scored (pairs.txt).
	PairsFile string
	// Folds are the folds of PairsFile scored, 1-based, increasing, at
	// least 2 (ParseFolds); Run fails on a fold the file lacks.
	Folds []int
	// Encoders is one encoder name (face.EncoderDlib, …) or two different
	// ones, whose normalised distances are averaged (ParseEncoders).
	Encoders []string
	// MobileFaceNetInput is MobileFaceNet's input scaling, "unit" (x/255)
	// or "symmetric" ((x−127.5)/128); recorded only where it runs.
	MobileFaceNetInput string
	// Align is dlib's alignment; face.AlignBoth scores the mean of the
	// similarity and faceapi descriptors, each cached on its own.
	Align face.Align
	// Mirror averages each chip's descriptor with its mirror image's.
	Mirror bool
	// MinConfidence is the SSD's score threshold, in (0,1);
	// FallbackConfidence, in [0,1), is accepted when nothing passes it (0:
	// off); PadRetry ≥ 0 is the border, as a fraction of the image, of a
	// second detection when still nothing is found (0: off).
	MinConfidence, FallbackConfidence, PadRetry float64
	// TinyFallback tries the Tiny Face Detector when the SSD finds nothing;
	// LandmarksMirror averages each crop's landmarks with its mirror's.
	TinyFallback, LandmarksMirror bool
	// Pick is the face described when an image has several: PickCentral or
	// PickLargest.
	Pick string
	// AllVariants also fills the caches of the other alignments and
	// mirror settings (one detection, up to four encodings).
	AllVariants bool
	// Jobs is how many images are encoded in parallel, ≥ 1.
	Jobs int
	// Out is the folder of the caches ("encodings-SETTINGS.bin",
	// "landmarks-SETTINGS.bin"). CachePath, when set, replaces the path of
	// the first variant's cache.
	Out, CachePath string
	// CalibrateFile is a pairs file (pairsDevTrain.txt) also encoded, on
	// which Result.Calibration reports the threshold of best accuracy; ""
	// for none.
	CalibrateFile string
	// AlsoPeople and AlsoPairs are people and pairs files whose images are
	// encoded too (scoring is unchanged): of the people, those with
	// AlsoMinImages (≥ 1) images or more, at most MaxPerPerson (≥ 0, 0: all)
	// each.
	AlsoPeople, AlsoPairs       []string
	MaxPerPerson, AlsoMinImages int
	// WithoutPeople is a people file whose people's pairs are not scored
	// ("": none).
	WithoutPeople string
	// Head scores the pairs in place of Euclidean distance (nil: distance);
	// it takes one encoder's descriptors.
	Head *Head
	// Shard of Shards (1 ≤ Shard ≤ Shards): with Shards > 1, Run encodes
	// only every Shards-th image from the Shard-th into shard files beside
	// the caches and scores nothing; a later run with Shards 1 merges them.
	Shard, Shards int
	// Degrade changes every image before detection: "" (nothing) or
	// DegradeSmallGrey. Its caches are its own.
	Degrade string

	// FaceModels opens face-api.js's model folder (SSD, landmarks, dlib's
	// ResNet, Tiny Face Detector) and LoadEncoder loads another encoder
	// (MobileFaceNet with unitInput its x/255 scaling, FaceRes); Run calls
	// them only when some image is not cached yet.
	FaceModels  func() (fs.FS, error)
	LoadEncoder func(name string, unitInput bool) (face.FaceEncoder, error)
	// Log gets Run's remarks (nil: none), Progress follows the encoding
	// pass (nil: not followed).
	Log      io.Writer
	Progress Progress
}

// Head is a trained scorer of pairs (core/learn's Head, the CLI's --head).
type Head struct {
	File        string                       // where it was read from (Settings.Head)
	Name        string                       // what its score is (Settings.Score)
	Score       func(a, b []float32) float64 // a pair's score
	Orientation Orientation                  // which way Score points
	Threshold   float64                      // its fixed threshold
}

// Progress follows Run's encoding pass: Step(0, total) as it starts,
// Step(done, total) after each image, End once it stops (all done, failed
// or interrupted).
type Progress interface {
	Step(done, total int)
	End()
}

// The faces Options.Pick names.
const (
	PickCentral = "central" // box centre nearest the image centre, where LFW puts its subject
	PickLargest = "largest"
)

// DistanceName is Settings.Score without a head.
const DistanceName = "Euclidean distance"

// DefaultOptions returns the CLI's defaults: every fold of pairs.txt's ten,
// dlib on both alignments with the mirror chip, the SSD at 0.1 with every
// fallback, the central face, one job per CPU, caches in build/lfw.
func DefaultOptions() Options {
	return Options{
		Folds: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Encoders: []string{face.EncoderDlib}, MobileFaceNetInput: "unit",
		Align: face.AlignBoth, Mirror: true, MinConfidence: 0.1, FallbackConfidence: face.DefaultFallbackConfidence,
		PadRetry: face.DefaultPadRetry, TinyFallback: true, LandmarksMirror: true, Pick: PickCentral,
		Jobs: runtime.NumCPU(), Out: "build/lfw", AlsoMinImages: 2, Shard: 1, Shards: 1,
	}
}

// Check reports the first option Run cannot run with, naming the field,
// what it must be and what it is.
func (o *Options) Check() error {
	if o.Dir == "" || o.PairsFile == "" {
		return fmt.Errorf("Dir and PairsFile are required, found %q and %q", o.Dir, o.PairsFile)
	}
	if err := checkFolds(o.Folds); err != nil {
		return fmt.Errorf("Folds: %w", err)
	}
	if err := checkEncoders(o.Encoders); err != nil {
		return fmt.Errorf("Encoders: %w", err)
	}
	for _, c := range []struct {
		ok   bool
		name string
		want string
		v    any
	}{
		{o.MobileFaceNetInput == "unit" || o.MobileFaceNetInput == "symmetric", "MobileFaceNetInput", "unit or symmetric", strconv.Quote(o.MobileFaceNetInput)},
		{o.Align >= face.AlignFaceAPI && o.Align <= face.AlignBoth, "Align", "faceapi, similarity or both", int(o.Align)},
		{o.MinConfidence > 0 && o.MinConfidence < 1, "MinConfidence", "in (0,1)", o.MinConfidence},
		{o.FallbackConfidence >= 0 && o.FallbackConfidence < 1, "FallbackConfidence", "in [0,1)", o.FallbackConfidence},
		{o.PadRetry >= 0, "PadRetry", "≥ 0", o.PadRetry},
		{o.Pick == PickCentral || o.Pick == PickLargest, "Pick", "largest or central", strconv.Quote(o.Pick)},
		{o.Jobs >= 1, "Jobs", "≥ 1", o.Jobs},
		{o.MaxPerPerson >= 0, "MaxPerPerson", "≥ 0", o.MaxPerPerson},
		{o.AlsoMinImages >= 1, "AlsoMinImages", "≥ 1", o.AlsoMinImages},
		{o.Shard >= 1 && o.Shard <= o.Shards, "Shard", fmt.Sprintf("in 1..Shards (%d)", o.Shards), o.Shard},
		{o.Degrade == "" || o.Degrade == DegradeSmallGrey, "Degrade", DegradeSmallGrey, strconv.Quote(o.Degrade)},
		{o.Head == nil || o.Head.Score != nil, "Head.Score", "a function", "nil"},
	} {
		if !c.ok {
			return fmt.Errorf("%s: expected %s, found %v", c.name, c.want, c.v)
		}
	}
	if o.Head != nil && len(o.Encoders) != 1 {
		return fmt.Errorf("Head: a head scores one encoder's descriptors, not Encoders %s", strings.Join(o.Encoders, "+"))
	}
	return nil
}

// ParseFolds reads "1-10" or "1,3,5" (ranges and numbers, comma-separated)
// into sorted distinct fold numbers ≥ 1, at least 2 of them.
func ParseFolds(spec string) ([]int, error) {
	set := map[int]bool{}
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			return nil, fmt.Errorf("expected a fold number, found %q", lo)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
				return nil, fmt.Errorf("expected a fold number, found %q", hi)
			}
		}
		if a < 1 || a > b {
			return nil, fmt.Errorf("expected folds from 1 up, low to high, found %q", part)
		}
		for k := a; k <= b; k++ {
			set[k] = true
		}
	}
	out := make([]int, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, checkFolds(out)
}

// checkFolds reports whether folds are at least 2 increasing fold numbers ≥ 1.
func checkFolds(folds []int) error {
	if len(folds) < 2 {
		return fmt.Errorf("the protocol needs at least 2 folds, found %d", len(folds))
	}
	for i, k := range folds {
		if k < 1 || (i > 0 && k <= folds[i-1]) {
			return fmt.Errorf("expected increasing fold numbers ≥ 1, found %v", folds)
		}
	}
	return nil
}

// ParseShard reads "K/N" (1 ≤ K ≤ N) into Options.Shard and Shards.
func ParseShard(spec string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(spec, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || k < 1 || k > n {
		return 0, 0, fmt.Errorf("expected K/N with 1 ≤ K ≤ N, found %q", spec)
	}
	return k, n, nil
}

// ParseEncoders reads "A" or "A+B" into Options.Encoders.
func ParseEncoders(spec string) ([]string, error) {
	encs := strings.Split(spec, "+")
	if err := checkEncoders(encs); err != nil {
		return nil, err
	}
	return encs, nil
}

// checkEncoders reports whether encs is one encoder or two different ones.
func checkEncoders(encs []string) error {
	for _, e := range encs {
		if err := face.CheckEncoderName(e); err != nil {
			return fmt.Errorf("%v, or two of them as A+B", err)
		}
	}
	if len(encs) == 0 || len(encs) > 2 || (len(encs) == 2 && encs[0] == encs[1]) {
		return fmt.Errorf("expected one encoder or two different ones as A+B, found %q", strings.Join(encs, "+"))
	}
	return nil
}
