package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"visage/core/face"
	"visage/core/lfw"
	"visage/core/openset"
)

// TestCLIIdentifyEval runs identify-eval on a folder of 60 made-up people
// (1 to 3 images each; the images are never read, only their cached
// descriptors: tight clusters, one image without a face) and checks the
// report, its files and the refusal of an image the cache lacks.
func TestCLIIdentifyEval(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	cache := &lfw.EncodingCache{Encoder: "test", Alignment: "test", Images: map[string][]float32{}}
	rng := rand.New(rand.NewPCG(1, 1))
	for p := range 60 {
		name := fmt.Sprintf("Person_%02d", p)
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		centre := make([]float64, face.DescriptorLen)
		for i := range centre {
			centre[i] = 0.1 * rng.NormFloat64()
		}
		for im := 1; im <= 1+p%3; im++ {
			file := fmt.Sprintf("%s_%04d.jpg", name, im)
			if err := os.WriteFile(filepath.Join(dir, name, file), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			d := make([]float32, face.DescriptorLen)
			for i := range d {
				d[i] = float32(centre[i] + 0.001*rng.NormFloat64())
			}
			if p == 5 && im == 1 {
				d = nil // no face
			}
			cache.Images[name+"/"+file] = d
		}
	}
	cachePath := filepath.Join(tmp, "enc.bin")
	if err := cache.Save(cachePath); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	r := visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--k", "5,all", "--out", out, "--json")
	if r.code != 0 {
		t.Fatalf("identify-eval: exit %d: %s", r.code, r.stderr)
	}
	var rep openset.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("output %.200q: %v", r.stdout, err)
	}
	if rep.People != 60 || rep.Images != 120 || rep.NoFace != 1 || len(rep.Galleries) != 2 || rep.Galleries[0].K != 5 {
		t.Errorf("report: %d people, %d images, %d without a face, %d galleries; want 60, 120, 1 and 2", rep.People, rep.Images, rep.NoFace, len(rep.Galleries))
	}
	for _, g := range rep.Galleries {
		// Tight clusters: every probe with a face is named right; the faceless
		// one, when its person is enrolled, is the only miss.
		at := g.Rules[0].AtDefault
		if g.Rank1 < 1-1/float64(g.Mated)-1e-12 || len(g.Rules) != 2 || at.FPIR != 0 || math.Abs(at.FNIR-(1-g.Rank1)) > 1e-12 {
			t.Errorf("K=%d: rank-1 %v of %d mated, rules %d, at 0.6 %+v; want at most the faceless probe missed, 2 rules, no stranger named", g.K, g.Rank1, g.Mated, len(g.Rules), at)
		}
	}
	for _, f := range []string{"identify.json", "det.png", "k.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// A classifier head whose P(same) = σ(2 − L1): tight clusters (L1 about
	// 0.14 within, 14 across) decide as plain distance does, at the head's
	// threshold turned into 1 − 0.5; people of --without-people are left out.
	people := filepath.Join(tmp, "people.txt")
	if err := os.WriteFile(people, []byte("2\nPerson_00\t1\nPerson_01\t2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--k", "5,all", "--out", out, "--json",
		"--head", saveHead(t, classifierHead(2), filepath.Join(tmp, "head.json")), "--without-people", people)
	var headRep openset.Report
	if err := json.Unmarshal([]byte(r.stdout), &headRep); r.code != 0 || err != nil {
		t.Fatalf("--head: exit %d, %v: %s", r.code, err, r.stderr)
	}
	if headRep.People != 58 || headRep.Images != 117 || headRep.Default != 0.5 || !strings.Contains(headRep.Source, "head.json") {
		t.Errorf("--head --without-people: %d people, %d images, default %v, source %q; want 58, 117, 0.5 and the head named", headRep.People, headRep.Images, headRep.Default, headRep.Source)
	}
	for _, g := range headRep.Galleries {
		if at := g.Rules[0].AtDefault; g.Rank1 < 1-1/float64(g.Mated)-1e-12 || at.FPIR != 0 || math.Abs(at.FNIR-(1-g.Rank1)) > 1e-12 {
			t.Errorf("--head K=%d: rank-1 %v, at its threshold %+v; want every probe with a face named, no stranger", g.K, g.Rank1, at)
		}
	}
	var ten strings.Builder
	ten.WriteString("10\n")
	for p := range 10 {
		fmt.Fprintf(&ten, "Person_%02d\t%d\n", p, 1+p%3)
	}
	if err := os.WriteFile(people, []byte(ten.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r = visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--k", "all", "--out", out, "--json", "--people", people)
	if err := json.Unmarshal([]byte(r.stdout), &headRep); r.code != 0 || err != nil || headRep.People != 10 || headRep.Images != 19 {
		t.Errorf("--people: exit %d, %v, %d people, %d images; want Person_00 to Person_09's 19 images (stderr %q)", r.code, err, headRep.People, headRep.Images, r.stderr)
	}
	delete(cache.Images, "Person_07/Person_07_0001.jpg")
	if err := cache.Save(cachePath); err != nil {
		t.Fatal(err)
	}
	wantError(t, visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--out", out), 1, "identify-eval",
		"Person_07/Person_07_0001.jpg is not in the encodings cache", "--also-min-images 1")
	wantError(t, visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--k", "0"), 2, "identify-eval", "--k")
	// --people looks up only its people: Person_07's missing image is no error.
	var others strings.Builder
	others.WriteString("10\n")
	for p := 10; p < 20; p++ {
		fmt.Fprintf(&others, "Person_%02d\t%d\n", p, 1+p%3)
	}
	if err := os.WriteFile(people, []byte(others.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r = visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--k", "all", "--out", out, "--json", "--people", people)
	if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil || rep.People != 10 {
		t.Errorf("--people without Person_07: exit %d, %v, %d people (stderr %q); want Person_10 to Person_19", r.code, err, rep.People, r.stderr)
	}
	// A cache still being filled: Person_07 is left out, and said to be.
	r = visage(t, "identify-eval", "--dir", dir, "--cache", cachePath, "--out", out, "--json", "--cached-people-only")
	if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil || rep.People != 59 || rep.Images != 118 || !strings.Contains(r.stderr, "1 person left out") {
		t.Errorf("--cached-people-only: exit %d, %d people, %d images, stderr %q; want 59 people, 118 images, Person_07 left out", r.code, rep.People, rep.Images, r.stderr)
	}
}
