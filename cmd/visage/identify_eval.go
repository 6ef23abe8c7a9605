package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"visage/core/face"
	"visage/core/learn"
	"visage/core/lfw"
	"visage/core/openset"
)

func init() {
	register("identify-eval", "open-set identification among K people (rank-1, FNIR at FPIR), from an encodings cache", runIdentifyEval)
}

func runIdentifyEval(args []string) error {
	fl := newFlagSet("identify-eval", "--dir DIR --cache FILE [--k 10,100,1000,all] [--enroll N] [flags]")
	dir := fl.String("dir", "", "image root with a folder per person (e.g. ../shared/data/lfw/images_deepfunneled)")
	var cachePaths stringList
	fl.Var(&cachePaths, "cache", "encodings cache holding every image under --dir (fill it with `visage lfw … --also-people people.txt --also-min-images 1`); repeatable (e.g. the shards of a run in progress), the caches made the same way")
	ks := fl.String("k", "10,100,1000,all", "gallery sizes: whole numbers, or all (every enrollable test person)")
	enroll := fl.Int("enroll", 1, "samples enrolled per person, at most (1: one-shot; a person keeps one image to be probed with)")
	tmpl := fl.String("template", "best", "how several samples are compared: best (the closest sample) or mean (their mean descriptor)")
	seed := fl.Uint64("seed", 1, "seed of the calibration/test split and of who is enrolled")
	calShare := fl.Float64("calibration", 0.3, "share of the people set aside to calibrate the thresholds, never probed or enrolled in the test")
	targets := fl.String("fpir", "0.1,0.01,0.001", "target FPIRs, whose thresholds are set on the calibration people")
	out := fl.String("out", "build/identify", "folder for identify.json, det.png and k.png")
	asJSON := fl.Bool("json", false, "print the report as JSON")
	headFile := fl.String("head", "", "score a probe against an enrolled face with a head `FILE` from train-triplet (distance between embeddings) or train-pairs (1 − P(same)) instead of plain distance; its threshold is the default. Heads learn LFW's peopleDevTrain people: pass --without-people with them")
	onlyPeople := fl.String("people", "", "use only the people of this people `FILE` (e.g. a subset encoded with lfw --degrade)")
	withoutPeople := fl.String("without-people", "", "leave out the people of this people `FILE` (peopleDevTrain.txt, on whom heads are trained)")
	margins := fl.String("margins", "0.25,0.5,1,2,4,8", "the margin rule's α values tried (score = nearest − α·(second − nearest)); the one with the lowest calibration FNIR at the first --fpir is reported")
	partial := fl.Bool("cached-people-only", false, "use only the people all of whose images are in the cache (a cache still being filled), and say how many were left out")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if *dir == "" || len(cachePaths) == 0 {
		return usagef("--dir and --cache are required")
	}
	cfg := openset.Config{Enroll: *enroll, Seed: *seed, Calibration: *calShare, Default: face.DefaultThreshold,
		DETPoints: 200}
	var err error
	if cfg.Margins, err = parseNumbers("--margins", *margins, 0, math.Inf(1)); err != nil {
		return err
	}
	if cfg.Ks, err = parseKs(*ks); err != nil {
		return err
	}
	if cfg.Targets, err = parseNumbers("--fpir", *targets, 0, 1); err != nil {
		return err
	}
	switch *tmpl {
	case "best":
		cfg.Template = openset.BestSample
	case "mean":
		cfg.Template = openset.MeanDescriptor
	default:
		return usagef("--template %q: want best or mean", *tmpl)
	}
	if *enroll < 1 {
		return usagef("--enroll %d: want at least 1", *enroll)
	}
	head, err := loadHeadFlag(*headFile)
	if err != nil {
		return err
	}
	if head != nil {
		cfg.Dissimilarity, cfg.Default = headDissimilarity(head)
	}
	cache, err := loadCaches(cachePaths)
	if err != nil {
		return err
	}
	warnHeadCache(*headFile, head, cache)
	keep, err := peopleFilter(*onlyPeople, *withoutPeople)
	if err != nil {
		return err
	}
	samples, skipped, err := folderSamples(*dir, cache, *partial, keep)
	if err != nil {
		return err
	}
	if skipped > 0 {
		fmt.Fprintf(os.Stderr, "%s left out: some of their images are not in the cache yet\n", count(skipped, "person", "people"))
	}
	report, err := openset.Evaluate(samples, cfg)
	if err != nil {
		return err
	}
	report.Source = cache.Encoder + "/" + cache.Alignment
	if head != nil {
		report.Source += ", head " + filepath.Base(*headFile) + " (" + scoreName(head) + ")"
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(report, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "identify.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if err := plotDET(filepath.Join(*out, "det.png"), report); err != nil {
		return err
	}
	if err := plotByK(filepath.Join(*out, "k.png"), report); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(report)
	}
	printIdentifyEval(report, *out)
	return nil
}

