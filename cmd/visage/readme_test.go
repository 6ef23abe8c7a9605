package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// learningRows names, for each row of README.md's "Learning a similarity"
// table, the train-eval row it quotes (testdata/learn/lfw.sh names the
// heads after their files).
var learningRows = map[string]string{
	"plain Euclidean distance (no training)":        "plain distance",
	"triplet, linear 128→64, hard negatives":        "triplet-hard",
	"triplet, linear 128→64, semi-hard negatives":   "triplet-semi-hard",
	"triplet, linear 128→64, random negatives":      "triplet-random",
	"triplet, 128→128 from the identity, hard":      "triplet-identity-hard",
	"triplet, 128→128 from the identity, semi-hard": "triplet-identity-semi-hard",
	"triplet, 128→128 from the identity, random":    "triplet-identity-random",
	`binary classifier, \|f_i − f_j\|`:              "pairs-abs",
	"binary classifier, χ²":                         "pairs-chi2",
}

// TestREADMELearningTable checks README.md's "Learning a similarity" table
// against the committed output of testdata/learn/lfw.sh
// (testdata/results/learn-lfw.json, train-eval --json): every row there,
// each number to the digits the README shows, and no other row.
func TestREADMELearningTable(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/results/learn-lfw.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []evalRow
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatalf("learn-lfw.json: %v", err)
	}
	byName := map[string]evalRow{}
	for _, r := range rows {
		if r.DevTest == nil || r.View2 == nil {
			t.Fatalf("learn-lfw.json: row %q lacks pairsDevTest or View 2 results", r.Name)
		}
		byName[r.Name] = r
	}
	table := markdownTable(t, readme(t), "## Learning a similarity")
	if len(table) != len(rows) || len(table) != len(learningRows) {
		t.Errorf("README's table has %d rows, learn-lfw.json %d, learningRows %d", len(table), len(rows), len(learningRows))
	}
	for _, cells := range table {
		name, ok := learningRows[cells[0]]
		r, found := byName[name]
		if !ok || !found || len(cells) != 6 {
			t.Errorf("README row %q: no such row in learn-lfw.json (learningRows names %q), or not 6 cells", cells[0], name)
			continue
		}
		dt, v := r.DevTest, r.View2
		want := []string{cells[0],
			fmt.Sprintf("%.3f", dt.Threshold),
			fmt.Sprintf("%.1f%%", 100*dt.Accuracy),
			fmt.Sprintf("%.2f%% ± %.2f%%", 100*v.Mean, 100*v.Std),
			fmt.Sprintf("%.1f%%", 100*v.TAR),
			fmt.Sprintf("%.4f", v.AUC)}
		for i, c := range cells {
			if strings.Trim(c, "*") != want[i] { // bold marks the best of a column
				t.Errorf("README row %q, column %d: %q, learn-lfw.json gives %q", cells[0], i+1, c, want[i])
			}
		}
	}
}

// lfwRows names, for each row of README.md's "Accuracy on LFW" table, the
// committed output it quotes: a `visage lfw` run's lfw.json over the 10
// folds, or a variant (its selection) of face-api.js's run.
var lfwRows = map[string]struct{ file, selection string }{
	"**Visage, `lfw`'s defaults**: both chips, each with its mirror image (the encoding the page and the CLI decide with)":               {"testdata/results/lfw-folds1-10-dlib-both-mirror.json", ""},
	"Visage, similarity chip + its mirror (`--align similarity`)":                                                                        {"testdata/results/lfw-folds1-10-dlib-similarity-mirror.json", ""},
	"Visage, similarity chip alone (`--align similarity --mirror=false`; the page's camera overlay, `detect`, `identify({fast: true})`)": {"testdata/results/lfw-folds1-10-dlib-similarity.json", ""},
	"Visage, face-api.js's crop alone (`--align faceapi --mirror=false`)":                                                                {"testdata/results/lfw-folds1-10-dlib-faceapi.json", ""},
	"face-api.js 1.7.15's own pipeline, `minConfidence` 0.1":                                                                             {"testdata/peers/faceapi_lfw_result.json", "0.1/largest"},
	"face-api.js 1.7.15's own pipeline, its default `minConfidence` 0.5":                                                                 {"testdata/peers/faceapi_lfw_result.json", "0.5/largest"},
}

