package lfw

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"visage/models/assets/assettest"
)

func TestParsePairsView1(t *testing.T) {
	in := "2\nAl\t1\t2\nBo 3 4\n\nAl 1 Bo 2\nCy\t7\tDi\t1\n"
	folds, err := ParsePairs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Pair{{
		{"Al", 1, "Al", 2, true},
		{"Bo", 3, "Bo", 4, true},
		{"Al", 1, "Bo", 2, false},
		{"Cy", 7, "Di", 1, false},
	}}
	if !reflect.DeepEqual(folds, want) {
		t.Fatalf("got %+v, want %+v", folds, want)
	}
	if got := folds[0][3].Image1(); got != "Cy/Cy_0007.jpg" {
		t.Errorf("Image1 = %q", got)
	}
	if got := folds[0][3].Image2(); got != "Di/Di_0001.jpg" {
		t.Errorf("Image2 = %q", got)
	}
}

func TestParsePairsView2(t *testing.T) {
	in := "2 1\nAl 1 2\nAl 1 Bo 2\nCy 1 3\nCy 2 Di 1\n"
	folds, err := ParsePairs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Pair{
		{{"Al", 1, "Al", 2, true}, {"Al", 1, "Bo", 2, false}},
		{{"Cy", 1, "Cy", 3, true}, {"Cy", 2, "Di", 1, false}},
	}
	if !reflect.DeepEqual(folds, want) {
		t.Fatalf("got %+v, want %+v", folds, want)
	}
}

func TestParsePairsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "unexpected EOF"},
		{"x\n", "expected a count"},
		{"1 2 3\n", "expected 1 to 2 counts"},
		{"1\nAl 1 2\n", "unexpected EOF"},
		{"1\nAl 1 Bo 2\nAl 1 Bo 2\n", "line 2: expected a same pair"},
		{"1\nAl 1 2\nAl 1 2\n", "line 3: expected a different pair"},
		{"1\nAl 0 2\nAl 1 Bo 2\n", "image number"},
		{"1\nAl 1 2\nAl 1 Bo x\n", "image number"},
		{"1\nAl 1 2\nAl 1 Bo 2\nextra\n", "line 4: expected the end"},
	} {
		_, err := ParsePairs(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePairs(%q) error = %v, want it to mention %q", c.in, err, c.want)
		}
	}
}

func TestParsePeople(t *testing.T) {
	flat, err := ParsePeople(strings.NewReader("2\nAl\t3\nBo 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]Person{{{"Al", 3}, {"Bo", 1}}}; !reflect.DeepEqual(flat, want) {
		t.Errorf("flat: got %+v, want %+v", flat, want)
	}
	folded, err := ParsePeople(strings.NewReader("2\n1\nAl 3\n2\nBo 1\nCy 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]Person{{{"Al", 3}}, {{"Bo", 1}, {"Cy", 2}}}; !reflect.DeepEqual(folded, want) {
		t.Errorf("folded: got %+v, want %+v", folded, want)
	}
	for _, c := range []struct{ in, want string }{
		{"2\nAl 3\n", "unexpected EOF"},
		{"1\nAl\n", "expected a count"},
		{"1\nAl 3 4\n", "expected \"name images\""},
		{"2\n1\nAl 3\nBo 1\n", "expected 1 to 1 counts"},
		{"1\nAl 0\n", "image number"},
		{"1\nAl 1\nBo 1\n", "expected the end"},
	} {
		_, err := ParsePeople(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePeople(%q) error = %v, want it to mention %q", c.in, err, c.want)
		}
	}
}

func TestImagePath(t *testing.T) {
	got := ImagePath("/d/img", "Aaron_Peirsol", 12)
	if want := filepath.FromSlash("/d/img/Aaron_Peirsol/Aaron_Peirsol_0012.jpg"); got != want {
		t.Errorf("ImagePath = %q, want %q", got, want)
	}
}

// TestRealLists reads the official list files and checks their counts and
// that every pair names an image its person has.
func TestRealLists(t *testing.T) {
	dir := lfwDir(t)
	view2, err := ReadPairsFile(filepath.Join(dir, "pairs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	people, err := ReadPeopleFile(filepath.Join(dir, "people.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(view2) != 10 || len(people) != 10 {
		t.Fatalf("pairs.txt has %d folds, people.txt %d, want 10 each", len(view2), len(people))
	}
	images := map[string]int{}
	nPeople := 0
	for _, fold := range people {
		for _, p := range fold {
			images[p.Name] = p.Images
			nPeople++
		}
	}
	if nPeople != 5749 || len(images) != 5749 {
		t.Errorf("people.txt: %d entries, %d distinct names, want 5749", nPeople, len(images))
	}
	total, same := 0, 0
	for k, fold := range view2 {
		if len(fold) != 600 {
			t.Errorf("fold %d has %d pairs, want 600", k+1, len(fold))
		}
		for _, p := range fold {
			total++
			if p.Same {
				same++
			}
			if p.Index1 > images[p.Name1] || p.Index2 > images[p.Name2] {
				t.Errorf("fold %d: pair %+v names an image beyond people.txt's counts", k+1, p)
			}
		}
	}
	if total != 6000 || same != 3000 {
		t.Errorf("pairs.txt: %d pairs, %d same; want 6000 and 3000", total, same)
	}
	for _, c := range []struct {
		file  string
		pairs int
	}{{"pairsDevTrain.txt", 2200}, {"pairsDevTest.txt", 1000}} {
		folds, err := ReadPairsFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		if len(folds) != 1 || len(folds[0]) != c.pairs {
			t.Errorf("%s: %d folds, want 1 of %d pairs", c.file, len(folds), c.pairs)
		}
	}
	train, err := ReadPeopleFile(filepath.Join(dir, "peopleDevTrain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	test, err := ReadPeopleFile(filepath.Join(dir, "peopleDevTest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(train[0]) != 4038 || len(test[0]) != 1711 {
		t.Errorf("peopleDevTrain/Test: %d and %d people, want 4038 and 1711", len(train[0]), len(test[0]))
	}
}

// lfwDir returns the shared LFW directory; see assettest.Shared for when
// it is missing.
func lfwDir(t *testing.T) string {
	t.Helper()
	return assettest.Shared(t, "data/lfw")
}

func TestScorePairs(t *testing.T) {
	pairs := []Pair{{"Al", 1, "Al", 2, true}, {"Al", 1, "Bo", 1, false}, {"Al", 2, "Bo", 1, false}}
	enc := map[string][]float32{"Al/Al_0001.jpg": {1}, "Al/Al_0002.jpg": {3}, "Bo/Bo_0001.jpg": nil}
	outs := ScorePairs(pairs, func(rel string) []float32 { return enc[rel] },
		func(a, b []float32) float64 { return float64(b[0] - a[0]) })
	if len(outs) != 3 || outs[0] != (Outcome{2, true}) || !outs[1].Missing() || outs[1].Same || !outs[2].Missing() {
		t.Errorf("ScorePairs = %+v, want [{2 true} {NaN false} {NaN false}]", outs)
	}
}
