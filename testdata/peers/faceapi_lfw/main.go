// Command faceapi_lfw measures face-api.js's own pipeline on LFW with the
// same pairs and protocol as `visage lfw`, for the README's side-by-side
// accuracy table (issue 3, item 7).
//
//	go run ./testdata/peers/faceapi_lfw [--dir IMAGES] [--pairs pairs.txt]
//	    [--cache FILE] [--out testdata/peers/faceapi_lfw_result.json] [--batch N] [--limit N] [--score-only]
//
// face-api.js (@vladmandic/face-api 1.7.15, its ES bundle with TensorFlow.js
// 4.22 on the wasm backend, SIMD and threads) runs in headless Chromium on
// the peer page of visage/e2e/peer. Each image is fetched and decoded by the
// browser (an <img>), as a face-api.js web page does, and goes through
// detectAllFaces(SsdMobilenetv1Options) → withFaceLandmarks() →
// withFaceDescriptors(): SSD-MobileNetV1, the 68-point net, face-api.js's
// own crop, the recognition net. Detection runs once at minConfidence 0.1;
// the boxes above 0.5 are exactly those of a run at 0.5 (see faceapi.mjs).
// Four selections are scored, at minConfidence 0.5 (face-api.js's default)
// and 0.1: the largest box (as `visage lfw` takes the largest face) and the
// best-scored box (what detectSingleFace returns).
//
// Per image results go to a JSON-lines cache (one line per image: boxes,
// picks, descriptors), appended batch by batch, so an interrupted run
// resumes where it stopped. Images are processed in pairs.txt order, fold by
// fold; when the cache is incomplete only the complete folds are scored
// (and the result says so). A pair with an image without a face counts as an
// error (core/lfw). Results: --out (JSON), a summary on stderr.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"visage/core/face"
	"visage/core/lfw"
	"visage/e2e"
	"visage/e2e/peer"
	"visage/models/assets"
)

// minConfidences are the SSD score thresholds evaluated; rules the box
// selections (see faceapi.mjs's lfw).
var (
	minConfidences = []float64{0.5, 0.1}
	rules          = []string{"largest", "best"}
)

// record is one image's line in the cache, as faceapi.mjs's lfw returns it.
type record struct {
	Image       string               `json:"image"` // LFW-relative path, Name/Name_0001.jpg
	Dets        []detection          `json:"dets"`
	Picks       map[string]int       `json:"picks"`       // "0.5/largest" → index into Dets
	Descriptors map[string][]float32 `json:"descriptors"` // index (decimal) → 128 numbers
}

type detection struct {
	X, Y, W, H, Score float64
}

func main() {
	shared, _ := assets.SharedDir() // "" when missing; the flags then must be given
	dir := flag.String("dir", filepath.Join(shared, "data/lfw/images_deepfunneled"), "LFW image root")
	pairsFile := flag.String("pairs", filepath.Join(shared, "data/lfw/pairs.txt"), "LFW View 2 pairs.txt")
	cache := flag.String("cache", "build/peers/faceapi_lfw-cache.jsonl", "per-image results (JSON lines), resumed when present")
	out := flag.String("out", "testdata/peers/faceapi_lfw_result.json", "result file (JSON)")
	batch := flag.Int("batch", 8, "images per call into the page")
	limit := flag.Int("limit", 0, "process at most this many new images (0: all)")
	scoreOnly := flag.Bool("score-only", false, "only score what the cache holds (e.g. while another run fills it)")
	flag.Parse()
	if *scoreOnly {
		*limit = -1
	}
	if *batch < 1 || *limit < -1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*dir, *pairsFile, *cache, *out, *batch, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "faceapi_lfw:", err)
		os.Exit(1)
	}
}

func run(dir, pairsFile, cachePath, out string, batch, limit int) error {
	folds, err := lfw.ReadPairsFile(pairsFile)
	if err != nil {
		return err
	}
	images := imagesInOrder(folds)
	done, err := readCache(cachePath)
	if err != nil {
		return err
	}
	var todo []string
	for _, im := range images {
		if _, ok := done[im]; !ok {
			todo = append(todo, im)
		}
	}
	if limit != 0 && len(todo) > max(limit, 0) {
		todo = todo[:max(limit, 0)] // limit -1: score only
	}
	fmt.Fprintf(os.Stderr, "faceapi_lfw: %d images in %d pairs, %d cached, %d to run\n", len(images), countPairs(folds), len(done), len(todo))
	if len(todo) > 0 {
		if err := detectAll(dir, cachePath, todo, batch, done); err != nil {
			return err
		}
	}
	res, err := score(folds, images, done)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	for _, v := range res.Variants {
		fmt.Fprintf(os.Stderr, "%-13s %.2f%% ± %.2f%%  (%d images without a face, %d pairs unscored)\n",
			v.Selection, 100*v.Mean, 100*v.Std, len(v.NoFace), v.MissingPairs)
	}
	fmt.Fprintf(os.Stderr, "faceapi_lfw: %d of %d folds scored; wrote %s\n", len(res.FoldsScored), len(folds), out)
	return nil
}

