package lfw

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeList writes text into the file name in dir and returns its path.
func writeList(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExtraImages(t *testing.T) {
	dir := t.TempDir()
	people := writeList(t, dir, "people.txt", "3\nAda\t3\nBob\t1\nCy\t2\n")
	people10 := writeList(t, dir, "people10.txt", "2\n1\nAda\t4\n1\nDee\t2\n") // people.txt's folds layout
	pairs := writeList(t, dir, "pairs.txt", "1\nCy\t2\t5\nBob\t1\tAda\t7\n")
	bad := writeList(t, dir, "bad-people.txt", "2\nAda\t3\n")
	got, err := extraImages([]string{people, people10}, []string{pairs}, 2, 2)
	want := []string{"Ada/Ada_0001.jpg", "Ada/Ada_0002.jpg", "Ada/Ada_0007.jpg", "Bob/Bob_0001.jpg",
		"Cy/Cy_0001.jpg", "Cy/Cy_0002.jpg", "Cy/Cy_0005.jpg", "Dee/Dee_0001.jpg", "Dee/Dee_0002.jpg"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("capped at 2: %v, %v; want %v", got, err, want)
	}
	got, err = extraImages([]string{people}, nil, 0, 2)
	want = []string{"Ada/Ada_0001.jpg", "Ada/Ada_0002.jpg", "Ada/Ada_0003.jpg", "Cy/Cy_0001.jpg", "Cy/Cy_0002.jpg"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("no cap: %v, %v; want %v (Bob has one image: no pair to learn from)", got, err, want)
	}
	got, err = extraImages([]string{people}, nil, 0, 1)
	want = []string{"Ada/Ada_0001.jpg", "Ada/Ada_0002.jpg", "Ada/Ada_0003.jpg", "Bob/Bob_0001.jpg", "Cy/Cy_0001.jpg", "Cy/Cy_0002.jpg"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("at least 1 image: %v, %v; want %v (Bob too)", got, err, want)
	}
	if _, err := extraImages([]string{bad}, nil, 0, 2); err == nil || !strings.Contains(err.Error(), "bad-people.txt") {
		t.Errorf("a people file shorter than its count: %v, want an error naming it", err)
	}
}

func TestPairsWithout(t *testing.T) {
	people := writeList(t, t.TempDir(), "people.txt", "2\nAda\t3\nBob\t1\n")
	folds := [][]Pair{
		{{Name1: "Ada", Index1: 1, Name2: "Ada", Index2: 2, Same: true}, {Name1: "Cy", Index1: 1, Name2: "Dee", Index2: 1}},
		{{Name1: "Cy", Index1: 1, Name2: "Cy", Index2: 2, Same: true}, {Name1: "Dee", Index1: 1, Name2: "Bob", Index2: 1}},
	}
	got, err := pairsWithout(folds, people)
	want := [][]Pair{{folds[0][1]}, {folds[1][0]}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("pairsWithout = %v, %v; want %v", got, err, want)
	}
	if _, err := pairsWithout(folds, filepath.Join(t.TempDir(), "none.txt")); err == nil {
		t.Error("a missing people file: no error")
	}
}
