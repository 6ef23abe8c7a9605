package ssd

import (
	"fmt"
	"math"
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

func TestDetectFindsTheCentredFace(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	dets, err := n.Detect(img, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", dets)
	if len(dets) == 0 {
		t.Fatal("no face found in an LFW image")
	}
	b := dets[0].Box
	cx, cy := b.X+b.W/2, b.Y+b.H/2
	// Deep-funneled LFW faces sit in the middle of the 250x250 image.
	if math.Abs(cx-125) > 25 || math.Abs(cy-125) > 30 || b.W < 60 || b.W > 180 {
		t.Errorf("face box %+v is not the centred face", b)
	}
}

// TestRunSurvivesGPUFailure runs the detector on a fake GPU as the browser
// does: a pass whose device is lost is redone on the CPU with the same
// boxes and scores, and later passes stay there.
func TestRunSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	backendtest.CheckFallback(t, "face detector", n, On, (*Runner[*tensor.Tensor]).Run, img,
		func(got, want *Output) string {
			if d := maxDiff(got, want); d != 0 {
				return fmt.Sprintf("boxes and scores differ from the CPU's by up to %v", d)
			}
			return ""
		})
}

// maxDiff is the largest difference between two outputs' anchor boxes and
// scores (+Inf when their anchors differ in number).
func maxDiff(a, b *Output) float64 {
	ab, as := a.Anchors()
	bb, bs := b.Anchors()
	if len(ab) != len(bb) || len(as) != len(bs) || len(as) == 0 {
		return math.Inf(1)
	}
	d := 0.0
	for i := range as {
		d = max(d, math.Abs(as[i]-bs[i]))
		for k := range 4 {
			d = max(d, math.Abs(ab[i][k]-bb[i][k]))
		}
	}
	return d
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
