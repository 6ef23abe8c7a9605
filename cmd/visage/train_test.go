package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"visage/core/face"
	"visage/core/learn"
	"visage/core/lfw"
)

// fakeLFW writes LFW-style lists and an encodings cache of synthetic people
// into dir: identity lives in the first 16 of 128 dimensions and the rest is
// noise, so a trained head should beat plain distance. T* people are
// peopleDevTrain, S* the test people; pairs.txt has 2 folds mixing both.
func fakeLFW(t *testing.T, dir string) string {
	rng := rand.New(rand.NewPCG(1, 2))
	cache := &lfw.EncodingCache{Encoder: "synthetic", Alignment: "none", Images: map[string][]float32{}}
	const each = 6
	add := func(name string) {
		centre := make([]float64, 16)
		for i := range centre {
			centre[i] = rng.NormFloat64() * 0.1
		}
		for n := 1; n <= each; n++ {
			x := make([]float32, face.DescriptorLen)
			for i := range x {
				if i < 16 {
					x[i] = float32(centre[i] + 0.03*rng.NormFloat64())
				} else {
					x[i] = float32(0.1 * rng.NormFloat64())
				}
			}
			cache.Images[lfw.ImageRel(name, n)] = x
		}
	}
	var train, test []string
	for i := range 40 {
		train = append(train, fmt.Sprintf("T%02d", i))
		add(train[i])
	}
	for i := range 30 {
		test = append(test, fmt.Sprintf("S%02d", i))
		add(test[i])
	}
	cache.Images["S00/S00_0001.jpg"] = nil   // no face: its pairs count as errors
	delete(cache.Images, "S01/S01_0001.jpg") // never encoded: its pairs are left out
	pairs := func(names []string, n int) string {
		var b strings.Builder
		for i := range n {
			p := names[i%len(names)]
			fmt.Fprintf(&b, "%s\t%d\t%d\n", p, 1+i%each, 1+(i+1+i/len(names))%each)
		}
		for i := range n {
			p, q := names[i%len(names)], names[(i*7+1+i/len(names))%len(names)]
			if p == q {
				q = names[(i+1)%len(names)]
			}
			fmt.Fprintf(&b, "%s\t%d\t%s\t%d\n", p, 1+i%each, q, 1+(i*5)%each)
		}
		return b.String()
	}
	var people strings.Builder
	fmt.Fprintln(&people, len(train))
	for _, n := range train {
		fmt.Fprintf(&people, "%s\t%d\n", n, each)
	}
	files := map[string]string{
		"peopleDevTrain.txt": people.String(),
		"pairsDevTrain.txt":  "200\n" + pairs(train, 200),
		"pairsDevTest.txt":   "150\n" + pairs(test, 150),
		"pairs.txt":          "2\t100\n" + pairs(append(test[:15:15], train[:10]...), 100) + pairs(append(test[15:], train[10:20]...), 100),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "cache.bin")
	if err := cache.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// captureStdout runs f with os.Stdout redirected and returns what it printed.
func captureStdout(t *testing.T, f func() error) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = tmp
	err = f()
	os.Stdout = old
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(tmp.Name())
	return string(data)
}