// lfwScores is what README.md's LFW table quotes of an lfw.json, or of a
// variant of face-api.js's result.
type lfwScores struct {
	Selection string   `json:"selection"`
	Folds     []any    `json:"folds"`
	Mean      float64  `json:"mean_accuracy"`
	Std       float64  `json:"std_accuracy"`
	Fixed     float64  `json:"fixed_accuracy"`
	TAR       float64  `json:"tar_at_far_1e-3"`
	Pairs     int      `json:"pairs"`
	NoFace    []string `json:"images_without_face"`
}

// TestREADMELFWTable checks README.md's "Accuracy on LFW" table against the
// committed outputs it quotes (lfwRows): each number to the digits shown,
// over all 10 folds and 6,000 pairs.
func TestREADMELFWTable(t *testing.T) {
	table := markdownTable(t, readme(t), "## Accuracy on LFW")
	if len(table) != len(lfwRows) {
		t.Errorf("README's table has %d rows, lfwRows %d", len(table), len(lfwRows))
	}
	for _, cells := range table {
		src, ok := lfwRows[cells[0]]
		if !ok || len(cells) != 5 {
			t.Errorf("README row %q: not in lfwRows, or not 5 cells", cells[0])
			continue
		}
		raw, err := os.ReadFile("../../" + src.file)
		if err != nil {
			t.Fatal(err)
		}
		var r lfwScores
		if src.selection == "" {
			err = json.Unmarshal(raw, &r)
		} else {
			var peer struct{ Variants []lfwScores }
			err = json.Unmarshal(raw, &peer)
			for _, v := range peer.Variants {
				if v.Selection == src.selection {
					r = v
				}
			}
		}
		if err != nil || len(r.Folds) != 10 || r.Pairs != 6000 {
			t.Errorf("README row %q: %s (%s) holds %d folds and %d pairs (%v), want 10 and 6000", cells[0], src.file, src.selection, len(r.Folds), r.Pairs, err)
			continue
		}
		want := []string{cells[0],
			fmt.Sprintf("%.2f%% ± %.2f%%", 100*r.Mean, 100*r.Std),
			fmt.Sprintf("%.2f%%", 100*r.Fixed),
			fmt.Sprintf("%.1f%%", 100*r.TAR),
			fmt.Sprint(len(r.NoFace))}
		for i, c := range cells[1:] {
			c, _, _ = strings.Cut(strings.Trim(c, "*"), "¹") // bold and the footnote mark
			if c != want[i+1] {
				t.Errorf("README row %q, column %d: %q, %s gives %q", cells[0], i+2, c, src.file, want[i+1])
			}
		}
	}
}

// readme returns README.md's text.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// markdownTable returns the cells of each body row (the rows after the
// header and its --- line) of the first table after the line heading in doc,
// trimmed; an escaped \| stays in its cell.
func markdownTable(t *testing.T, doc, heading string) [][]string {
	t.Helper()
	_, after, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q section", heading)
	}
	var lines []string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "|") {
			lines = append(lines, line)
		} else if len(lines) > 0 {
			break
		}
	}
	if len(lines) < 3 || !strings.HasPrefix(strings.ReplaceAll(lines[1], " ", ""), "|---") {
		t.Fatalf("README.md's %q section has no table with a header and a body", heading)
	}
	var rows [][]string
	for _, line := range lines[2:] {
		line = strings.ReplaceAll(strings.Trim(line, "|"), `\|`, "\x00")
		var cells []string
		for _, c := range strings.Split(line, "|") {
			cells = append(cells, strings.ReplaceAll(strings.TrimSpace(c), "\x00", `\|`))
		}
		rows = append(rows, cells)
	}
	return rows
}