// folderSamples lists the images under dir, a folder per person, of the
// people keep accepts, with their descriptors from cache. An image the
// cache lacks is an error, or with partial leaves its person out (skipped
// counts them).
func folderSamples(dir string, cache *lfw.EncodingCache, partial bool, keep func(person string) bool) (out []openset.Sample, skipped int, err error) {
	people, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, err
	}
	for _, p := range people {
		if !p.IsDir() || strings.HasPrefix(p.Name(), ".") || !keep(p.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, p.Name()))
		if err != nil {
			return nil, 0, err
		}
		var person []openset.Sample
		for _, f := range files {
			if f.IsDir() || strings.HasPrefix(f.Name(), ".") {
				continue
			}
			rel := path.Join(p.Name(), f.Name())
			d, ok := cache.Images[rel]
			if !ok && partial {
				person = nil
				skipped++
				break
			}
			if !ok {
				return nil, 0, fmt.Errorf("%s is not in the encodings cache (%d images): fill it with `visage lfw --dir %s … --also-people people.txt --also-min-images 1`, or pass --cached-people-only", rel, len(cache.Images), dir)
			}
			if len(d) == 0 {
				d = nil
			}
			person = append(person, openset.Sample{Person: p.Name(), Image: rel, Desc: d})
		}
		out = append(out, person...)
	}
	if len(out) == 0 {
		return nil, skipped, fmt.Errorf("%s: no images in folders (with every image cached), want a folder per person", dir)
	}
	return out, skipped, nil
}

// headDissimilarity turns h's pair score into a dissimilarity (smaller is
// more alike: an embedding head's distance, a classifier's 1 − P(same)) and
// returns it with h's threshold on the same scale.
func headDissimilarity(h *learn.Head) (openset.Dissimilarity, float64) {
	if h.HigherIsSame() {
		return func(a, b []float32) float64 { s, _ := h.Score(a, b); return 1 - s }, 1 - h.Threshold
	}
	return func(a, b []float32) float64 { s, _ := h.Score(a, b); return s }, h.Threshold
}

// peopleFilter says which people identify-eval uses: those of the people
// file only ("": everyone), less those of the people file without ("":
// no one).
func peopleFilter(only, without string) (func(person string) bool, error) {
	var in, out map[string]bool
	var err error
	if only != "" {
		if in, err = lfw.PeopleNames(only); err != nil {
			return nil, err
		}
	}
	if without != "" {
		if out, err = lfw.PeopleNames(without); err != nil {
			return nil, err
		}
	}
	return func(p string) bool { return (in == nil || in[p]) && !out[p] }, nil
}

// loadCaches reads the encodings caches at paths into one; they must have
// been made the same way (encoder and alignment).
func loadCaches(paths []string) (*lfw.EncodingCache, error) {
	var all *lfw.EncodingCache
	for _, p := range paths {
		c, err := lfw.LoadEncodingCache(p)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = c
			continue
		}
		if c.Encoder != all.Encoder || c.Alignment != all.Alignment {
			return nil, fmt.Errorf("%s holds %s/%s encodings, %s %s/%s: caches made differently cannot be mixed", p, c.Encoder, c.Alignment, paths[0], all.Encoder, all.Alignment)
		}
		maps.Copy(all.Images, c.Images)
	}
	return all, nil
}

// parseKs reads --k: positive whole numbers or "all" (0).
func parseKs(s string) ([]int, error) {
	var ks []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "all" {
			ks = append(ks, 0)
			continue
		}
		k, err := strconv.Atoi(f)
		if err != nil || k < 1 {
			return nil, usagef("--k %q: want whole numbers ≥ 1 or all, separated by commas", s)
		}
		ks = append(ks, k)
	}
	return ks, nil
}

