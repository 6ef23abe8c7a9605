package main

import (
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"visage/core/lfw"
	"visage/models/assets/assettest"
	"visage/models/facerec"
)

// writeFiles writes name → text files into dir and returns their paths by name.
func writeFiles(t *testing.T, dir string, files map[string]string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for name, text := range files {
		paths[name] = filepath.Join(dir, name)
		if err := os.WriteFile(paths[name], []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// lfwDir returns the LFW image root, skipping (or failing under VISAGE_E2E)
// without it or the face models.
func lfwDir(t *testing.T) string {
	t.Helper()
	assettest.FaceModels(t, facerec.Manifest)
	return assettest.Shared(t, "data/lfw/images_deepfunneled")
}

// writeTwoFoldPairs writes a two-fold pairs file of four real LFW pairs
// (a same and a different one per fold) into dir and returns its path.
func writeTwoFoldPairs(t *testing.T, dir string) string {
	t.Helper()
	pairs := filepath.Join(dir, "pairs.txt")
	text := "2\t1\n" +
		"George_W_Bush\t1\t2\nAbel_Pacheco\t1\tAkhmed_Zakayev\t1\n" +
		"Colin_Powell\t1\t2\nTony_Blair\t1\tSerena_Williams\t1\n"
	if err := os.WriteFile(pairs, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return pairs
}

// TestCLILFWTwoFolds runs the protocol on a two-fold, four-pair pairs file
// of real LFW photos, then again from the cache.
func TestCLILFWTwoFolds(t *testing.T) {
	dir := lfwDir(t)
	tmp := t.TempDir()
	pairs := writeTwoFoldPairs(t, tmp)
	out := filepath.Join(tmp, "out")
	args := []string{"lfw", "--dir", dir, "--pairs", pairs, "--folds", "1-2", "--out", out, "--jobs", "2", "--json"}
	for run := 1; run <= 2; run++ {
		r := visage(t, args...)
		if r.code != 0 {
			t.Fatalf("run %d: exit %d, stderr %q", run, r.code, r.stderr)
		}
		var res lfw.Result
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
			t.Fatalf("run %d: %v in %q", run, err, r.stdout)
		}
		if res.Mean != 1 || res.Pairs != 4 || res.Images != 8 || len(res.Folds) != 2 || len(res.NoFace) != 0 {
			t.Errorf("run %d: %s", run, r.stdout)
		}
		if run == 2 && strings.Contains(r.stderr, "img/s") {
			t.Errorf("the second run encoded images again instead of reading the cache")
		}
	}
	for _, f := range []string{"lfw.json", "roc.png", "distances.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestCLILFWShards encodes the images in two shards, then scores from the
// merged shard files without encoding anything and removes them.
func TestCLILFWShards(t *testing.T) {
	dir := lfwDir(t)
	tmp := t.TempDir()
	pairs := writeTwoFoldPairs(t, tmp)
	out := filepath.Join(tmp, "out")
	args := []string{"lfw", "--dir", dir, "--pairs", pairs, "--folds", "1-2", "--out", out, "--jobs", "1"}
	for _, shard := range []string{"1/2", "2/2"} {
		if r := visage(t, append(args, "--shard", shard)...); r.code != 0 || !strings.Contains(r.stderr, "4 images encoded") {
			t.Fatalf("--shard %s: exit %d, stderr %q", shard, r.code, r.stderr)
		}
	}
	parts, _ := filepath.Glob(filepath.Join(out, "encodings-*.shard-*-of-2.bin"))
	marks, _ := filepath.Glob(filepath.Join(out, "landmarks-*.shard-*-of-2.bin"))
	if len(parts) != 4 || len(marks) != 2 {
		t.Fatalf("shard files %v and %v, want 4 (2 shards × the default --align both's 2 caches) and 2 (the landmarks of each shard)", parts, marks)
	}
	r := visage(t, append(args, "--json")...)
	if r.code != 0 || strings.Contains(r.stderr, "img/s") {
		t.Fatalf("merge run: exit %d, stderr %q (it must only read the shards)", r.code, r.stderr)
	}
	var res lfw.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Mean != 1 || res.Images != 8 || len(res.NoFace) != 0 {
		t.Errorf("merge run: %v, %s", err, r.stdout)
	}
	if parts, _ := filepath.Glob(filepath.Join(out, "*.shard-*")); len(parts) != 0 {
		t.Errorf("shard files left after the merge: %v", parts)
	}
	// The merged landmarks: 68 points (136 numbers) for each of the 8 images.
	lms, _ := filepath.Glob(filepath.Join(out, "landmarks-*.bin"))
	if len(lms) != 1 {
		t.Fatalf("landmarks caches %v, want 1", lms)
	}
	c, err := lfw.LoadEncodingCache(lms[0])
	if err != nil || c.Encoder != "landmarks68" || c.Dim != 136 || len(c.Images) != 8 {
		t.Fatalf("landmarks cache: %v, %s dim %d, %d images", err, c.Encoder, c.Dim, len(c.Images))
	}
	for rel, v := range c.Images {
		if len(v) != 136 {
			t.Errorf("%s: %d numbers, want 136", rel, len(v))
		}
	}
}

// TestCLILFWAlsoLists encodes the images of --also-people and --also-pairs
// into the same cache as the scored pairs, scoring only the pairs.
func TestCLILFWAlsoLists(t *testing.T) {
	dir := lfwDir(t)
	tmp := t.TempDir()
	f := writeFiles(t, tmp, map[string]string{
		"pairs.txt": "2\t1\n" +
			"George_W_Bush\t1\t2\nAbel_Pacheco\t1\tAkhmed_Zakayev\t1\n" +
			"Colin_Powell\t1\t2\nTony_Blair\t1\tSerena_Williams\t1\n",
		// Tony_Blair_0002 is new, Abel_Pacheco (one image) is left out.
		"people.txt": "2\nTony_Blair\t3\nAbel_Pacheco\t1\n",
		// George_W_Bush_0003 is new.
		"pairsDev.txt": "1\nGeorge_W_Bush\t1\t3\nAbel_Pacheco\t1\tAkhmed_Zakayev\t1\n",
	})
	out := filepath.Join(tmp, "out")
	r := visage(t, "lfw", "--dir", dir, "--pairs", f["pairs.txt"], "--folds", "1-2", "--out", out, "--jobs", "2", "--json", "--align", "similarity", "--mirror=false",
		"--also-people", f["people.txt"], "--max-per-person", "2", "--also-pairs", f["pairsDev.txt"])
	if r.code != 0 || !strings.Contains(r.stderr, "2 of them not in the scored pairs") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var res lfw.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Mean != 1 || res.Pairs != 4 || res.Images != 8 {
		t.Errorf("scoring changed: %v, %s", err, r.stdout)
	}
	caches, _ := filepath.Glob(filepath.Join(out, "encodings-*.bin"))
	if len(caches) != 1 {
		t.Fatalf("caches %v, want 1", caches)
	}
	c, err := lfw.LoadEncodingCache(caches[0])
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for rel, d := range c.Images {
		keys = append(keys, rel)
		if len(d) != 128 {
			t.Errorf("%s: %d numbers, want a 128-number descriptor", rel, len(d))
		}
	}
	want := []string{"Abel_Pacheco/Abel_Pacheco_0001.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg", "Colin_Powell/Colin_Powell_0001.jpg",
		"Colin_Powell/Colin_Powell_0002.jpg", "George_W_Bush/George_W_Bush_0001.jpg", "George_W_Bush/George_W_Bush_0002.jpg",
		"George_W_Bush/George_W_Bush_0003.jpg", "Serena_Williams/Serena_Williams_0001.jpg", "Tony_Blair/Tony_Blair_0001.jpg",
		"Tony_Blair/Tony_Blair_0002.jpg"}
	if sort.Strings(keys); !reflect.DeepEqual(keys, want) {
		t.Errorf("cached images %v, want %v", keys, want)
	}
}

// A photo without a face is its own result: exit status 3 and, with --json,
// {"error":"no_face"} on stdout.
func TestCLINoFace(t *testing.T) {
	dir := lfwDir(t)
	blank := writePNG(t, image.NewGray(image.Rect(0, 0, 160, 90)))
	photo := filepath.Join(dir, "George_W_Bush", "George_W_Bush_0001.jpg")
	r := visage(t, "compare", "--json", photo, blank)
	if r.code != exitNoFace || strings.TrimSpace(r.stdout) != `{"error":"no_face"}` {
		t.Errorf("exit %d, stdout %q; want %d and {\"error\":\"no_face\"}", r.code, r.stdout, exitNoFace)
	}
	r = visage(t, "encode", "--json", photo)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, key := range []string{`"box":{"x":`, `"score":`, `"landmarks":[{"x":`} {
		if !strings.Contains(r.stdout, key) {
			t.Errorf("encode --json output lacks %s", key)
		}
	}
}

// --align both scores the mean of the similarity and faceapi descriptors,
// each cached on its own, and saves that mean as a cache for train-*.
func TestCLILFWAlignBoth(t *testing.T) {
	dir := lfwDir(t)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	r := visage(t, "lfw", "--dir", dir, "--pairs", writeTwoFoldPairs(t, tmp), "--folds", "1-2", "--out", out, "--align", "both", "--mirror=false", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	load := func(align string) *lfw.EncodingCache {
		paths, _ := filepath.Glob(filepath.Join(out, "encodings-*+"+align+".bin"))
		if len(paths) != 1 {
			t.Fatalf("caches for %s: %v, want one", align, paths)
		}
		c, err := lfw.LoadEncodingCache(paths[0])
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	sim, fa, both := load("similarity"), load("faceapi"), load("both")
	if len(both.Images) != 8 {
		t.Fatalf("the both cache holds %d images, want 8", len(both.Images))
	}
	for rel, d := range both.Images {
		s, f := sim.Images[rel], fa.Images[rel]
		for i := range d {
			if d[i] != (s[i]+f[i])/2 {
				t.Fatalf("%s[%d] = %g, want the mean of %g and %g", rel, i, d[i], s[i], f[i])
			}
		}
	}
}

// TestCLILFWDegradeSmallGrey scores real LFW pairs on their small grey
// versions: their own caches (other detections), the setting in lfw.json,
// and every image still gives a face at about 55 px.
func TestCLILFWDegradeSmallGrey(t *testing.T) {
	if r := visage(t, "lfw", "--dir", "x", "--pairs", "y", "--degrade", "tiny"); r.code != 2 || !strings.Contains(r.stderr, `expected small-grey, found "tiny"`) {
		t.Errorf("--degrade tiny: exit %d, stderr %q", r.code, r.stderr)
	}
	dir := lfwDir(t)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	r := visage(t, "lfw", "--dir", dir, "--pairs", writeTwoFoldPairs(t, tmp), "--folds", "1-2", "--out", out,
		"--align", "similarity", "--mirror=false", "--degrade", "small-grey", "--jobs", "2", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var res lfw.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Settings.Degrade != "small-grey" || res.Images != 8 || len(res.NoFace) != 0 {
		t.Errorf("settings %+v, %d images, no face in %v", res.Settings, res.Images, res.NoFace)
	}
	caches, _ := filepath.Glob(filepath.Join(out, "*-small-grey+ssd*.bin"))
	if all, _ := filepath.Glob(filepath.Join(out, "*.bin")); len(caches) != 2 || len(all) != 2 {
		t.Errorf("caches %v of %v, want the descriptors' and the landmarks', both tagged small-grey", caches, all)
	}
}