func TestTrainCommandsOnSyntheticLFW(t *testing.T) {
	dir := t.TempDir()
	cache := fakeLFW(t, dir)
	triplet := filepath.Join(dir, "triplet.json")
	pairs := filepath.Join(dir, "pairs.json")
	common := []string{"--cache", cache, "--lfw", dir, "--seed", "3", "--json"}
	out := captureStdout(t, func() error {
		return runTrainTriplet(append(common, "--out", triplet, "--dim", "16", "--epochs", "30", "--lr", "0.01", "--p", "10", "--plot", filepath.Join(dir, "loss.png")))
	})
	var rows []evalRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("train-triplet --json printed %q: %v", out, err)
	}
	captureStdout(t, func() error {
		return runTrainPairs(append(common, "--out", pairs, "--feature", "chi2", "--epochs", "10", "--pairs", "2000"))
	})
	// --max-per-person 2: images 1 and 2 of the 36 people not held out.
	capped := filepath.Join(dir, "capped.json")
	captureStdout(t, func() error {
		return runTrainPairs(append(common, "--out", capped, "--epochs", "1", "--pairs", "200", "--max-per-person", "2"))
	})
	if h, err := learn.LoadHead(capped); err != nil || h.Info["train_encodings"] != 72.0 || h.Info["train_people"] != 36.0 {
		t.Errorf("--max-per-person 2: %v, trained on %v encodings of %v people; want 72 of 36", err, h.Info["train_encodings"], h.Info["train_people"])
	}
	if _, err := os.Stat(filepath.Join(dir, "loss.png")); err != nil {
		t.Errorf("no loss plot: %v", err)
	}
	out = captureStdout(t, func() error {
		return runTrainEval([]string{"--cache", cache, "--lfw", dir, "--seed", "3", "--json", "--head", triplet, "--head", pairs})
	})
	rows = nil
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("train-eval --json printed %q (%v), want 3 rows", out, err)
	}
	table := captureStdout(t, func() error {
		return runTrainEval([]string{"--cache", cache, "--lfw", dir, "--seed", "3", "--head", triplet, "--head", pairs, "--plot", filepath.Join(dir, "losses.png")})
	})
	t.Log("\n" + table)
	if _, err := os.Stat(filepath.Join(dir, "losses.png")); err != nil {
		t.Errorf("train-eval --plot: %v", err)
	}
	if !strings.Contains(table, "plain distance") || !strings.Contains(table, "\npairs ") || !strings.Contains(table, "2 folds") {
		t.Errorf("train-eval table lacks a row or the fold count:\n%s", table)
	}
	plain := rows[0]
	// S01_0001 is not encoded; S00_0001 has no face.
	if plain.DevTest == nil || plain.DevTest.NotEncoded == 0 || plain.DevTest.NoFace == 0 || plain.DevTest.Pairs+plain.DevTest.NotEncoded != 300 {
		t.Errorf("pairsDevTest bookkeeping %+v: want some pairs left out, some without a face, 300 in all", plain.DevTest)
	}
	// Only the S people's half of pairs.txt remains.
	if v := plain.View2; v == nil || v.Pairs+v.NotEncoded >= 400 || v.Pairs < 100 {
		t.Errorf("View 2 without training people: %+v", plain.View2)
	}
	for _, r := range rows[1:] {
		t.Logf("%s: DevTest %.3f (plain %.3f), 10-fold %.3f (plain %.3f)", r.Name, r.DevTest.Accuracy, plain.DevTest.Accuracy, r.View2.Mean, plain.View2.Mean)
		if r.DevTest.Accuracy < plain.DevTest.Accuracy+0.05 {
			t.Errorf("%s: DevTest accuracy %.3f, want plain %.3f + 0.05", r.Name, r.DevTest.Accuracy, plain.DevTest.Accuracy)
		}
	}
	// The saved head carries its threshold and training record.
	h, err := learn.LoadHead(triplet)
	if err != nil {
		t.Fatal(err)
	}
	if h.Threshold != rows[1].DevTest.Threshold || h.Info["seed"] != 3.0 || h.Info["mining"] != "semi-hard" {
		t.Errorf("head threshold %v info %v; want threshold %v, seed 3, semi-hard", h.Threshold, h.Info, rows[1].DevTest.Threshold)
	}
}

func TestTrainCommandsRejectBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{},                                   // no --cache
		{"--cache", "x", "--mining", "soft"}, // unknown strategy
		{"--cache", "x", "--epochs", "0"},
	} {
		err := runTrainTriplet(args)
		if _, ok := err.(usageError); !ok {
			t.Errorf("train-triplet %v: error %v, want a usage error", args, err)
		}
	}
	if _, ok := runTrainPairs([]string{"--cache", "x", "--feature", "l1"}).(usageError); !ok {
		t.Error("train-pairs --feature l1: want a usage error")
	}
}
