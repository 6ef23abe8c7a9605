package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/learn"
	"visage/core/lfw"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/tinyface"
)

func init() {
	register("lfw", "LFW verification accuracy of the whole-photo pipeline (10-fold protocol)", runLFW)
}

// lfwResult is what `lfw` prints with --json and writes to OUT/lfw.json.
type lfwResult struct {
	Settings       lfwSettings `json:"settings"`
	Folds          []lfwFold   `json:"folds"`
	Mean           float64     `json:"mean_accuracy"`
	Std            float64     `json:"std_accuracy"`
	FixedThreshold float64     `json:"fixed_threshold"`
	FixedAccuracy  float64     `json:"fixed_accuracy"`
	TAR            float64     `json:"tar_at_far_1e-3"`
	TARThreshold   float64     `json:"tar_threshold"`
	AUC            float64     `json:"auc"`
	Pairs          int         `json:"pairs"`
	MissingPairs   int         `json:"pairs_without_face"`
	MissingScoring string      `json:"pairs_without_face_scored_as"`
	Images         int         `json:"images"`
	NoFace         []string    `json:"images_without_face"`
	// Of the images encoded in this run, those found only at the fallback
	// threshold and those found only on the padded image.
	FallbackImages []string `json:"images_found_at_fallback_confidence"`
	PaddedImages   []string `json:"images_found_on_padded_image"`
	TinyImages     []string `json:"images_found_by_tiny_face_detector"`
	// Calibration is the threshold of best accuracy on --calibrate's pairs.
	Calibration  *lfwCalibration `json:"calibration,omitempty"`
	ROCPNG       string          `json:"roc_png"`
	HistogramPNG string          `json:"histogram_png"`
}

type lfwSettings struct {
	Folds   []int  `json:"folds"`
	Encoder string `json:"encoder"`
	// Align is dlib's alignment ("arcface" without dlib: the other
	// encoders' own); MobileFaceNetInput its input scaling, where it runs.
	Align              string  `json:"align"`
	MobileFaceNetInput string  `json:"mobilefacenet_input,omitempty"`
	Mirror             bool    `json:"mirror"`
	MinConfidence      float64 `json:"min_confidence"`
	FallbackConfidence float64 `json:"fallback_confidence"`
	PadRetry           float64 `json:"pad_retry"`
	TinyFallback       bool    `json:"tiny_fallback"`
	LandmarksMirror    bool    `json:"landmarks_mirror"`
	Pick               string  `json:"pick"`
	// Degrade is what was done to every image before detection ("": nothing).
	Degrade string `json:"degrade,omitempty"`
	// Head is the --head file the pairs were scored with ("" for plain
	// Euclidean distance), Score what a pair's score is.
	Head  string `json:"head,omitempty"`
	Score string `json:"score"`
	// WithoutPeople is the --without-people file whose people's pairs were left out.
	WithoutPeople string `json:"without_people,omitempty"`
}

// lfwCalibration is the threshold of best accuracy on another pairs file
// (pairsDevTrain.txt: LFW's training pairs), scored as the folds are.
type lfwCalibration struct {
	PairsFile string  `json:"pairs_file"`
	Pairs     int     `json:"pairs"`
	Missing   int     `json:"pairs_without_face"`
	Threshold float64 `json:"threshold"`
	Accuracy  float64 `json:"accuracy"`
}

type lfwFold struct {
	Fold      int     `json:"fold"`
	Threshold float64 `json:"threshold"`
	Accuracy  float64 `json:"accuracy"`
	Missing   int     `json:"pairs_without_face"`
}