// parseNumbers reads flag's comma-separated numbers, each in (lo, hi).
func parseNumbers(flag, s string, lo, hi float64) ([]float64, error) {
	var out []float64
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > lo && v < hi) {
			return nil, usagef("%s %q: want numbers in (%g, %g), separated by commas", flag, s, lo, hi)
		}
		out = append(out, v)
	}
	return out, nil
}

func printIdentifyEval(r *openset.Report, out string) {
	fmt.Printf("open-set identification: %d people, %d images (%d without a face); enroll ≤ %d (%s), seed %d; descriptors %s\n",
		r.People, r.Images, r.NoFace, r.Enroll, r.Template, r.Seed, r.Source)
	fmt.Printf("%6s %6s %7s %7s %7s %7s  %-14s", "K", "cal K", "mated", "strangers", "rank-1", "rank-5", "rule")
	for _, f := range r.Targets {
		fmt.Printf("  FNIR@FPIR %-6g", f)
	}
	fmt.Printf("  at %.2f: FPIR  FNIR\n", r.Default)
	for _, g := range r.Galleries {
		for i, rule := range g.Rules {
			name := rule.Rule
			if rule.Margin != 0 {
				name = fmt.Sprintf("margin α=%g", rule.Margin)
			}
			if i == 0 {
				fmt.Printf("%6d %6d %7d %9d %6.2f%% %6.2f%%  %-14s", g.K, g.CalibrationK, g.Mated, g.NonMated, 100*g.Rank1, 100*g.Rank5, name)
			} else {
				fmt.Printf("%6s %6s %7s %9s %7s %7s  %-14s", "", "", "", "", "", "", name)
			}
			for _, c := range rule.Calibrated {
				fmt.Printf("  %5.2f%% (%5.2f%%) ", 100*c.FNIR, 100*c.FPIR)
			}
			if rule.AtDefault != nil {
				fmt.Printf("  %5.2f%% %5.2f%%", 100*rule.AtDefault.FPIR, 100*rule.AtDefault.FNIR)
			}
			fmt.Println()
		}
	}
	fmt.Printf("FNIR at each target with the threshold set on the calibration people (the FPIR it gave on the test people in brackets)\nwrote %s\n",
		strings.Join([]string{filepath.Join(out, "identify.json"), filepath.Join(out, "det.png"), filepath.Join(out, "k.png")}, ", "))
}

// plotDET writes FNIR against FPIR (log scale), the nearest-neighbour rule,
// one curve per gallery size.
func plotDET(file string, r *openset.Report) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Open-set identification (enroll ≤ %d)", r.Enroll)
	p.X.Label.Text = "FPIR (strangers given a name)"
	p.Y.Label.Text = "FNIR (enrolled people missed)"
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	var lines []any
	for _, g := range r.Galleries {
		var pts plotter.XYs
		for _, d := range g.Rules[0].DET {
			if d.FPIR > 0 {
				pts = append(pts, plotter.XY{X: d.FPIR, Y: d.FNIR})
			}
		}
		lines = append(lines, fmt.Sprintf("K = %d", g.K), pts)
	}
	if err := plotutil.AddLines(p, lines...); err != nil {
		return err
	}
	p.Legend.Top = true
	return p.Save(5*vg.Inch, 4*vg.Inch, file)
}

// plotByK writes rank-1 and FNIR at each target FPIR (calibrated threshold,
// nearest-neighbour rule) against the gallery size.
func plotByK(file string, r *openset.Report) error {
	p := plot.New()
	p.Title.Text = "Accuracy against gallery size"
	p.X.Label.Text = "K (people enrolled)"
	p.Y.Label.Text = "rate"
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	rank1 := plotter.XYs{}
	fnir := make([]plotter.XYs, len(r.Targets))
	for _, g := range r.Galleries {
		rank1 = append(rank1, plotter.XY{X: float64(g.K), Y: g.Rank1})
		for i, c := range g.Rules[0].Calibrated {
			fnir[i] = append(fnir[i], plotter.XY{X: float64(g.K), Y: c.FNIR})
		}
	}
	lines := []any{"rank-1", sortedByX(rank1)}
	for i, f := range r.Targets {
		lines = append(lines, fmt.Sprintf("FNIR at FPIR %g", f), sortedByX(fnir[i]))
	}
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	p.Legend.Top = true
	return p.Save(5*vg.Inch, 4*vg.Inch, file)
}

func sortedByX(pts plotter.XYs) plotter.XYs {
	slices.SortFunc(pts, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
	return pts
}
