package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"visage/core/learn"
	"visage/core/lfw"
	"visage/models/assets"
)

func init() {
	register("train-triplet", "learn a projection head on cached encodings with the triplet loss", runTrainTriplet)
	register("train-pairs", "learn a same/different classifier on pairs of cached encodings", runTrainPairs)
}

// trainFlags are the flags both training commands share.
type trainFlags struct {
	cache, lfwDir, out, plot string
	seed                     uint64
	epochs                   int
	optim                    string
	lr                       float64
	val                      float64
	maxPer                   int
	asJSON                   bool
}

func (t *trainFlags) add(fl *flag.FlagSet, out string, epochs int, lr float64) {
	fl.StringVar(&t.cache, "cache", "", "encodings cache `FILE` (from `visage lfw`), keyed Name/Name_0001.jpg (required)")
	fl.StringVar(&t.lfwDir, "lfw", "", "`DIR` with LFW's people*.txt and pairs*.txt (default ../shared/data/lfw)")
	fl.StringVar(&t.out, "out", out, "write the trained head to `FILE` (JSON)")
	fl.StringVar(&t.plot, "plot", "", "also plot the loss per epoch to `FILE.png`")
	fl.Uint64Var(&t.seed, "seed", 1, "random seed: the same seed and data give the same head")
	fl.IntVar(&t.epochs, "epochs", epochs, "training epochs")
	fl.StringVar(&t.optim, "optim", "adam", "optimizer: adam or sgd (momentum 0.9)")
	fl.Float64Var(&t.lr, "lr", lr, "learning rate")
	fl.BoolVar(&t.asJSON, "json", false, "print the evaluation as JSON on stdout")
	t.addData(fl)
}

// addData declares the flags that choose the training and held-out data,
// which train-eval must repeat as training had them.
func (t *trainFlags) addData(fl *flag.FlagSet) {
	fl.Float64Var(&t.val, "val", 0.1, "fraction of the peopleDevTrain people held out of training to choose thresholds on")
	fl.IntVar(&t.maxPer, "max-per-person", 0, "use only images 1..`N` of each peopleDevTrain person (0: every cached one), as `lfw --max-per-person` encodes them")
}

// trainData is what a training command works from: the cache, the LFW
// lists, the training people's encodings, and pairs of held-out training
// people on which thresholds are chosen.
type trainData struct {
	cache    *lfw.EncodingCache
	lists    *lfwLists
	set      learn.Dataset
	people   int             // people in set
	valPairs []lfw.Pair      // balanced pairs of the held-out people
	valNames int             // held-out people
	trainID  map[string]bool // every peopleDevTrain name, held out or not
}

// lfwLists are the list files the commands read.
type lfwLists struct {
	trainPeople []lfw.Person
	devTest     []lfw.Pair
	view2       [][]lfw.Pair
	devTestFile string // for messages
}

func readLists(dir string) (*lfwLists, error) {
	if dir == "" {
		shared, err := assets.SharedDir()
		if err != nil {
			return nil, fmt.Errorf("no --lfw given and %v", err)
		}
		dir = filepath.Join(shared, "data", "lfw")
	}
	l := &lfwLists{devTestFile: filepath.Join(dir, "pairsDevTest.txt")}
	people, err := lfw.ReadPeopleFile(filepath.Join(dir, "peopleDevTrain.txt"))
	if err != nil {
		return nil, err
	}
	l.trainPeople = people[0]
	folds, err := lfw.ReadPairsFile(l.devTestFile)
	if err != nil {
		return nil, err
	}
	l.devTest = folds[0]
	if l.view2, err = lfw.ReadPairsFile(filepath.Join(dir, "pairs.txt")); err != nil {
		return nil, err
	}
	return l, nil
}

// valPairCount is how many pairs of held-out people thresholds are chosen on.
const valPairCount = 4000

