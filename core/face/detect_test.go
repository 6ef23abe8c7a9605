package face

import (
	"errors"
	"math"
	"os"
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// testPipeline loads the full pipeline with Visage's fallbacks, skipping
// (or failing under VISAGE_E2E) without the models or LFW.
func testPipeline(t testing.TB) *Pipeline {
	t.Helper()
	fsys := os.DirFS(assettest.FaceModels(t, facerec.Manifest))
	enc, err := facerec.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadPipeline(fsys, enc, AlignSimilarity)
	if err != nil {
		t.Fatal(err)
	}
	if p.Tiny, err = tinyface.Load(fsys); err != nil {
		t.Fatal(err)
	}
	p.FallbackConfidence, p.PadRetry, p.TinyOptions = DefaultFallbackConfidence, DefaultPadRetry, DefaultTinyOptions()
	return p
}

// Each fallback stage is reached on a photo that needs it, and a blank
// image is no face, not an error.
func TestDetectStages(t *testing.T) {
	p := testPipeline(t)
	for rel, want := range map[string]Stage{
		"Aaron_Eckhart/Aaron_Eckhart_0001.jpg": StageDefault,
		// Dark, turned face: the SSD scores it 0.03 at best; the Tiny Face
		// Detector at a 160 input finds it.
		"Abdoulaye_Wade/Abdoulaye_Wade_0003.jpg": StageTiny,
	} {
		img := assettest.LFWImage(t, rel)
		dets, stage, err := p.Detect(img)
		if err != nil || stage != want || len(dets) == 0 {
			t.Errorf("%s: stage %d, %d faces, %v; want stage %d", rel, stage, len(dets), err, want)
		}
	}
	blank := tensor.New(90, 160, 3)
	if _, err := p.Faces(blank); err == nil || !errors.Is(err, ErrNoFace) {
		t.Errorf("blank image: %v, want ErrNoFace", err)
	}
}

// The largest face is the one LargestFace describes, with 68 landmarks and
// a descriptor.
func TestLargestFace(t *testing.T) {
	p := testPipeline(t)
	img, err := composePhoto(assettest.Shared(t, "data/lfw/images_deepfunneled"), parityPhotos[3].files, parityPhotos[3].rows)
	if err != nil {
		t.Fatal(err)
	}
	all, err := p.Faces(img)
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.LargestFace(img)
	if err != nil {
		t.Fatal(err)
	}
	want := all[Largest(all)]
	if f.Box != want.Box || len(f.Landmarks) != 68 || len(f.Encoding) != DescriptorLen {
		t.Errorf("LargestFace %+v, want the box %+v with 68 landmarks and a descriptor", f.Box, want.Box)
	}
	if Distance(f.Encoding, want.Encoding) != 0 {
		t.Error("LargestFace's descriptor differs from Faces'")
	}
}

func BenchmarkPipelineLargestFace(b *testing.B) {
	p := testPipeline(b)
	img := assettest.LFWImage(b, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	for b.Loop() {
		if _, err := p.LargestFace(img); err != nil {
			b.Fatal(err)
		}
	}
}

// With MirrorLandmarks the landmarks of the mirror image are the mirror of
// the landmarks (points re-paired by landmarks.MirrorIndex), which the net
// alone misses by pixels: it is biased to one side.
func TestMirrorLandmarksAreMirrorSymmetric(t *testing.T) {
	p := testPipeline(t)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	w := float64(img.Shape[1])
	box := Box{X: 70, Y: 60, W: 110, H: 120} // whole pixels, so the mirrored crop is the crop mirrored
	mbox := Box{X: w - box.X - box.W, Y: box.Y, W: box.W, H: box.H}
	worst := func() float64 {
		a, err := p.Landmarks68(img, box)
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Landmarks68(Mirror(img), mbox)
		if err != nil {
			t.Fatal(err)
		}
		d := 0.0
		for i, q := range b {
			m := a[landmarks.MirrorIndex[i]]
			d = max(d, math.Abs(q.X-(w-m.X)), math.Abs(q.Y-m.Y))
		}
		return d
	}
	if d := worst(); d < 0.5 {
		t.Errorf("without MirrorLandmarks the mirrored landmarks are within %.3g px of mirror symmetry; the net was expected to be off by more", d)
	}
	p.MirrorLandmarks = true
	if d := worst(); d > 1e-4 {
		t.Errorf("with MirrorLandmarks the landmarks are %.3g px from mirror symmetry, want ≤ 1e-4", d)
	}
}

// RequireCentre looks past a stray face at the edge of a photo framed on
// its subject: in this LFW image the SSD finds only a corner face at the
// fallback threshold and misses the large face in the middle.
func TestRequireCentre(t *testing.T) {
	p := testPipeline(t)
	img := assettest.LFWImage(t, "Jeffrey_Jones/Jeffrey_Jones_0002.jpg")
	dets, stage, err := p.Detect(img)
	if err != nil || len(dets) == 0 || holdsCentre(dets, img) {
		t.Fatalf("without RequireCentre: %v at stage %d, %v; the test needs only off-centre faces", dets, stage, err)
	}
	p.RequireCentre = true
	dets, stage, err = p.Detect(img)
	if err != nil || !holdsCentre(dets, img) || stage <= StageFallback {
		t.Errorf("with RequireCentre: %v at stage %d, %v; want a face holding the centre from a later attempt", dets, stage, err)
	}
	blank := tensor.New(90, 160, 3)
	if dets, stage, err := p.Detect(blank); len(dets) != 0 || stage != StageNone || err != nil {
		t.Errorf("blank image with RequireCentre: %v, stage %d, %v", dets, stage, err)
	}
}

// AlignBoth's descriptor is the mean of the similarity chip's and the
// face-api.js crop's, with Mirror the mean of all four; ParseAlign knows it.
func TestAlignBoth(t *testing.T) {
	p := testPipeline(t)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	f, err := p.LargestFace(img)
	if err != nil {
		t.Fatal(err)
	}
	each := map[Align][2][]float32{}
	for _, a := range []Align{AlignSimilarity, AlignFaceAPI, AlignBoth} {
		q := *p
		q.Align = a
		plain, mirrored, err := q.EncodeBoth(img, f.Landmarks)
		if err != nil {
			t.Fatal(err)
		}
		each[a] = [2][]float32{plain, mirrored}
	}
	for k, name := range []string{"plain", "mirror-averaged"} {
		s, fa, both := each[AlignSimilarity][k], each[AlignFaceAPI][k], each[AlignBoth][k]
		if Distance(s, fa) < 1e-3 {
			t.Fatalf("%s: the two alignments gave the same descriptor; the test needs them to differ", name)
		}
		for i := range both {
			if d := math.Abs(float64(both[i] - (s[i]+fa[i])/2)); d > 1e-6 {
				t.Errorf("%s: AlignBoth[%d] = %g, want the mean %g", name, i, both[i], (s[i]+fa[i])/2)
				break
			}
		}
	}
	if a, err := ParseAlign("both"); a != AlignBoth || err != nil || a.String() != "both" {
		t.Errorf(`ParseAlign("both") = %v, %v`, a, err)
	}
	if _, err := ParseAlign("dlib"); err == nil {
		t.Error(`ParseAlign("dlib"): expected an error`)
	}
}

// LargestDetection and CentralDetection pick by box area and by distance
// from the image centre, the first of equals, -1 for no detection.
func TestPickDetection(t *testing.T) {
	img := tensor.New(200, 300, 3) // centre (150, 100)
	dets := []ssd.Detection{
		{Box: Box{X: 0, Y: 0, W: 120, H: 120}},   // largest, far from the centre
		{Box: Box{X: 130, Y: 80, W: 40, H: 40}},  // centred
		{Box: Box{X: 130, Y: 80, W: 40, H: 40}},  // its equal, later
		{Box: Box{X: 180, Y: 150, W: 10, H: 10}}, // small, off centre
	}
	if got := LargestDetection(dets); got != 0 {
		t.Errorf("LargestDetection = %d, want 0", got)
	}
	if got := CentralDetection(dets, img); got != 1 {
		t.Errorf("CentralDetection = %d, want 1", got)
	}
	if LargestDetection(nil) != -1 || CentralDetection(nil, img) != -1 {
		t.Error("no detections: want -1")
	}
}

// TestForDecisions: the decision setting is both alignments with their
// mirror images, for a bare encoder and for Dlib's own alignment, and the
// pipeline it copies is left as it was.
func TestForDecisions(t *testing.T) {
	p := Pipeline{Align: AlignSimilarity, Encoder: Dlib{Align: AlignSimilarity}}
	d := p.ForDecisions()
	if d.Align != AlignBoth || !d.Mirror || d.Encoder.(Dlib).Align != AlignBoth {
		t.Errorf("ForDecisions: align %v, mirror %v, Dlib's align %v; want both, true, both", d.Align, d.Mirror, d.Encoder.(Dlib).Align)
	}
	if p.Align != AlignSimilarity || p.Mirror || p.Encoder.(Dlib).Align != AlignSimilarity {
		t.Error("ForDecisions changed the pipeline it copies")
	}
}
