package main

import (
	"os"
	"path/filepath"
	"testing"

	"visage/core/fpir"
)

// TestCurvesAreGenerated: core/fpir/curves.go is what gencurves makes of the
// report it names (fpir.Source), so that the table the product decides with
// is the committed measurement; after a new report, run go generate.
func TestCurvesAreGenerated(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", filepath.FromSlash(fpir.Source)))
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(data, fpir.Source)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../curves.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("core/fpir/curves.go is not gencurves' output for %s: run go generate ./core/fpir", fpir.Source)
	}
}