// imagesInOrder lists each image of the pairs once, in file order.
func imagesInOrder(folds [][]lfw.Pair) []string {
	seen := map[string]bool{}
	var out []string
	for _, fold := range folds {
		for _, p := range fold {
			for _, im := range []string{p.Image1(), p.Image2()} {
				if !seen[im] {
					seen[im] = true
					out = append(out, im)
				}
			}
		}
	}
	return out
}

func countPairs(folds [][]lfw.Pair) int {
	n := 0
	for _, f := range folds {
		n += len(f)
	}
	return n
}

// readCache reads the JSON-lines cache; a missing file is an empty cache. A
// last line cut short by an interruption is ignored (it is redone); a bad
// line elsewhere is an error.
func readCache(path string) (map[string]record, error) {
	done := map[string]record{}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var bad error
	for n := 1; sc.Scan(); n++ {
		if bad != nil {
			return nil, bad
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.Image == "" {
			bad = fmt.Errorf("%s: line %d: expected an image record, found %.60q (%v)", path, n, sc.Text(), err)
			continue
		}
		done[r.Image] = r
	}
	return done, sc.Err()
}

// detectAll runs face-api.js on todo in batches, appending each batch to the
// cache (and to done) as it finishes.
func detectAll(dir, cachePath string, todo []string, batch int, done map[string]record) error {
	if err := os.MkdirAll(filepath.Dir(cachePath), 0o755); err != nil {
		return err
	}
	cache, err := os.OpenFile(cachePath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600) // descriptors are biometric data
	if err != nil {
		return err
	}
	defer cache.Close()

	ctx, stop, err := openPeer(dir)
	if err != nil {
		return err
	}
	defer stop()
	info, err := peer.Call[map[string]any](ctx, "faceapi.mjs", "setup", map[string]string{"backend": "wasm"})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "faceapi_lfw: face-api.js in Chromium: %v\n", info)

	start := time.Now()
	for i := 0; i < len(todo); i += batch {
		ims := todo[i:min(i+batch, len(todo))]
		urls := make([]string, len(ims))
		for k, im := range ims {
			urls[k] = "/lfw/" + escapePath(im)
		}
		recs, err := peer.Call[[]record](ctx, "faceapi.mjs", "lfw", map[string]any{"urls": urls, "minConfidences": minConfidences})
		if err != nil {
			return fmt.Errorf("images %s…: %w", ims[0], err)
		}
		if len(recs) != len(ims) {
			return fmt.Errorf("the page returned %d results for %d images", len(recs), len(ims))
		}
		var lines []byte
		for k := range recs {
			recs[k].Image = ims[k]
			line, err := json.Marshal(recs[k])
			if err != nil {
				return err
			}
			lines = append(append(lines, line...), '\n')
			done[ims[k]] = recs[k]
		}
		if _, err := cache.Write(lines); err != nil {
			return err
		}
		n := i + len(ims)
		per := time.Since(start) / time.Duration(n)
		fmt.Fprintf(os.Stderr, "\rfaceapi_lfw: %d/%d images, %.2f s each, %v left   ", n, len(todo), per.Seconds(),
			(per * time.Duration(len(todo)-n)).Round(time.Second))
	}
	fmt.Fprintln(os.Stderr)
	return cache.Sync()
}

