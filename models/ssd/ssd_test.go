package ssd

import (
	"math"
	"testing"

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

func BenchmarkDetect(b *testing.B) {
	n := assettest.FaceModel(b, Manifest, Load)
	img := assettest.LFWImage(b, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	for b.Loop() {
		if _, err := n.Detect(img, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
