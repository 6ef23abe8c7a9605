package lfw

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every committed lfw.json reads into Result with no field left over and
// writes back to the same bytes: the format has not moved with the code.
func TestCommittedResultsRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../../testdata/results/lfw-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed lfw results (%v)", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r Result
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		back, err := json.MarshalIndent(&r, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if back = append(back, '\n'); !bytes.Equal(back, raw) {
			t.Errorf("%s: written back differs from the committed file", f)
		}
	}
}

// WriteText's lines, checked by hand for a small result.
func TestResultWriteText(t *testing.T) {
	r := &Result{
		Settings: Settings{Encoder: "dlib", Align: "both", Mirror: true, LandmarksMirror: true, Pick: "central", Score: DistanceName},
		Folds:    []ResultFold{{Fold: 1, Threshold: 0.5, Accuracy: 0.9}, {Fold: 2, Threshold: 0.55, Accuracy: 1}},
		Mean:     0.95, Std: 0.0707, FixedThreshold: 0.6, FixedAccuracy: 0.925, TAR: 0.8, TARThreshold: 0.4, AUC: 0.99,
		Pairs: 40, MissingPairs: 1, Images: 70, NoFace: []string{"Al/Al_0001.jpg"}, TinyImages: []string{"Bo/Bo_0002.jpg"},
		Calibration: &Calibration{PairsFile: "pairsDevTrain.txt", Pairs: 2200, Missing: 3, Threshold: 0.52, Accuracy: 0.97},
		ROCPNG:      "out/roc.png", HistogramPNG: "out/distances.png",
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `LFW, 2 folds, 40 pairs, 70 images, encoder dlib, alignment both + mirror, mirror-averaged landmarks, central face, score: Euclidean distance
  fold  1  threshold 0.5000  accuracy 90.00%
  fold  2  threshold 0.5500  accuracy 100.00%
accuracy 95.00% ± 7.07% (mean ± std over folds)
at the fixed threshold 0.6: 92.50%
TAR 80.00% at FAR ≤ 1e-3 (threshold 0.4000), AUC 0.99000
calibration on pairsDevTrain.txt (2200 pairs, 3 without a face): best threshold 0.5200, accuracy 97.00%
this run: 0 images found only at the fallback confidence, 0 only on the padded image, 1 only by the Tiny Face Detector
1 images without a face (1 pairs, each counted as an error)
  Al/Al_0001.jpg
plots: out/roc.png, out/distances.png
`
	if b.String() != want {
		t.Errorf("WriteText:\n%s\nwant\n%s", b.String(), want)
	}
}