func runLFW(args []string) error {
	fl := newFlagSet("lfw", "--dir IMAGES --pairs pairs.txt [flags]")
	dir := fl.String("dir", "", "LFW image root (e.g. ../shared/data/lfw/images_deepfunneled)")
	pairsFile := fl.String("pairs", "", "LFW View 2 pairs.txt")
	foldSpec := fl.String("folds", "1-10", "folds to evaluate: a range like 1-10 or a list like 1,3,5 (at least 2)")
	jobs := fl.Int("jobs", runtime.NumCPU(), "images encoded in parallel")
	encoderName := fl.String("encoder", face.EncoderDlib, "face encoder: dlib (128-d ResNet, --align's chips), mobilefacenet (192-d, ArcFace 5-point chip), faceres (1024-d, ArcFace template on a 224 chip), or two of them fused as A+B (each pair's two distances, each divided by its encoder's threshold, averaged; fixed threshold 1)")
	mfnInput := fl.String("mobilefacenet-input", "unit", "MobileFaceNet's input scaling: unit (x/255, what human feeds it; the better on LFW's training pairs) or symmetric ((x-127.5)/128, its training input)")
	calibrate := fl.String("calibrate", "", "also encode the pairs of this `FILE` (pairsDevTrain.txt) and report the threshold of best accuracy on them (never the test folds)")
	alignName := fl.String("align", "both", "dlib's alignment: similarity (dlib template), faceapi (face-api.js crop) or both (their descriptors' mean)")
	mirror := fl.Bool("mirror", true, "average each chip's descriptor with its mirror image's")
	minConf := fl.Float64("min-confidence", 0.1, "SSD score threshold in (0,1)")
	fallback := fl.Float64("fallback-confidence", face.DefaultFallbackConfidence, "if nothing passes --min-confidence, accept detections above this (0: off)")
	padRetry := fl.Float64("pad-retry", face.DefaultPadRetry, "if still no face, detect again with this fraction of the image added as border on every side (0: off)")
	tinyFallback := fl.Bool("tiny-fallback", true, "if the SSD still finds nothing, try the Tiny Face Detector (face.DefaultTinyOptions)")
	landmarksMirror := fl.Bool("landmarks-mirror", true, "average the landmarks of each face crop with its mirror image's (face.Pipeline.MirrorLandmarks)")
	pick := fl.String("pick", "central", "the face scored when an image has several: largest, or central (box centre nearest the image centre, where LFW puts its subject; detection goes on to the fallbacks while no box holds the centre)")
	allVariants := fl.Bool("all-variants", false, "also fill the caches of the other alignment and mirror settings (one detection, four encodings)")
	cachePath := fl.String("cache", "", "encodings cache file (default OUT/encodings-SETTINGS.bin); reused when its settings match")
	out := fl.String("out", "build/lfw", "folder for lfw.json, roc.png and distances.png")
	var alsoPeople, alsoPairs stringList
	fl.Var(&alsoPeople, "also-people", "also encode every image of the people in this people `FILE` who have 2 or more (peopleDevTrain.txt: what train-triplet and train-pairs learn from); repeatable; scoring is unchanged")
	fl.Var(&alsoPairs, "also-pairs", "also encode the images of this pairs `FILE` (pairsDevTest.txt, pairsDevTrain.txt); repeatable; scoring is unchanged")
	headFile := fl.String("head", "", "score the pairs with a head `FILE` from train-triplet (distance between its embeddings) or train-pairs (P(same): larger is same) instead of plain distance; the fixed threshold is the head's. pairs.txt shares people with peopleDevTrain.txt, on whom heads are trained: train-eval leaves them out")
	withoutPeople := fl.String("without-people", "", "score only the pairs without a person of this people `FILE` (peopleDevTrain.txt: the pairs train-eval scores trained heads on); their images are not encoded unless another list names them")
	maxPerPerson := fl.Int("max-per-person", 0, "with --also-people, at most the first `N` images of each person (0: all)")
	minImages := fl.Int("also-min-images", 2, "with --also-people, encode the people with at least `N` images (1: everyone, as identify-eval's strangers need)")
	shardSpec := fl.String("shard", "1/1", "K/N: encode only the K-th of N interleaved parts of the images into OUT/encodings-….shard-K-of-N.bin and stop; N such processes run side by side (a js/wasm build runs one image at a time), and a run without --shard merges their files and scores")
	degradeName := fl.String("degrade", "", "change every image before detection: small-grey (largest side "+strconv.Itoa(smallGreySide)+" px, faces about 55 px wide, colour dropped: the small grey faces identify-eval reports apart); its own caches")
	asJSON := fl.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if *dir == "" || *pairsFile == "" {
		return usagef("--dir and --pairs are required (see `visage lfw -h`)")
	}
	align, err := face.ParseAlign(*alignName)
	if err != nil {
		return usagef("%v", err)
	}
	var degrade func(*tensor.Tensor) *tensor.Tensor
	switch *degradeName {
	case "":
	case "small-grey":
		degrade = smallGrey
	default:
		return usagef("--degrade: expected small-grey, found %q", *degradeName)
	}
	encs := strings.Split(*encoderName, "+")
	for _, e := range encs {
		if err := face.CheckEncoderName(e); err != nil {
			return usagef("--encoder: %v, or two of them as A+B", err)
		}
	}
	if len(encs) > 2 || (len(encs) == 2 && encs[0] == encs[1]) {
		return usagef("--encoder: expected one encoder or two different ones as A+B, found %q", *encoderName)
	}
	if *mfnInput != "symmetric" && *mfnInput != "unit" {
		return usagef("--mobilefacenet-input: expected symmetric or unit, found %q", *mfnInput)
	}
	if !slices.Contains(encs, face.EncoderMobileFaceNet) {
		*mfnInput = ""
	}
	if !(*minConf > 0 && *minConf < 1) || *fallback < 0 || *fallback >= 1 || *padRetry < 0 || *jobs < 1 || *maxPerPerson < 0 || *minImages < 1 {
		return usagef("expected --min-confidence in (0,1), --fallback-confidence in [0,1), --pad-retry ≥ 0, --jobs ≥ 1 and --max-per-person ≥ 0")
	}
	allFolds, err := lfw.ReadPairsFile(*pairsFile)
	if err != nil {
		return err
	}
	if *withoutPeople != "" {
		if allFolds, err = pairsWithout(allFolds, *withoutPeople); err != nil {
			return err
		}
	}
	foldIdx, err := parseFolds(*foldSpec, len(allFolds))
	if err != nil {
		return usagef("--folds: %v", err)
	}
	shard, shards, err := parseShard(*shardSpec)
	if err != nil {
		return usagef("--shard: %v", err)
	}
	if *pick != "largest" && *pick != "central" {
		return usagef("--pick: expected largest or central, found %q", *pick)
	}
	settings := lfwSettings{Folds: foldIdx, Encoder: *encoderName, Align: align.String(), MobileFaceNetInput: *mfnInput, Mirror: *mirror, MinConfidence: *minConf, FallbackConfidence: *fallback, PadRetry: *padRetry, TinyFallback: *tinyFallback, LandmarksMirror: *landmarksMirror, Pick: *pick, Degrade: *degradeName}
	if !slices.Contains(encs, face.EncoderDlib) {
		settings.Align = "arcface"
	}
	head, err := loadHeadFlag(*headFile)
	if err != nil {
		return err
	}
	settings.Head, settings.Score, settings.WithoutPeople = *headFile, scoreName(head), *withoutPeople

	// Every image of the chosen folds (those scored), and every image to
	// encode: those and the extra lists' images, sorted so that every shard
	// draws its part from the same list.
	var scored [][]lfw.Pair
	for _, k := range foldIdx {
		scored = append(scored, allFolds[k-1])
	}
	images := pairImages(scored...)
	var calPairs []lfw.Pair
	if *calibrate != "" {
		folds, err := lfw.ReadPairsFile(*calibrate)
		if err != nil {
			return err
		}
		calPairs = slices.Concat(folds...)
		alsoPairs = append(alsoPairs, *calibrate)
	}
	extra, err := extraImages(alsoPeople, alsoPairs, *maxPerPerson, *minImages)
	if err != nil {
		return err
	}
	toEncode := union(images, extra)
	if len(extra) > 0 {
		fmt.Fprintf(os.Stderr, "%d images of the lists given with --also-people/--also-pairs, %d of them not in the scored pairs\n", len(extra), len(toEncode)-len(images))
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	detectTag := fmt.Sprintf("ssd%g-%g+pad%g", *minConf, *fallback, *padRetry)
	if *tinyFallback {
		detectTag += "+tiny"
	}
	if *pick == "central" {
		detectTag += "+centred"
	}
	detectTag += "+landmarks68"
	if *degradeName != "" {
		detectTag = *degradeName + "+" + detectTag // other images: other detections
	}
	if *landmarksMirror {
		detectTag += "+mirrored"
	}
	// Each encoder's and alignment's descriptors are cached on their own;
	// --align both scores the mean of the similarity and faceapi caches
	// (meanCache), fused the two encoders' caches together (fuseCaches).
	unit := *mfnInput == "unit"
	var variants []lfwVariant
	first := map[string]int{} // each encoder's scored variant
	for _, e := range encs {
		first[e] = len(variants)
		switch {
		case e == face.EncoderDlib && align == face.AlignBoth:
			variants = append(variants, lfwVariant{e, face.AlignSimilarity, *mirror, false}, lfwVariant{e, face.AlignFaceAPI, *mirror, false})
		case e == face.EncoderDlib:
			variants = append(variants, lfwVariant{e, align, *mirror, false})
		default:
			variants = append(variants, lfwVariant{e, 0, *mirror, unit && e == face.EncoderMobileFaceNet})
		}
	}
	if *allVariants {
		for _, e := range encs {
			others := []lfwVariant{{e, 0, false, unit && e == face.EncoderMobileFaceNet}, {e, 0, true, unit && e == face.EncoderMobileFaceNet}}
			if e == face.EncoderDlib {
				others = []lfwVariant{{e, face.AlignFaceAPI, false, false}, {e, face.AlignFaceAPI, true, false}, {e, face.AlignSimilarity, false, false}, {e, face.AlignSimilarity, true, false}}
			}
			for _, v := range others {
				if !slices.Contains(variants, v) {
					variants = append(variants, v)
				}
			}
		}
	}
	caches := make([]*lfw.EncodingCache, len(variants))
	paths := make([]string, len(variants))
	var shardFiles []string // merged into the caches, removed once those are saved
	for i, v := range variants {
		paths[i] = filepath.Join(*out, "encodings-"+v.tag(detectTag)+".bin")
		if i == 0 && *cachePath != "" {
			paths[i] = *cachePath
		}
		var merged []string
		if caches[i], merged, err = openCache(paths[i], v.cacheEncoder(), v.tag(detectTag), v.dim()); err != nil {
			return err
		}
		shardFiles = append(shardFiles, merged...)
		if shards > 1 {
			paths[i] = shardPath(paths[i], shard, shards)
		}
	}
	// The landmarks of the face scored in each image, kept beside the
	// descriptors so that another encoder or alignment needs no second
	// detection pass (detection is most of an image's time).
	lmPath := filepath.Join(*out, "landmarks-"+detectTag+".bin")
	lms, merged, err := openCache(lmPath, landmarksCacheTag, detectTag, 2*landmarks.NumPoints)
	if err != nil {
		return err
	}
	shardFiles = append(shardFiles, merged...)
	if shards > 1 {
		lmPath = shardPath(lmPath, shard, shards)
	}
	cache := caches[0]
	var todo []string
	for i, rel := range toEncode {
		if i%shards != shard-1 {
			continue // another shard's image
		}
		for _, c := range caches {
			if _, ok := c.Images[rel]; !ok {
				todo = append(todo, rel)
				break
			}
		}
	}
	var stages map[face.Stage][]string
	if len(todo) > 0 {
		models, err := assets.FaceModelsDir()
		if err != nil {
			return err
		}
		fsys := os.DirFS(models)
		enc, err := facerec.Load(fsys)
		if err != nil {
			return err
		}
		pipe, err := face.LoadPipeline(fsys, enc, align)
		if err != nil {
			return err
		}
		nets := map[string]face.FaceEncoder{}
		for _, e := range encs {
			if e != face.EncoderDlib {
				if nets[e], err = loadFaceEncoder(e, unit); err != nil {
					return err
				}
			}
		}
		pipe.Options.MinConfidence = *minConf
		pipe.FallbackConfidence = *fallback
		pipe.PadRetry = *padRetry
		pipe.MirrorLandmarks = *landmarksMirror
		pipe.RequireCentre = *pick == "central"
		if *tinyFallback {
			if pipe.Tiny, err = tinyface.Load(fsys); err != nil {
				return err
			}
			pipe.TinyOptions = face.DefaultTinyOptions()
		}
		if stages, err = encodeImages(pipe, nets, *pick == "central", *dir, degrade, todo, *jobs, variants, append(caches, lms), append(paths, lmPath)); err != nil {
			return err
		}
	}
	if shards > 1 {
		fmt.Fprintf(os.Stderr, "shard %d/%d: %d images encoded into %s; once every shard is done, run again without --shard to score\n", shard, shards, len(todo), paths[0])
		return nil
	}
	if len(shardFiles) > 0 {
		for i, c := range caches { // the merged caches hold every shard's descriptors
			if err := c.Save(paths[i]); err != nil {
				return err
			}
		}
		if err := lms.Save(lmPath); err != nil {
			return err
		}
		for _, f := range shardFiles {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}

	byEncoder := make([]*lfw.EncodingCache, len(encs)) // each encoder's
	for i, e := range encs {
		byEncoder[i] = caches[first[e]]
		if e == face.EncoderDlib && align == face.AlignBoth {
			tag := lfwVariant{face.EncoderDlib, align, *mirror, false}.tag(detectTag)
			byEncoder[i] = meanCache(caches[first[e]], caches[first[e]+1], tag)
			if err := byEncoder[i].Save(filepath.Join(*out, "encodings-"+tag+".bin")); err != nil { // for train-*
				return err
			}
		}
	}
	cache = byEncoder[0]
	score := headScore(head)
	fixed := face.EncoderThreshold(encs[0])
	if len(encs) == 2 {
		if head != nil {
			return usagef("--head scores one encoder's descriptors, not --encoder %s", *encoderName)
		}
		cache = fuseCaches(byEncoder[0], byEncoder[1])
		score = fusedScore(encs[0], encs[1])
		fixed = 1
	}
	warnHeadCache(*headFile, head, cache)
	res, outcomes, err := scoreLFW(allFolds, foldIdx, cache, score, fixed, head)
	if err != nil {
		return err
	}
	if calPairs != nil {
		outs := lfw.ScorePairs(calPairs, func(rel string) []float32 { return cache.Images[rel] }, score)
		t, acc, ok := lfw.BestThreshold(outs, headOrientation(head))
		if !ok {
			return fmt.Errorf("--calibrate %s: no threshold (every pair lacks a face?)", *calibrate)
		}
		res.Calibration = &lfwCalibration{PairsFile: filepath.Base(*calibrate), Pairs: len(outs), Threshold: t, Accuracy: acc}
		for _, o := range outs {
			if o.Missing() {
				res.Calibration.Missing++
			}
		}
	}
	res.Settings = settings
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
	res.ROCPNG = filepath.Join(*out, "roc.png")
	res.HistogramPNG = filepath.Join(*out, "distances.png")
	if err := plotROC(res.ROCPNG, outcomes, headOrientation(head)); err != nil {
		return err
	}
	if err := plotDistances(res.HistogramPNG, outcomes, settings.Score); err != nil {
		return err
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "lfw.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if *asJSON {
		fmt.Println(string(js))
		return nil
	}
	printLFW(res)
	return nil
}

// parseFolds reads "1-10" or "1,3,5" into sorted distinct fold numbers in 1..n.
func parseFolds(spec string, n int) ([]int, error) {
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
		if a < 1 || b > n || a > b {
			return nil, fmt.Errorf("expected folds within 1-%d, found %q", n, part)
		}
		for k := a; k <= b; k++ {
			set[k] = true
		}
	}
	if len(set) < 2 {
		return nil, fmt.Errorf("the protocol needs at least 2 folds, found %d", len(set))
	}
	var out []int
	for k := range set {
		out = append(out, k)
	}
	sort.Ints(out)
	return out, nil
}

// pairImages returns the images of the pairs, sorted, once each.
func pairImages(lists ...[]lfw.Pair) []string {
	var images []string
	for _, pairs := range lists {
		for _, p := range pairs {
			images = append(images, p.Image1(), p.Image2())
		}
	}
	return union(images)
}

// pairsWithout returns folds without the pairs that involve a person of the
// people file (every fold of it).
func pairsWithout(folds [][]lfw.Pair, peopleFile string) ([][]lfw.Pair, error) {
	out, err := peopleNames(peopleFile)
	if err != nil {
		return nil, err
	}
	kept := make([][]lfw.Pair, len(folds))
	for k, fold := range folds {
		for _, p := range fold {
			if !out[p.Name1] && !out[p.Name2] {
				kept[k] = append(kept[k], p)
			}
		}
	}
	return kept, nil
}

// peopleNames returns the names in a people file (every fold of it).
func peopleNames(peopleFile string) (map[string]bool, error) {
	folds, err := lfw.ReadPeopleFile(peopleFile)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, fold := range folds {
		for _, p := range fold {
			names[p.Name] = true
		}
	}
	return names, nil
}

// extraImages returns the images of --also-people's people with minImages or
// more images (at most maxPer each, 0 meaning all) and of --also-pairs'
// pairs, sorted, once each.
func extraImages(peopleFiles, pairsFiles []string, maxPer, minImages int) ([]string, error) {
	var images []string
	for _, f := range peopleFiles {
		folds, err := lfw.ReadPeopleFile(f)
		if err != nil {
			return nil, err
		}
		for _, fold := range folds {
			for _, p := range fold {
				n := p.Images
				if maxPer > 0 {
					n = min(n, maxPer)
				}
				for i := 1; i <= n && p.Images >= minImages; i++ {
					images = append(images, lfw.ImageRel(p.Name, i))
				}
			}
		}
	}
	for _, f := range pairsFiles {
		folds, err := lfw.ReadPairsFile(f)
		if err != nil {
			return nil, err
		}
		images = append(images, pairImages(folds...)...)
	}
	return union(images), nil
}

// union returns the strings of the lists, sorted, once each.
func union(lists ...[]string) []string {
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	sort.Strings(all)
	return slices.Compact(all)
}

// lfwVariant is one way of turning landmarks into a descriptor: an
// encoder, dlib's alignment (MobileFaceNet has its own, ArcFace's), whether
// the mirror chip's descriptor is averaged in, and MobileFaceNet's input
// scaling (unitInput: x/255).
type lfwVariant struct {
	enc       string
	align     face.Align
	mirror    bool
	unitInput bool
}

// tag names the variant's cache settings after the detection settings
// (dlib's tags are those of the caches made before MobileFaceNet came).
func (v lfwVariant) tag(detect string) string {
	t := detect + "+" + v.align.String()
	switch v.enc {
	case face.EncoderMobileFaceNet:
		t = detect + "+arcface"
		if v.unitInput {
			t += "+unit"
		}
	case face.EncoderFaceRes:
		t = detect + "+arcface224"
	}
	if v.mirror {
		t += "+mirror"
	}
	return t
}

// cacheEncoder is the Encoder field of the variant's caches.
func (v lfwVariant) cacheEncoder() string {
	if v.enc != face.EncoderDlib {
		return v.enc
	}
	return dlibCacheTag
}

// dim is the Dim field of the variant's caches (0: 128).
func (v lfwVariant) dim() int {
	if v.enc != face.EncoderDlib {
		return face.EncoderDim(v.enc)
	}
	return 0
}

// fuseCaches is the cache of each image's descriptor in a followed by its
// descriptor in b (no face where either has none), for fusedScore.
func fuseCaches(a, b *lfw.EncodingCache) *lfw.EncodingCache {
	dim := func(c *lfw.EncodingCache) int { return max(c.Dim, face.DescriptorLen*btoi(c.Dim == 0)) }
	c := &lfw.EncodingCache{Encoder: a.Encoder + "+" + b.Encoder, Alignment: a.Alignment + "," + b.Alignment, Dim: dim(a) + dim(b)}
	return combineCaches(c, a, b, func(x, y []float32) []float32 { return slices.Concat(x, y) })
}

// combineCaches fills c with combine(x, y) for each image whose descriptor
// is x in a and y in b (no face where either has none; images b lacks are
// left out), and returns it.
func combineCaches(c, a, b *lfw.EncodingCache, combine func(x, y []float32) []float32) *lfw.EncodingCache {
	c.Images = map[string][]float32{}
	for rel, x := range a.Images {
		y, ok := b.Images[rel]
		switch {
		case !ok:
		case len(x) == 0 || len(y) == 0:
			c.Images[rel] = []float32{}
		default:
			c.Images[rel] = combine(x, y)
		}
	}
	return c
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fusedScore scores two fuseCaches descriptors of encoders e1 and e2: the
// mean of their two distances, each divided by its encoder's threshold, so
// that 1 is the fused threshold.
func fusedScore(e1, e2 string) func(a, b []float32) float64 {
	n := face.EncoderDim(e1)
	t1, t2 := face.EncoderThreshold(e1), face.EncoderThreshold(e2)
	return func(a, b []float32) float64 {
		return (face.Distance(a[:n], b[:n])/t1 + face.Distance(a[n:], b[n:])/t2) / 2
	}
}

// parseShard reads --shard's "K/N" (1 ≤ K ≤ N).
func parseShard(spec string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(spec, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || k < 1 || k > n {
		return 0, 0, fmt.Errorf("expected K/N with 1 ≤ K ≤ N, found %q", spec)
	}
	return k, n, nil
}

// meanCache is the cache of the mean descriptors of a and b (no face where
// either has none), tagged tag.
func meanCache(a, b *lfw.EncodingCache, tag string) *lfw.EncodingCache {
	c := &lfw.EncodingCache{Encoder: a.Encoder, Alignment: tag}
	return combineCaches(c, a, b, func(x, y []float32) []float32 { return face.MeanDescriptor(x, y) })
}

// The encoder tags of the caches: dlib's ResNet (face-api.js's port), and
// the 68 landmarks (x0, y0, x1, y1, …) of the face scored.
const (
	dlibCacheTag      = "faceapi-resnet34"
	landmarksCacheTag = "landmarks68"
)

// shardPath is where shard k of n keeps the cache whose merged file is path.
func shardPath(path string, k, n int) string {
	return fmt.Sprintf("%s.shard-%d-of-%d.bin", strings.TrimSuffix(path, ".bin"), k, n)
}

// openCache loads the cache at path when it was made with the same
// settings, or starts an empty one, and adds what the shard files beside it
// (see shardPath) hold; it returns those files' names.
func openCache(path, encoderTag, alignTag string, dim int) (*lfw.EncodingCache, []string, error) {
	load := func(path string) (*lfw.EncodingCache, error) {
		c, err := lfw.LoadEncodingCache(path)
		if err == nil && (c.Encoder != encoderTag || c.Alignment != alignTag || c.Dim != dim) {
			return nil, fmt.Errorf("%s was made with %s/%s (dim %d), not %s/%s (dim %d): pass another --cache or delete it", path, c.Encoder, c.Alignment, c.Dim, encoderTag, alignTag, dim)
		}
		return c, err
	}
	c, err := load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c = &lfw.EncodingCache{Encoder: encoderTag, Alignment: alignTag, Dim: dim, Images: map[string][]float32{}}
	case err != nil:
		return nil, nil, err
	}
	shards, err := filepath.Glob(strings.TrimSuffix(path, ".bin") + ".shard-*-of-*.bin")
	if err != nil {
		return nil, nil, err
	}
	for _, f := range shards {
		s, err := load(f)
		if err != nil {
			return nil, nil, err
		}
		for rel, d := range s.Images {
			if _, ok := c.Images[rel]; !ok {
				c.Images[rel] = d
			}
		}
	}
	return c, shards, nil
}

// encodeImages runs the pipeline over todo with jobs workers: one detection
// and landmark pass per image, then each variant's descriptor of the largest
// face (an empty descriptor for no face) into its cache. caches and paths
// hold one more entry than variants: the landmarks cache, whose landmarks
// stand in for detection where it already holds the image (an empty entry:
// no face) and which gets the landmarks of the images detected here. The caches are
// saved every minute, so an interrupted run resumes. It returns the
// images by the detection stage that found them. With central, the face
// whose box centre is nearest the image centre is described instead. A
// non-nil degrade changes each image as it is read.
func encodeImages(pipe *face.Pipeline, nets map[string]face.FaceEncoder, central bool, dir string, degrade func(*tensor.Tensor) *tensor.Tensor, todo []string, jobs int, variants []lfwVariant, caches []*lfw.EncodingCache, paths []string) (map[face.Stage][]string, error) {
	type result struct {
		rel   string
		encs  [][]float32 // per variant
		stage face.Stage
		err   error
	}
	lms := caches[len(variants)]
	encode := func(rel string) result {
		r := result{rel: rel, encs: make([][]float32, len(variants)+1)}
		img, err := imageio.DecodeFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			r.err = err
			return r
		}
		if degrade != nil {
			img = degrade(img)
		}
		entry, ok := lms.Images[rel]
		pts, known := landmarksOf(entry, ok)
		if !known {
			dets, stage, err := pipe.Detect(img)
			if err != nil || len(dets) == 0 {
				r.err = err
				return r
			}
			best := face.LargestDetection(dets)
			if central {
				best = face.CentralDetection(dets, img)
			}
			if pts, err = pipe.Landmarks68(img, dets[best].Box); err != nil {
				return r // the box lies outside the image: no face
			}
			r.stage = stage
		}
		if pts == nil {
			return r // no face, as an earlier run found
		}
		r.encs[len(variants)] = flattenLandmarks(pts)
		for _, group := range []lfwVariant{{enc: face.EncoderDlib, align: face.AlignFaceAPI}, {enc: face.EncoderDlib, align: face.AlignSimilarity}, {enc: face.EncoderMobileFaceNet}, {enc: face.EncoderFaceRes}} {
			var plain, averaged []float32
			for i, v := range variants {
				if v.enc != group.enc || (v.enc == face.EncoderDlib && v.align != group.align) {
					continue
				}
				if plain == nil {
					p := *pipe
					p.Align = group.align
					if v.enc != face.EncoderDlib {
						p.Encoder = nets[v.enc]
					}
					if plain, averaged, err = p.EncodeBoth(img, pts); err != nil {
						r.err = err
						return r
					}
				}
				r.encs[i] = plain
				if v.mirror {
					r.encs[i] = averaged
				}
			}
		}
		return r
	}
	work := make(chan string)
	results := make(chan result)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for rel := range work {
				results <- encode(rel)
			}
		})
	}
	// Ctrl-C (or SIGTERM) stops handing out images; those in flight finish
	// and everything done is saved, so the next run resumes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		for _, rel := range todo {
			select {
			case work <- rel:
				continue
			case <-ctx.Done():
			}
			break
		}
		close(work)
		wg.Wait()
		close(results)
	}()
	save := func() error {
		for i, c := range caches {
			if err := c.Save(paths[i]); err != nil {
				return err
			}
		}
		return nil
	}
	stages := map[face.Stage][]string{}
	bar := newProgressBar(len(todo))
	var firstErr error
	done := 0
	lastSave := time.Now()
	for r := range results {
		done++
		bar.update(done, func(el time.Duration) string {
			rate := float64(done) / el.Seconds()
			left := time.Duration(float64(len(todo)-done)/max(rate, 1e-9)) * time.Second
			return fmt.Sprintf("%.1f img/s  %s left", rate, left.Round(time.Second))
		})
		if r.err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", r.rel, r.err)
			}
			continue
		}
		if r.stage != face.StageNone {
			stages[r.stage] = append(stages[r.stage], r.rel)
		}
		for i, c := range caches {
			c.Images[r.rel] = r.encs[i]
			if c.Images[r.rel] == nil {
				c.Images[r.rel] = []float32{}
			}
		}
		if time.Since(lastSave) > time.Minute {
			if err := save(); err != nil && firstErr == nil {
				firstErr = err
			}
			lastSave = time.Now()
		}
	}
	bar.finish()
	if err := save(); err != nil && firstErr == nil {
		firstErr = err
	}
	if ctx.Err() != nil && firstErr == nil {
		firstErr = fmt.Errorf("interrupted after %d of %d images; the caches keep them, run again to resume", done, len(todo))
	}
	for _, list := range stages {
		sort.Strings(list)
	}
	return stages, firstErr
}

