package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"visage/core/face"
	"visage/core/learn"
	"visage/core/lfw"
	"visage/models/assets"
)

func init() {
	register("lfw", "LFW verification accuracy of the whole-photo pipeline (10-fold protocol)", runLFW)
}

// runLFW reads the flags into lfw.Options, runs the protocol (lfw.Run),
// draws its plots and writes OUT/lfw.json, then prints the result (as JSON
// with --json).
func runLFW(args []string) error {
	o := lfw.DefaultOptions()
	fl := newFlagSet("lfw", "--dir IMAGES --pairs pairs.txt [flags]")
	fl.StringVar(&o.Dir, "dir", "", "LFW image root (e.g. ../shared/data/lfw/images_deepfunneled)")
	fl.StringVar(&o.PairsFile, "pairs", "", "LFW View 2 pairs.txt")
	foldSpec := fl.String("folds", "1-10", "folds to evaluate: a range like 1-10 or a list like 1,3,5 (at least 2)")
	fl.IntVar(&o.Jobs, "jobs", o.Jobs, "images encoded in parallel")
	encoderName := fl.String("encoder", face.EncoderDlib, "face encoder: dlib (128-d ResNet, --align's chips), mobilefacenet (192-d, ArcFace 5-point chip), faceres (1024-d, ArcFace template on a 224 chip), or two of them fused as A+B (each pair's two distances, each divided by its encoder's threshold, averaged; fixed threshold 1)")
	fl.StringVar(&o.MobileFaceNetInput, "mobilefacenet-input", o.MobileFaceNetInput, "MobileFaceNet's input scaling: unit (x/255, what human feeds it; the better on LFW's training pairs) or symmetric ((x-127.5)/128, its training input)")
	fl.StringVar(&o.CalibrateFile, "calibrate", "", "also encode the pairs of this `FILE` (pairsDevTrain.txt) and report the threshold of best accuracy on them (never the test folds)")
	alignName := fl.String("align", o.Align.String(), "dlib's alignment: similarity (dlib template), faceapi (face-api.js crop) or both (their descriptors' mean)")
	fl.BoolVar(&o.Mirror, "mirror", o.Mirror, "average each chip's descriptor with its mirror image's")
	fl.Float64Var(&o.MinConfidence, "min-confidence", o.MinConfidence, "SSD score threshold in (0,1)")
	fl.Float64Var(&o.FallbackConfidence, "fallback-confidence", o.FallbackConfidence, "if nothing passes --min-confidence, accept detections above this (0: off)")
	fl.Float64Var(&o.PadRetry, "pad-retry", o.PadRetry, "if still no face, detect again with this fraction of the image added as border on every side (0: off)")
	fl.BoolVar(&o.TinyFallback, "tiny-fallback", o.TinyFallback, "if the SSD still finds nothing, try the Tiny Face Detector (face.DefaultTinyOptions)")
	fl.BoolVar(&o.LandmarksMirror, "landmarks-mirror", o.LandmarksMirror, "average the landmarks of each face crop with its mirror image's (face.Pipeline.MirrorLandmarks)")
	fl.StringVar(&o.Pick, "pick", o.Pick, "the face scored when an image has several: largest, or central (box centre nearest the image centre, where LFW puts its subject; detection goes on to the fallbacks while no box holds the centre)")
	fl.BoolVar(&o.AllVariants, "all-variants", false, "also fill the caches of the other alignment and mirror settings (one detection, four encodings)")
	fl.StringVar(&o.CachePath, "cache", "", "encodings cache file (default OUT/encodings-SETTINGS.bin); reused when its settings match")
	fl.StringVar(&o.Out, "out", o.Out, "folder for lfw.json, roc.png and distances.png")
	var alsoPeople, alsoPairs stringList
	fl.Var(&alsoPeople, "also-people", "also encode every image of the people in this people `FILE` who have 2 or more (peopleDevTrain.txt: what train-triplet and train-pairs learn from); repeatable; scoring is unchanged")
	fl.Var(&alsoPairs, "also-pairs", "also encode the images of this pairs `FILE` (pairsDevTest.txt, pairsDevTrain.txt); repeatable; scoring is unchanged")
	headFile := fl.String("head", "", "score the pairs with a head `FILE` from train-triplet (distance between its embeddings) or train-pairs (P(same): larger is same) instead of plain distance; the fixed threshold is the head's. pairs.txt shares people with peopleDevTrain.txt, on whom heads are trained: train-eval leaves them out")
	fl.StringVar(&o.WithoutPeople, "without-people", "", "score only the pairs without a person of this people `FILE` (peopleDevTrain.txt: the pairs train-eval scores trained heads on); their images are not encoded unless another list names them")
	fl.IntVar(&o.MaxPerPerson, "max-per-person", 0, "with --also-people, at most the first `N` images of each person (0: all)")
	fl.IntVar(&o.AlsoMinImages, "also-min-images", o.AlsoMinImages, "with --also-people, encode the people with at least `N` images (1: everyone, as identify-eval's strangers need)")
	shardSpec := fl.String("shard", "1/1", "K/N: encode only the K-th of N interleaved parts of the images into OUT/encodings-….shard-K-of-N.bin and stop; N such processes run side by side (a js/wasm build runs one image at a time), and a run without --shard merges their files and scores")
	fl.StringVar(&o.Degrade, "degrade", "", "change every image before detection: small-grey (largest side "+strconv.Itoa(lfw.SmallGreySide)+" px, faces about 55 px wide, colour dropped: the small grey faces identify-eval reports apart); its own caches")
	asJSON := fl.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if o.Dir == "" || o.PairsFile == "" {
		return usagef("--dir and --pairs are required (see `visage lfw -h`)")
	}
	var err error
	if o.Align, err = face.ParseAlign(*alignName); err != nil {
		return usagef("%v", err)
	}
	if o.Encoders, err = lfw.ParseEncoders(*encoderName); err != nil {
		return usagef("--encoder: %v", err)
	}
	if o.Folds, err = lfw.ParseFolds(*foldSpec); err != nil {
		return usagef("--folds: %v", err)
	}
	if o.Shard, o.Shards, err = lfw.ParseShard(*shardSpec); err != nil {
		return usagef("--shard: %v", err)
	}
	o.AlsoPeople, o.AlsoPairs = alsoPeople, alsoPairs
	head, err := loadHeadFlag(*headFile)
	if err != nil {
		return err
	}
	if head != nil {
		o.Head = &lfw.Head{File: *headFile, Name: scoreName(head), Score: headScore(head), Orientation: headOrientation(head), Threshold: head.Threshold}
	}
	if err := o.Check(); err != nil {
		return usagef("%v (see `visage lfw -h`)", err)
	}
	o.FaceModels, o.LoadEncoder = faceModelsFS, loadFaceEncoder
	o.Log, o.Progress = os.Stderr, &encodingBar{}

	// Ctrl-C (or SIGTERM) stops the encoding pass; the images in flight
	// finish and everything done is saved, so the next run resumes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := lfw.Run(ctx, o)
	if err != nil || res == nil { // a shard run scores nothing
		return err
	}
	return reportLFW(res, head, o.Out, *asJSON)
}

