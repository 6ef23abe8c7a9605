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
	cache := &lfw.EncodingCache{Encoder: "faceapi-resnet34", Alignment: "ssd0.1-0.1+pad0.25+centred+landmarks68+mirrored+similarity+mirror", Images: map[string][]float32{}}
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
	results := map[string]lfw.Result{}
	for name, file := range heads {
		args := []string{"lfw", "--dir", dir, "--pairs", f["pairs.txt"], "--folds", "1-2", "--cache", cachePath, "--out", filepath.Join(dir, "out-"+name),
			"--tiny-fallback=false", "--align", "similarity", "--json"}
		if file != "" {
			args = append(args, "--head", file)
		}
		r := visage(t, args...)
		var res lfw.Result
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

	// --without-people: P00's three pairs (one same, two different) leave fold 1.
	people := writeFiles(t, dir, map[string]string{"people.txt": "1\nP00\t2\n"})["people.txt"]
	r := visage(t, "lfw", "--dir", dir, "--pairs", f["pairs.txt"], "--folds", "1-2", "--cache", cachePath, "--out", filepath.Join(dir, "out-without"),
		"--tiny-fallback=false", "--align", "similarity", "--json", "--without-people", people)
	var without lfw.Result
	if err := json.Unmarshal([]byte(r.stdout), &without); r.code != 0 || err != nil || without.Pairs != 13 || without.Images != 14 || without.Settings.WithoutPeople != people {
		t.Errorf("--without-people: exit %d, %v, %d pairs of %d images; want 13 of 14 (stderr %q)", r.code, err, without.Pairs, without.Images, r.stderr)
	}

	bad := saveHead(t, identityHead(64, 0.6), filepath.Join(dir, "bad.json"))
	r = visage(t, "lfw", "--dir", dir, "--pairs", f["pairs.txt"], "--folds", "1-2", "--cache", cachePath, "--out", dir, "--tiny-fallback=false", "--align", "similarity", "--head", bad)
	wantError(t, r, 1, "lfw", "bad.json", "128-number face descriptors", "over 64")
}