// escapePath escapes each segment of a slash-separated path for a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// openPeer serves the peer page with the LFW images under /lfw/ and opens it
// in headless Chromium; stop closes both.
func openPeer(dir string) (ctx context.Context, stop func(), err error) {
	chromium, err := e2e.ChromiumPath()
	if err != nil {
		return nil, nil, err
	}
	srv, err := peer.Serve(peer.Options{Dirs: map[string]string{"lfw": dir}})
	if err != nil {
		return nil, nil, err
	}
	profile, err := os.MkdirTemp("", "faceapi-lfw-")
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	ctx, closeBrowser := e2e.Browser(chromium, profile)
	stop = func() {
		closeBrowser()
		srv.Close()
		os.RemoveAll(profile)
	}
	if err := peer.Open(ctx, srv.URL); err != nil {
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// result is what --out holds.
type result struct {
	Generator   string    `json:"generator"`
	Pipeline    string    `json:"pipeline"`
	Images      int       `json:"images"`
	ImagesDone  int       `json:"images_done"`
	FoldsScored []int     `json:"folds_scored"` // 1-based; all 10 when complete
	Variants    []variant `json:"variants"`
	// SoFar is filled while the cache is incomplete: per selection, over the
	// pairs whose two images are done, not the 10-fold protocol.
	SoFar []progress `json:"so_far,omitempty"`
}

// progress is one selection's interim count.
type progress struct {
	Selection     string  `json:"selection"`
	Pairs         int     `json:"pairs"`               // pairs with both images done
	FixedAccuracy float64 `json:"accuracy_at_0.6"`     // over those, a missing face an error
	NoFace        int     `json:"images_without_face"` // among the images done
}

type variant struct {
	Selection      string      `json:"selection"` // "0.1/largest": minConfidence / which box
	Mean           float64     `json:"mean_accuracy"`
	Std            float64     `json:"std_accuracy"`
	Folds          []foldScore `json:"folds"`
	FixedThreshold float64     `json:"fixed_threshold"`
	FixedAccuracy  float64     `json:"fixed_accuracy"`
	TAR            float64     `json:"tar_at_far_1e-3"`
	AUC            float64     `json:"auc"`
	Pairs          int         `json:"pairs"`
	MissingPairs   int         `json:"pairs_without_face"`
	MissingSame    int         `json:"same_pairs_without_face"` // of MissingPairs; each an error
	NoFace         []string    `json:"images_without_face"`
}

type foldScore struct {
	Fold      int     `json:"fold"`
	Threshold float64 `json:"threshold"`
	Accuracy  float64 `json:"accuracy"`
	Missing   int     `json:"pairs_without_face"`
}

// score evaluates each selection over the folds whose images are all done.
func score(folds [][]lfw.Pair, images []string, done map[string]record) (*result, error) {
	res := &result{
		Generator: "go run ./testdata/peers/faceapi_lfw",
		Pipeline: "face-api.js detectAllFaces(SsdMobilenetv1Options).withFaceLandmarks().withFaceDescriptors(), " +
			"tfjs wasm backend in headless Chromium, images decoded by the browser",
		Images: len(images),
	}
	var scored [][]lfw.Pair
	for k, fold := range folds {
		complete := true
		for _, p := range fold {
			_, ok1 := done[p.Image1()]
			_, ok2 := done[p.Image2()]
			complete = complete && ok1 && ok2
		}
		if complete {
			scored = append(scored, fold)
			res.FoldsScored = append(res.FoldsScored, k+1)
		}
	}
	for _, im := range images {
		if _, ok := done[im]; ok {
			res.ImagesDone++
		}
	}
	if res.ImagesDone < len(images) {
		res.SoFar = interim(folds, done)
	}
	if len(scored) < 2 {
		return res, nil // the protocol needs two complete folds
	}
	for _, t := range minConfidences {
		for _, rule := range rules {
			v, err := scoreSelection(scored, res.FoldsScored, done, fmt.Sprintf("%g/%s", t, rule))
			if err != nil {
				return nil, err
			}
			res.Variants = append(res.Variants, *v)
		}
	}
	return res, nil
}

// interim scores, per selection, the pairs whose images are both done at
// the fixed threshold.
func interim(folds [][]lfw.Pair, done map[string]record) []progress {
	var pairs []lfw.Pair
	for _, fold := range folds {
		for _, p := range fold {
			_, ok1 := done[p.Image1()]
			_, ok2 := done[p.Image2()]
			if ok1 && ok2 {
				pairs = append(pairs, p)
			}
		}
	}
	var out []progress
	for _, t := range minConfidences {
		for _, rule := range rules {
			sel := fmt.Sprintf("%g/%s", t, rule)
			pr := progress{Selection: sel, Pairs: len(pairs)}
			for _, r := range done {
				if _, ok := r.Picks[sel]; !ok {
					pr.NoFace++
				}
			}
			outs := lfw.ScorePairs(pairs, func(im string) []float32 { return descriptorOf(done[im], sel) }, face.Distance)
			pr.FixedAccuracy = lfw.Accuracy(outs, lfw.SmallerIsSame, face.DefaultThreshold)
			out = append(out, pr)
		}
	}
	return out
}

// descriptorOf returns r's descriptor for selection sel; nil when no face.
func descriptorOf(r record, sel string) []float32 {
	i, ok := r.Picks[sel]
	if !ok {
		return nil
	}
	return r.Descriptors[fmt.Sprint(i)]
}

// scoreSelection runs the protocol with the descriptors of one selection;
// numbers are the folds' 1-based numbers in pairs.txt.
func scoreSelection(folds [][]lfw.Pair, numbers []int, done map[string]record, sel string) (*variant, error) {
	noFace := map[string]bool{}
	lookup := func(im string) []float32 {
		d := descriptorOf(done[im], sel)
		if d == nil {
			noFace[im] = true
		}
		return d
	}
	outs := make([][]lfw.Outcome, len(folds))
	for k, fold := range folds {
		outs[k] = lfw.ScorePairs(fold, lookup, face.Distance)
	}
	rep, err := lfw.Evaluate(outs, lfw.SmallerIsSame, face.DefaultThreshold)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sel, err)
	}
	v := &variant{
		Selection: sel, Mean: rep.Mean, Std: rep.Std,
		FixedThreshold: rep.FixedThreshold, FixedAccuracy: rep.FixedAccuracy,
		TAR: rep.TAR, AUC: rep.AUC, Pairs: rep.Pairs, MissingPairs: rep.Missing,
		NoFace: []string{},
	}
	for _, fold := range outs {
		for _, o := range fold {
			if o.Missing() && o.Same {
				v.MissingSame++
			}
		}
	}
	for k, f := range rep.Folds {
		v.Folds = append(v.Folds, foldScore{numbers[k], round(f.Threshold, 6), f.Accuracy, f.Missing})
	}
	for im := range noFace {
		v.NoFace = append(v.NoFace, im)
	}
	slices.Sort(v.NoFace)
	return v, nil
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
