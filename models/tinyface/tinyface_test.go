package tinyface

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/ssd"
)

// TestDetectMatchesFaceAPI compares with face-api.js's Tiny Face Detector
// on the single-photo input of testdata/detect/reference.json (made by
// testdata/detect/make_reference.mjs from the same decoded pixels).
func TestDetectMatchesFaceAPI(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	raw, err := os.ReadFile("../../testdata/detect/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Tiny map[string][]struct {
			Box   struct{ X, Y, Width, Height float64 }
			Score float64
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	want := ref.Tiny["single"]
	got, err := n.Detect(img, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d faces, face-api.js found %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		d := math.Abs(g.Box.X-w.Box.X) + math.Abs(g.Box.Y-w.Box.Y) + math.Abs(g.Box.W-w.Box.Width) + math.Abs(g.Box.H-w.Box.Height)
		if d > 1e-2 || math.Abs(g.Score-w.Score) > 1e-4 {
			t.Errorf("face %d: %+v, face-api.js %+v", i, g, w)
		}
	}
}

func TestNonMaxSuppressionKeepsBestOfOverlaps(t *testing.T) {
	dets := []ssd.Detection{
		{Box: ssd.Box{X: 0, Y: 0, W: 10, H: 10}, Score: 0.6},
		{Box: ssd.Box{X: 1, Y: 0, W: 10, H: 10}, Score: 0.9}, // IoU 90/110 with the first
		{Box: ssd.Box{X: 6, Y: 0, W: 10, H: 10}, Score: 0.7}, // IoU 50/150 with the second: kept
		{Box: ssd.Box{X: 30, Y: 30, W: 5, H: 5}, Score: 0.5},
	}
	got := nonMaxSuppression(dets, 0.4)
	want := []float64{0.9, 0.7, 0.5}
	if len(got) != len(want) {
		t.Fatalf("kept %v, want scores %v", got, want)
	}
	for i := range want {
		if got[i].Score != want[i] {
			t.Errorf("kept %v, want scores %v", got, want)
		}
	}
}

func TestDetectRejectsBadInput(t *testing.T) {
	n := &Net{} // no weights: it must not get as far as the network
	img := tensor.New(8, 8, 3)
	for _, o := range []Options{{InputSize: 100, ScoreThreshold: 0.5}, {InputSize: 416, ScoreThreshold: 0}, {InputSize: 0, ScoreThreshold: 0.5}} {
		if _, err := n.Detect(img, o); err == nil {
			t.Errorf("%+v: expected an error", o)
		}
	}
	for _, bad := range []*tensor.Tensor{tensor.New(8, 8), tensor.New(8, 8, 4), tensor.New(0, 8, 3)} {
		if _, err := n.Detect(bad, DefaultOptions()); err == nil {
			t.Errorf("a %v image was accepted", bad.Shape)
		}
	}
}

// TestDetectSurvivesGPUFailure runs the detector on a fake GPU as the
// browser does: a pass whose device is lost is redone on the CPU with the
// same detections, and later passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	detect := func(r *Runner[*tensor.Tensor], img *tensor.Tensor) ([]ssd.Detection, error) {
		return r.Detect(img, DefaultOptions())
	}
	if want := backendtest.CheckFallback(t, "tiny face detector", n, On, detect, img, nil); len(want) == 0 {
		t.Error("no face found on the CPU: the comparison checked nothing")
	}
}

func BenchmarkDetect(b *testing.B) {
	n := assettest.FaceModel(b, Manifest, Load)
	img := assettest.LFWImage(b, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	for b.Loop() {
		if _, err := n.Detect(img, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