// flattenLandmarks is pts as x0, y0, x1, y1, … (a landmarks cache entry).
func flattenLandmarks(pts []landmarks.Point) []float32 {
	out := make([]float32, 0, 2*len(pts))
	for _, p := range pts {
		out = append(out, float32(p.X), float32(p.Y))
	}
	return out
}

// landmarksOf reads a landmarks cache entry: known says whether the image
// was looked at, pts is nil where it held no face.
func landmarksOf(entry []float32, ok bool) (pts []landmarks.Point, known bool) {
	if !ok {
		return nil, false
	}
	for i := 0; i+1 < len(entry); i += 2 {
		pts = append(pts, landmarks.Point{X: float64(entry[i]), Y: float64(entry[i+1])})
	}
	return pts, true
}

// scoreLFW scores the chosen folds' pairs with score (a head's, Euclidean
// distance, the fused score) and runs the protocol, the head's threshold
// (fixed for nil) being the fixed one; pairs with a face missing are kept and count as
// errors.
func scoreLFW(allFolds [][]lfw.Pair, foldIdx []int, cache *lfw.EncodingCache, score func(a, b []float32) float64, fixed float64, head *learn.Head) (*lfwResult, []lfw.Outcome, error) {
	lookup := func(rel string) []float32 { return cache.Images[rel] }
	var folds [][]lfw.Outcome
	var all []lfw.Outcome
	for _, k := range foldIdx {
		outs := lfw.ScorePairs(allFolds[k-1], lookup, score)
		folds = append(folds, outs)
		all = append(all, outs...)
	}
	if head != nil {
		fixed = head.Threshold
	}
	r, err := lfw.Evaluate(folds, headOrientation(head), fixed)
	if err != nil {
		return nil, nil, err
	}
	res := &lfwResult{
		Mean: r.Mean, Std: r.Std, FixedThreshold: r.FixedThreshold, FixedAccuracy: r.FixedAccuracy,
		TAR: r.TAR, TARThreshold: r.TARThreshold, AUC: r.AUC, Pairs: r.Pairs, MissingPairs: r.Missing,
		MissingScoring: "error at every threshold (a same pair rejected, a different pair accepted)",
	}
	for i, f := range r.Folds {
		res.Folds = append(res.Folds, lfwFold{Fold: foldIdx[i], Threshold: f.Threshold, Accuracy: f.Accuracy, Missing: f.Missing})
	}
	return res, all, nil
}