// TestCLIHead decides compare, verify and identify with tiny heads on face
// chips: a classifier whose boundary lies between the two people's L1
// distances (same for John Salley's two chips, not for John Savage), a
// strict one that refuses what plain distance accepts, --threshold replacing
// a head's threshold, and an identity embedding head that gives plain
// distance's answers.
func TestCLIHead(t *testing.T) {
	same1, same2, other, _ := chips(t)
	dir := t.TempDir()
	r := visage(t, "encode", "--aligned", "--json", same1, same2, other)
	var enc []imageFaces
	if err := json.Unmarshal([]byte(r.stdout), &enc); r.code != 0 || err != nil || len(enc) != 3 {
		t.Fatalf("encode: exit %d, %v, %s", r.code, err, r.stderr)
	}
	e1, e2, eo := enc[0].Faces[0].Encoding, enc[1].Faces[0].Encoding, enc[2].Faces[0].Encoding
	lSame, lOther := l1(e1, e2), l1(e1, eo)
	if face.Distance(e1, e2) >= face.DefaultThreshold || lSame >= lOther {
		t.Fatalf("the chips do not suit the test: L1 %v (same) and %v", lSame, lOther)
	}
	sigma := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	midB := (lSame + lOther) / 2
	mid := saveHead(t, classifierHead(midB), filepath.Join(dir, "mid.json"))
	strict := saveHead(t, classifierHead(lSame/2), filepath.Join(dir, "strict.json"))
	identity := saveHead(t, identityHead(face.DescriptorLen, 0.6), filepath.Join(dir, "identity.json"))
	run := func(args ...string) result {
		t.Helper()
		r := visage(t, args...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		return r
	}
	near := func(v any, want float64) bool { f, ok := v.(float64); return ok && math.Abs(f-want) < 1e-6 }

	// compare
	c := decodeJSON(t, run("compare", "--aligned", "--json", "--head", mid, same1, same2).stdout, "distance", "head_score", "same", "threshold")
	if c["same"] != true || !near(c["head_score"], sigma(midB-lSame)) || c["threshold"] != 0.5 || !near(c["distance"], face.Distance(e1, e2)) {
		t.Errorf("compare --head mid, John Salley twice: %v; want same at P %v, threshold 0.5, the plain distance beside it", c, sigma(midB-lSame))
	}
	c = decodeJSON(t, run("compare", "--aligned", "--json", "--head", mid, same1, other).stdout, "distance", "head_score", "same", "threshold")
	if c["same"] != false || !near(c["head_score"], sigma(midB-lOther)) {
		t.Errorf("compare --head mid, Salley and Savage: %v; want different at P %v", c, sigma(midB-lOther))
	}
	if out := run("compare", "--aligned", "--head", strict, same1, same2).stdout; !strings.HasPrefix(out, "different people (P(same) ") || !strings.Contains(out, "<= threshold 0.5; distance ") {
		t.Errorf("compare --head strict, John Salley twice: %q; want different people, P(same) <= threshold 0.5", out)
	}
	c = decodeJSON(t, run("compare", "--aligned", "--json", "--head", mid, "--threshold", "0.999999", same1, same2).stdout, "distance", "head_score", "same", "threshold")
	if c["same"] != false || c["threshold"] != 0.999999 {
		t.Errorf("compare --head mid --threshold 0.999999: %v; want not same at that threshold", c)
	}
	wantError(t, visage(t, "compare", "--aligned", "--head", mid, "--threshold", "1.5", same1, same2), exitUsage, "compare", "probability in (0, 1)")
	wantError(t, visage(t, "compare", "--aligned", "--head", filepath.Join(dir, "none.json"), same1, same2), exitError, "compare", "none.json")
	plain := decodeJSON(t, run("compare", "--aligned", "--json", same1, other).stdout, "distance", "same", "threshold")
	c = decodeJSON(t, run("compare", "--aligned", "--json", "--head", identity, same1, other).stdout, "distance", "head_score", "same", "threshold")
	if c["same"] != plain["same"] || !near(c["head_score"], plain["distance"].(float64)) {
		t.Errorf("compare --head identity: %v; want plain distance's %v", c, plain)
	}
	// An embedding's distances are its own: --threshold may go beyond plain
	// distance's (0, 1], and with verify it is not put on the database.
	c = decodeJSON(t, run("compare", "--aligned", "--json", "--head", identity, "--threshold", "1.5", same1, other).stdout, "distance", "head_score", "same", "threshold")
	if c["same"] != true || c["threshold"] != 1.5 {
		t.Errorf("compare --head identity --threshold 1.5: %v; want the same person at threshold 1.5", c)
	}
	wantError(t, visage(t, "compare", "--aligned", "--head", identity, "--threshold", "0", same1, same2), exitUsage, "compare", `for a head of kind "embedding", found 0`)

	// verify and identify
	db := filepath.Join(dir, "people.json")
	run("enroll", "--db", db, "--name", "Salley", "--aligned", same1)
	v := decodeJSON(t, run("verify", "--db", db, "--name", "Salley", "--aligned", "--json", "--head", strict, same2).stdout, "match", "distance", "head_score")
	if v["match"] != false || !near(v["head_score"], sigma(lSame/2-lSame)) || !near(v["distance"], face.Distance(e1, e2)) {
		t.Errorf("verify --head strict: %v; want no match at P %v (plain distance would match)", v, sigma(-lSame/2))
	}
	v = decodeJSON(t, run("verify", "--db", db, "--name", "Salley", "--aligned", "--json", "--head", identity, "--threshold", "1.5", other).stdout, "match", "distance", "head_score")
	if v["match"] != true {
		t.Errorf("verify --head identity --threshold 1.5, Savage's chip: %v; want a match at that threshold", v)
	}
	v = decodeJSON(t, run("verify", "--db", db, "--name", "Salley", "--aligned", "--json", "--head", mid, same2).stdout, "match", "distance", "head_score")
	if v["match"] != true {
		t.Errorf("verify --head mid: %v; want a match", v)
	}
	if out := run("verify", "--db", db, "--name", "Salley", "--aligned", "--head", mid, other).stdout; !strings.HasPrefix(out, `no match: not "Salley" (P(same) `) {
		t.Errorf("verify --head mid, Savage's chip: %q", out)
	}
	id := decodeJSON(t, run("identify", "--db", db, "--aligned", "--json", "--head", mid, same2).stdout, "name", "distance", "head_score", "threshold", "threshold_rule", "margin")
	if id["name"] != "Salley" || !near(id["head_score"], sigma(midB-lSame)) {
		t.Errorf("identify --head mid, Salley's second chip: %v", id)
	}
	id = decodeJSON(t, run("identify", "--db", db, "--aligned", "--json", "--head", mid, other).stdout, "name", "distance", "head_score", "threshold", "threshold_rule", "margin")
	if id["name"] != nil || !near(id["head_score"], sigma(midB-lOther)) || !near(id["distance"], face.Distance(e1, eo)) {
		t.Errorf("identify --head mid, Savage's chip: %v; want not recognised at P %v", id, sigma(midB-lOther))
	}
}
