package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"visage/core/face"
	"visage/core/learn"
	"visage/core/lfw"
)

// classifierHead returns a pair classifier over descriptors whose P(same) is
// σ(b − ‖x − y‖₁): above 0.5 exactly when the L1 distance is below b.
func classifierHead(b float64) *learn.Head {
	c := learn.NewPairClassifier(learn.AbsDiff, face.DescriptorLen)
	for k := range c.W.Value {
		c.W.Value[k] = -1
	}
	c.B.Value[0] = b
	return &learn.Head{Kind: learn.KindPairs, Pairs: c, Threshold: 0.5}
}

// identityHead returns an embedding head of in inputs that is the identity
// (no normalisation), so its distance is plain distance, with threshold t.
func identityHead(in int, t float64) *learn.Head {
	d := learn.NewDense(in, in, 0, rand.New(rand.NewPCG(1, 1)))
	for i := range in {
		d.W.Value[i*in+i] = 1
	}
	return &learn.Head{Kind: learn.KindEmbedding, Net: &learn.Sequential{Layers: []learn.Layer{d}}, Threshold: t}
}

func saveHead(t *testing.T, h *learn.Head, path string) string {
	t.Helper()
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func l1(a, b []float32) float64 {
	s := 0.0
	for k := range a {
		s += math.Abs(float64(a[k]) - float64(b[k]))
	}
	return s
}

// TestCLILFWHead scores a cached two-fold run (synthetic descriptors, so no
// model or photo is needed) with plain distance, an identity embedding head
// (the same numbers) and a classifier whose P(same) is larger for closer
// pairs: larger-is-same must be honoured by the folds' thresholds and by the
// head's fixed threshold.
func TestCLILFWHead(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	cache := &face.EncodingCache{Encoder: "faceapi-resnet34", Alignment: "ssd0.5-0.1+pad0.25+landmarks68+similarity", Images: map[string][]float32{}}
	var b strings.Builder
	b.WriteString("2\t4\n")
	for f := range 2 {
		var diff []string
		for i := range 4 {
			name := fmt.Sprintf("P%d%d", f, i)
			centre := make([]float64, face.DescriptorLen)
			for k := range centre {
				centre[k] = 0.1 * rng.NormFloat64()
			}
			for n := 1; n <= 2; n++ {
				x := make([]float32, len(centre))
				for k := range x {
					x[k] = float32(centre[k] + 0.01*rng.NormFloat64())
				}
				cache.Images[lfw.ImageRel(name, n)] = x
			}
			fmt.Fprintf(&b, "%s\t1\t2\n", name)
			diff = append(diff, fmt.Sprintf("%s\t2\tP%d%d\t1\n", name, f, (i+1)%4))
		}
		b.WriteString(strings.Join(diff, ""))
	}
	f := writeFiles(t, dir, map[string]string{"pairs.txt": b.String()})
	cachePath := filepath.Join(dir, "cache.bin")
	if err := cache.Save(cachePath); err != nil {
		t.Fatal(err)
	}
	folds, err := lfw.ReadPairsFile(f["pairs.txt"])
	if err != nil {
		t.Fatal(err)
	}
	// The classifier's boundary halfway between the same and different pairs' L1 distances.
	maxSame, minDiff := 0.0, math.Inf(1)
	for _, fold := range folds {
		for _, p := range fold {
			d := l1(cache.Images[p.Image1()], cache.Images[p.Image2()])
			if p.Same {
				maxSame = max(maxSame, d)
			} else {
				minDiff = min(minDiff, d)
			}
		}
	}
	if maxSame >= minDiff {
		t.Fatalf("the synthetic pairs do not separate: same up to %v, different from %v", maxSame, minDiff)
	}
	heads := map[string]string{
		"":           "",
		"identity":   saveHead(t, identityHead(face.DescriptorLen, 0.6), filepath.Join(dir, "identity.json")),
		"classifier": saveHead(t, classifierHead((maxSame+minDiff)/2), filepath.Join(dir, "classifier.json")),
	}
	results := map[string]lfwResult{}
	for name, file := range heads {
		args := []string{"lfw", "--dir", dir, "--pairs", f["pairs.txt"], "--folds", "1-2", "--cache", cachePath, "--out", filepath.Join(dir, "out-"+name),
			"--tiny-fallback=false", "--json"}
		if file != "" {
			args = append(args, "--head", file)
		}
		r := visage(t, args...)
		var res lfwResult
		if err := json.Unmarshal([]byte(r.stdout), &res); r.code != 0 || err != nil {
			t.Fatalf("--head %q: exit %d, %v, stderr %q", file, r.code, err, r.stderr)
		}
		results[name] = res
	}
	plain, id, cl := results[""], results["identity"], results["classifier"]
	if plain.Mean != 1 || plain.FixedAccuracy != 1 || plain.Settings.Score != "Euclidean distance" {
		t.Errorf("plain distance: mean %v, fixed %v, score %q; want 1, 1", plain.Mean, plain.FixedAccuracy, plain.Settings.Score)
	}
	if id.Mean != 1 || id.FixedAccuracy != 1 || id.FixedThreshold != 0.6 || id.AUC != plain.AUC || id.Folds[0].Threshold != plain.Folds[0].Threshold {
		t.Errorf("identity head: %+v; want plain distance's numbers %+v", id, plain)
	}
	if cl.Mean != 1 || cl.FixedAccuracy != 1 || cl.FixedThreshold != 0.5 || cl.AUC != 1 || !strings.Contains(cl.Settings.Score, "larger is same") {
		t.Errorf("classifier head: mean %v, fixed %v at %v, AUC %v, score %q; want 1, 1 at 0.5, 1, larger is same",
			cl.Mean, cl.FixedAccuracy, cl.FixedThreshold, cl.AUC, cl.Settings.Score)
	}
	if cl.Folds[0].Threshold <= 0 || cl.Folds[0].Threshold >= 1 {
		t.Errorf("classifier fold threshold %v, want a probability", cl.Folds[0].Threshold)
	}

	bad := saveHead(t, identityHead(64, 0.6), filepath.Join(dir, "bad.json"))
	r := visage(t, "lfw", "--dir", dir, "--pairs", f["pairs.txt"], "--folds", "1-2", "--cache", cachePath, "--out", dir, "--tiny-fallback=false", "--head", bad)
	wantError(t, r, 1, "lfw", "bad.json", "128-number face descriptors", "over 64")
}