// reportLFW draws res's plots into out, writes out/lfw.json and prints res
// (as JSON with asJSON), warning when head was trained on other encodings
// than the ones scored.
func reportLFW(res *lfw.Result, head *learn.Head, out string, asJSON bool) error {
	warnHeadCache(res.Settings.Head, head, res.Scored)
	res.ROCPNG = filepath.Join(out, "roc.png")
	res.HistogramPNG = filepath.Join(out, "distances.png")
	if err := plotROC(res.ROCPNG, res.Outcomes, headOrientation(head)); err != nil {
		return err
	}
	if err := plotDistances(res.HistogramPNG, res.Outcomes, res.Settings.Score); err != nil {
		return err
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "lfw.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if asJSON {
		fmt.Println(string(js))
		return nil
	}
	return res.WriteText(os.Stdout)
}

// faceModelsFS opens face-api.js's model folder (lfw.Options.FaceModels).
func faceModelsFS() (fs.FS, error) {
	dir, err := assets.FaceModelsDir()
	if err != nil {
		return nil, err
	}
	return os.DirFS(dir), nil
}

// encodingBar draws lfw.Run's encoding pass as a progress bar with its rate
// and the time left (lfw.Progress).
type encodingBar struct{ bar *progressBar }

func (b *encodingBar) Step(done, total int) {
	if done == 0 {
		b.bar = newProgressBar(total)
		return
	}
	b.bar.update(done, func(el time.Duration) string {
		rate := float64(done) / el.Seconds()
		left := time.Duration(float64(total-done)/max(rate, 1e-9)) * time.Second
		return fmt.Sprintf("%.1f img/s  %s left", rate, left.Round(time.Second))
	})
}

func (b *encodingBar) End() { b.bar.finish() }