func printLFW(r *lfwResult) {
	fmt.Printf("LFW, %d folds, %d pairs, %d images, encoder %s, alignment %s", len(r.Folds), r.Pairs, r.Images, r.Settings.Encoder, r.Settings.Align)
	if r.Settings.Mirror {
		fmt.Print(" + mirror")
	}
	if r.Settings.LandmarksMirror {
		fmt.Print(", mirror-averaged landmarks")
	}
	fmt.Printf(", %s face, score: %s\n", r.Settings.Pick, r.Settings.Score)
	for _, f := range r.Folds {
		fmt.Printf("  fold %2d  threshold %.4f  accuracy %.2f%%\n", f.Fold, f.Threshold, 100*f.Accuracy)
	}
	fmt.Printf("accuracy %.2f%% ± %.2f%% (mean ± std over folds)\n", 100*r.Mean, 100*r.Std)
	fmt.Printf("at the fixed threshold %.4g: %.2f%%\n", r.FixedThreshold, 100*r.FixedAccuracy)
	fmt.Printf("TAR %.2f%% at FAR ≤ 1e-3 (threshold %.4f), AUC %.5f\n", 100*r.TAR, r.TARThreshold, r.AUC)
	if c := r.Calibration; c != nil {
		fmt.Printf("calibration on %s (%d pairs, %d without a face): best threshold %.4f, accuracy %.2f%%\n", c.PairsFile, c.Pairs, c.Missing, c.Threshold, 100*c.Accuracy)
	}
	fmt.Printf("this run: %d images found only at the fallback confidence, %d only on the padded image, %d only by the Tiny Face Detector\n",
		len(r.FallbackImages), len(r.PaddedImages), len(r.TinyImages))
	fmt.Printf("%d images without a face (%d pairs, each counted as an error)\n", len(r.NoFace), r.MissingPairs)
	for _, rel := range r.NoFace {
		fmt.Println("  " + rel)
	}
	fmt.Printf("plots: %s, %s\n", r.ROCPNG, r.HistogramPNG)
}

// smallGreySide is the largest side of --degrade small-grey's images: LFW's
// 250×250 photos halved, so that its faces (about 110 px wide in the
// deep-funneled set) are about 55 px wide, as small faces in a crowd or a
// security camera's frame are.
const smallGreySide = 125

// smallGrey is --degrade small-grey: img shrunk to smallGreySide (box
// filter) and made grey.
func smallGrey(img *tensor.Tensor) *tensor.Tensor {
	return imageio.Greyscale(imageio.DownscaleArea(img, smallGreySide))
}