// loadTrainData reads the cache and the lists and gathers every cached
// encoding of the peopleDevTrain people (of their images 1..maxPer with
// --max-per-person), one label per person. A fraction
// val of the people with two or more encodings (drawn with seed) is held out
// of training; balanced pairs of their images are where every verifier's
// threshold is chosen, since a threshold chosen on the people a head was
// trained on is biased by how well it fits them.
func loadTrainData(t *trainFlags) (*trainData, error) {
	if t.cache == "" {
		return nil, usagef("--cache is required (make one with `visage lfw`)")
	}
	if t.epochs < 1 || !(t.lr > 0) || !(t.val > 0 && t.val < 1) || t.maxPer < 0 {
		return nil, usagef("expected --epochs ≥ 1, --lr > 0, --val in (0,1) and --max-per-person ≥ 0, found %d, %v, %v and %d", t.epochs, t.lr, t.val, t.maxPer)
	}
	cache, err := lfw.LoadEncodingCache(t.cache)
	if err != nil {
		return nil, err
	}
	lists, err := readLists(t.lfwDir)
	if err != nil {
		return nil, err
	}
	d := &trainData{cache: cache, lists: lists, trainID: map[string]bool{}}
	// Per person, the numbers of its encoded images.
	encoded := make([][]int, len(lists.trainPeople))
	var multi []int // people with ≥ 2 encodings
	for i, p := range lists.trainPeople {
		d.trainID[p.Name] = true
		last := p.Images
		if t.maxPer > 0 {
			last = min(last, t.maxPer)
		}
		for n := 1; n <= last; n++ {
			if len(cache.Images[lfw.ImageRel(p.Name, n)]) > 0 {
				encoded[i] = append(encoded[i], n)
			}
		}
		if len(encoded[i]) >= 2 {
			multi = append(multi, i)
		}
	}
	rng := rand.New(rand.NewPCG(t.seed, 0x76616c)) // "val"
	rng.Shuffle(len(multi), func(i, j int) { multi[i], multi[j] = multi[j], multi[i] })
	held := map[int]bool{}
	for _, i := range multi[:int(t.val*float64(len(multi))+0.5)] {
		held[i] = true
	}
	var rows [][]float32
	var valX [][]float32
	var valLabels []int
	var valImage []lfw.Pair // valImage[j] names sample j (as Name1/Index1)
	for i, p := range lists.trainPeople {
		if len(encoded[i]) > 0 && !held[i] {
			d.people++
		}
		for _, n := range encoded[i] {
			enc := cache.Images[lfw.ImageRel(p.Name, n)]
			if held[i] {
				valX = append(valX, enc)
				valLabels = append(valLabels, i)
				valImage = append(valImage, lfw.Pair{Name1: p.Name, Index1: n})
			} else {
				rows = append(rows, enc)
				d.set.Labels = append(d.set.Labels, i)
			}
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s holds no encoding of a peopleDevTrain person", t.cache)
	}
	sampler, err := learn.NewPairSampler(valLabels, rng)
	if err != nil {
		return nil, fmt.Errorf("held-out people for the threshold (--val %v): %v", t.val, err)
	}
	for j := range valPairCount {
		a, b, same := sampler.Pair(j)
		d.valPairs = append(d.valPairs, lfw.Pair{Name1: valImage[a].Name1, Index1: valImage[a].Index1,
			Name2: valImage[b].Name1, Index2: valImage[b].Index1, Same: same})
	}
	d.valNames = len(held)
	d.set.X = learn.FromRows(rows)
	fmt.Fprintf(os.Stderr, "training on %d encodings of %d peopleDevTrain people, %d people (%d encodings) held out for thresholds (cache %s, %s/%s)\n",
		len(rows), d.people, len(held), len(valX), t.cache, cache.Encoder, cache.Alignment)
	return d, nil
}

// epochPrinter returns a Progress callback drawing a bar and the loss per
// epoch on stderr, and records the losses.
func epochPrinter(total int, losses *[]float64) func(int, learn.Epoch) {
	return func(ep int, e learn.Epoch) {
		*losses = append(*losses, e.Loss)
		const width = 20
		done := width * ep / total
		fmt.Fprintf(os.Stderr, "[%s%s] epoch %3d/%d  loss %.5f", strings.Repeat("#", done), strings.Repeat(".", width-done), ep, total, e.Loss)
		if e.Active > 0 {
			fmt.Fprintf(os.Stderr, "  active triplets %.1f%%", 100*e.Active)
		}
		fmt.Fprintln(os.Stderr)
	}
}

func runTrainTriplet(args []string) error {
	fl := newFlagSet("train-triplet", "--cache FILE [flags]")
	var t trainFlags
	t.add(fl, "build/head-triplet.json", 30, 1e-3)
	hidden := fl.Int("hidden", 0, "width of a hidden ReLU layer (0: a linear head)")
	dim := fl.Int("dim", 64, "embedding size")
	identity := fl.Bool("identity", false, "start a linear head at the identity (needs --dim 128): training starts from plain distance")
	margin := fl.Float64("margin", 0.2, "triplet margin α")
	mining := fl.String("mining", "semi-hard", "negative mining: semi-hard, hard or random")
	p := fl.Int("p", 32, "identities per batch")
	k := fl.Int("k", 4, "images per identity in a batch")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	m, err := learn.ParseMining(*mining)
	if err != nil {
		return usagef("--mining: %v", err)
	}
	d, err := loadTrainData(&t)
	if err != nil {
		return err
	}
	var losses []float64
	head, _, err := learn.TrainTriplet(d.set, learn.TripletConfig{
		Hidden: *hidden, Dim: *dim, Identity: *identity, Margin: *margin, Mining: m, P: *p, K: *k,
		Epochs: t.epochs, Optim: t.optim, LR: t.lr, Seed: t.seed,
		Progress: epochPrinter(t.epochs, &losses),
	})
	if err != nil {
		return usagef("%v", err)
	}
	head.Info = map[string]any{
		"command": "train-triplet", "hidden": *hidden, "dim": *dim, "identity": *identity, "margin": *margin, "mining": m.String(),
		"p": *p, "k": *k,
	}
	return finishTraining(&t, d, head, losses)
}

func runTrainPairs(args []string) error {
	fl := newFlagSet("train-pairs", "--cache FILE [flags]")
	var t trainFlags
	t.add(fl, "build/head-pairs.json", 20, 1e-2)
	feature := fl.String("feature", "abs", "pair feature: abs (|f_i−f_j|) or chi2 ((f_i−f_j)²/(|f_i|+|f_j|))")
	pairs := fl.Int("pairs", 20000, "balanced training pairs drawn per epoch")
	batch := fl.Int("batch", 256, "pairs per optimizer step")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	f, err := learn.ParseFeature(*feature)
	if err != nil {
		return usagef("--feature: %v", err)
	}
	d, err := loadTrainData(&t)
	if err != nil {
		return err
	}
	var losses []float64
	head, _, err := learn.TrainPairs(d.set, learn.PairsConfig{
		Feature: f, Epochs: t.epochs, Pairs: *pairs, Batch: *batch, Optim: t.optim, LR: t.lr, Seed: t.seed,
		Progress: epochPrinter(t.epochs, &losses),
	})
	if err != nil {
		return usagef("%v", err)
	}
	head.Info = map[string]any{"command": "train-pairs", "feature": f.String(), "pairs": *pairs, "batch": *batch}
	return finishTraining(&t, d, head, losses)
}

// finishTraining chooses the head's threshold on the held-out people's pairs, evaluates it
// beside plain distance, records how it was made, and writes it (and the
// loss plot).
func finishTraining(t *trainFlags, d *trainData, head *learn.Head, losses []float64) error {
	th, acc := d.threshold(head)
	head.Threshold = th
	fmt.Fprintf(os.Stderr, "threshold %.4f chosen on %d pairs of %d held-out people (accuracy %.2f%%)\n", th, len(d.valPairs), d.valNames, 100*acc)
	for key, v := range map[string]any{
		"seed": t.seed, "epochs": t.epochs, "optim": t.optim, "lr": t.lr, "loss_per_epoch": losses, "max_per_person": t.maxPer,
		"encoder": d.cache.Encoder, "alignment": d.cache.Alignment,
		"train_people": d.people, "train_encodings": len(d.set.Labels),
		"threshold_from": fmt.Sprintf("%d pairs of %d peopleDevTrain people held out of training (--val %v)", len(d.valPairs), d.valNames, t.val),
	} {
		head.Info[key] = v
	}
	if err := os.MkdirAll(filepath.Dir(t.out), 0o755); err != nil {
		return err
	}
	if err := head.Save(t.out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", t.out)
	if t.plot != "" {
		if err := plotLoss(t.plot, head.Info["command"].(string)+": training loss", false, lossSeries{filepath.Base(t.out), losses}); err != nil {
			return err
		}
	}
	rows, err := evaluateHeads(d, []namedHead{{"plain distance", nil}, {filepath.Base(t.out), head}})
	if err != nil {
		return err
	}
	return printEvaluation(rows, t.asJSON)
}

// threshold returns the threshold that maximises the accuracy of h (plain
// distance for nil) on the held-out people's pairs, and that accuracy.
func (d *trainData) threshold(h *learn.Head) (t, acc float64) {
	lookup := func(rel string) []float32 { return d.cache.Images[rel] }
	t, acc, _ = lfw.BestThreshold(lfw.ScorePairs(d.valPairs, lookup, headScore(h)), headOrientation(h))
	return t, acc
}
