package e2e

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"visage/core/face"
	"visage/core/imageio"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/ssd"
)

//go:embed testdata/faces_api.js
var facesAPIJS string

// nativePipeline loads the detection pipeline as the wasm API does
// (wasm/main.go: face.LiveSettings).
func nativePipeline(t *testing.T) *face.Pipeline {
	dir, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	net, err := facerec.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	p, err := face.LiveSettings().Load(os.DirFS(dir), net)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// jsFace is a face as detect returns it.
type jsFace struct {
	Box        struct{ X, Y, Width, Height float64 }
	Score      float64
	Landmarks  []struct{ X, Y float64 }
	Descriptor []float32
}

// jsMatch is what identify returns for a face, and verify (with Match).
type jsMatch struct {
	Name      *string
	Distance  *float64
	Match     bool
	Threshold float64
}

type jsGallery struct {
	Threshold float64
	People    []struct {
		Name    string
		Samples int
	}
}

// TestFacesAPI calls visage.js's face methods in the page with LFW photos
// and every kind of image input: detect finds the native pipeline's face
// (box, landmarks and descriptor equal), whatever form the pixels come in;
// enroll, verify and identify give the native distances; the gallery
// methods edit, export and import, and a bad import changes nothing.
func TestFacesAPI(t *testing.T) {
	pathA1, pathA2, pathB := lfwPhoto(t, lfwEnrollA), lfwPhoto(t, lfwCameraA), lfwPhoto(t, lfwCameraB)
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a1, a2, b := read(pathA1), read(pathA2), read(pathB)
	pipe := nativePipeline(t)
	// detect encodes one chip a face; enroll, verify and identify decide
	// with four (face.Pipeline.ForDecisions).
	nativeWith := func(p *face.Pipeline, photo []byte) face.Face {
		img, err := imageio.Decode(bytes.NewReader(photo))
		if err != nil {
			t.Fatal(err)
		}
		faces, err := p.Faces(img)
		if err != nil {
			t.Fatal(err)
		}
		return faces[0]
	}
	native := func(photo []byte) face.Face { return nativeWith(pipe, photo) }
	decisions := pipe.ForDecisions()
	decA1, decA2, decB := nativeWith(decisions, a1), nativeWith(decisions, a2), nativeWith(decisions, b)
	wantA1, wantA2, _ := native(a1), native(a2), native(b)
	rgba, w, h := rgbaPixels(t, a2)

	ctx := openSite(t)
	args, err := json.Marshal(map[string]any{"photoA1": a1, "photoA2": a2, "photoB": b, "rgbaA2": rgba, "width": w, "height": h})
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		DetectBlob, DetectImageData, DetectCanvas, DetectBitmap, DetectRGBA, DetectImg []jsFace
		IdentifyEmpty, IdentifyA, IdentifyB                                            []jsMatch
		VerifyNobody, EnrollNoFace, EnrollBlank, ImportBad, RemoveAgain                string
		Enroll                                                                         struct {
			Name    string
			Samples int
		}
		VerifyA, VerifyB                          jsMatch
		Exported, AfterBad                        string
		ImportObject, Renamed, Threshold, Removed jsGallery
	}]("("+facesAPIJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}

	// detect: the native face, from bytes and from each kind of pixels.
	checkFace := func(what string, faces []jsFace, want face.Face) {
		t.Helper()
		if len(faces) != 1 {
			t.Errorf("detect(%s) found %d faces, want 1", what, len(faces))
			return
		}
		f := faces[0]
		boxDiff := math.Max(math.Max(math.Abs(f.Box.X-want.Box.X), math.Abs(f.Box.Y-want.Box.Y)),
			math.Max(math.Abs(f.Box.Width-want.Box.W), math.Abs(f.Box.Height-want.Box.H)))
		if boxDiff > 1e-3 || len(f.Landmarks) != 68 || math.Abs(f.Landmarks[30].X-want.Landmarks[30].X) > 1e-3 {
			t.Errorf("detect(%s): box %+v and %d landmarks, native box %+v", what, f.Box, len(f.Landmarks), want.Box)
		}
		worst := 0.0
		for i := range want.Encoding {
			if i < len(f.Descriptor) {
				worst = math.Max(worst, math.Abs(float64(f.Descriptor[i]-want.Encoding[i])))
			}
		}
		if len(f.Descriptor) != len(want.Encoding) || worst > descriptorTolerance {
			t.Errorf("detect(%s): descriptor of %d numbers, up to %g from native (want ≤ %g)", what, len(f.Descriptor), worst, descriptorTolerance)
		}
	}
	checkFace("Blob", got.DetectBlob, wantA1)
	for what, faces := range map[string][]jsFace{
		"ImageData": got.DetectImageData, "HTMLCanvasElement": got.DetectCanvas,
		"ImageBitmap": got.DetectBitmap, "RGBA pixels": got.DetectRGBA,
	} {
		checkFace(what, faces, wantA2)
	}
	if len(got.DetectImg) != 0 {
		t.Errorf("detect(<img> of the favicon) found %d faces, want none", len(got.DetectImg))
	}

	// Recognition against the native distances.
	near := func(d *float64, want float64) bool { return d != nil && math.Abs(*d-want) < 1e-4 }
	distA := face.Distance(decA1.Encoding, decA2.Encoding)
	distB := face.Distance(decA1.Encoding, decB.Encoding)
	if oneChip := face.Distance(wantA1.Encoding, wantA2.Encoding); math.Abs(oneChip-distA) < 1e-3 {
		t.Errorf("A's photos are %.4f apart with four chips and %.4f with one: the decision setting makes no difference", distA, oneChip)
	}
	if len(got.IdentifyEmpty) != 1 || got.IdentifyEmpty[0].Name != nil || got.IdentifyEmpty[0].Distance != nil {
		t.Errorf("identify with no one enrolled: %+v, want one face, name and distance null", got.IdentifyEmpty)
	}
	if got.Enroll.Name != "A" || got.Enroll.Samples != 1 {
		t.Errorf("enroll: %+v", got.Enroll)
	}
	if !got.VerifyA.Match || !near(got.VerifyA.Distance, distA) || got.VerifyA.Threshold != face.DefaultThreshold {
		t.Errorf("verify(A, another photo of A) = %+v, want a match at %.4f", got.VerifyA, distA)
	}
	if got.VerifyB.Match || !near(got.VerifyB.Distance, distB) {
		t.Errorf("verify(A, B) = %+v, want no match at %.4f", got.VerifyB, distB)
	}
	if len(got.IdentifyA) != 1 || got.IdentifyA[0].Name == nil || *got.IdentifyA[0].Name != "A" || !near(got.IdentifyA[0].Distance, distA) {
		t.Errorf("identify(A) = %+v, want A at %.4f", got.IdentifyA, distA)
	}
	if len(got.IdentifyB) != 1 || got.IdentifyB[0].Name != nil || !near(got.IdentifyB[0].Distance, distB) {
		t.Errorf("identify(B) = %+v, want not recognized, closest at %.4f", got.IdentifyB, distB)
	}

	// Rejections say what was wrong.
	wantRejections(t, []rejection{
		{"verify before anyone is enrolled", got.VerifyNobody, `no one called "A" is enrolled`},
		{"enroll with no face", got.EnrollNoFace, "no face found"},
		{"enroll a blank name", got.EnrollBlank, "must not be empty or blank"},
		{"import a 2-number descriptor", got.ImportBad, "descriptor must have 128 numbers, found 2"},
		{"remove someone removed", got.RemoveAgain, `no one called "Zed" is enrolled`},
	})

	// The gallery: export, a refused import, import of the object form, edits.
	if got.AfterBad != got.Exported {
		t.Errorf("a refused import changed the gallery:\nbefore %.100s\nafter  %.100s", got.Exported, got.AfterBad)
	}
	var exported struct {
		DistanceThreshold  float64
		LabeledDescriptors []struct {
			Label       string
			Descriptors [][]float32
		}
	}
	if err := json.Unmarshal([]byte(got.Exported), &exported); err != nil || len(exported.LabeledDescriptors) != 1 ||
		exported.LabeledDescriptors[0].Label != "A" || len(exported.LabeledDescriptors[0].Descriptors) != 1 {
		t.Errorf("export is not FaceMatcher.toJSON of one person A (%v): %.100s", err, got.Exported)
	} else if d := face.Distance(exported.LabeledDescriptors[0].Descriptors[0], decA1.Encoding); d > 1e-4 {
		t.Errorf("the exported descriptor is %g from the native one", d)
	}
	summary := func(g jsGallery) string {
		var s []string
		for _, p := range g.People {
			s = append(s, p.Name)
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		what      string
		got       jsGallery
		people    string
		threshold float64
	}{
		{"import [LabeledFaceDescriptors]", got.ImportObject, "Z", 0.6},
		{"rename", got.Renamed, "Zed", 0.6},
		{"setThreshold(0.5)", got.Threshold, "Zed", 0.5},
		{"remove", got.Removed, "", 0.5},
	} {
		if summary(c.got) != c.people || c.got.Threshold != c.threshold {
			t.Errorf("after %s: people %q at threshold %v, want %q at %v", c.what, summary(c.got), c.got.Threshold, c.people, c.threshold)
		}
	}
}

//go:embed testdata/face_steps_api.js
var faceStepsAPIJS string

// TestFaceStepsAPI calls visage.js's detectFaces and landmarks in the page on
// a photo of two people: the native pipeline's boxes and scores (with
// face-api.js's default options, and with a stricter minConfidence and
// maxResults 1) and its landmarks for each box; bad options and boxes
// reject with what was wrong.
func TestFaceStepsAPI(t *testing.T) {
	var photo bytes.Buffer
	if err := png.Encode(&photo, assettest.LFWGroup(t, "Abel_Pacheco/Abel_Pacheco_0001.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg")); err != nil {
		t.Fatal(err)
	}
	pipe := nativePipeline(t)
	img, err := imageio.Decode(bytes.NewReader(photo.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	detect := func(opts ssd.Options) []ssd.Detection {
		p := *pipe
		p.Options = opts
		dets, _, err := p.Detect(img)
		if err != nil {
			t.Fatal(err)
		}
		return dets
	}
	want, wantStrict := detect(pipe.Options), detect(ssd.Options{MinConfidence: 0.96, MaxResults: 1})
	if len(want) != 2 || len(wantStrict) != 1 {
		t.Fatalf("natively %d faces, %d at minConfidence 0.96; want 2 and 1 (the photo must tell the options apart)", len(want), len(wantStrict))
	}
	boxes := make([]map[string]float64, len(want))
	wantPts := make([][]landmarks.Point, len(want))
	for i, d := range want {
		boxes[i] = map[string]float64{"x": d.Box.X, "y": d.Box.Y, "width": d.Box.W, "height": d.Box.H}
		if wantPts[i], err = pipe.Landmarks68(img, d.Box); err != nil {
			t.Fatal(err)
		}
	}

	ctx := openSite(t)
	args, err := json.Marshal(map[string]any{"group": photo.Bytes(), "boxes": boxes})
	if err != nil {
		t.Fatal(err)
	}
	type faceBox struct {
		Box   struct{ X, Y, Width, Height float64 }
		Score float64
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Faces, Strict, Blank                     []faceBox
		Landmarks                                [][]landmarks.Point
		BadConfidence, BadMaxResults, BadOptions string
		NoBox, BoxWithoutHeight, BoxOutside      string
	}]("("+faceStepsAPIJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}

	checkBoxes := func(what string, got []faceBox, want []ssd.Detection) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("detectFaces(%s) found %d faces, natively %d", what, len(got), len(want))
			return
		}
		for i, w := range want {
			g := got[i]
			diff := math.Max(math.Max(math.Abs(g.Box.X-w.Box.X), math.Abs(g.Box.Y-w.Box.Y)),
				math.Max(math.Abs(g.Box.Width-w.Box.W), math.Abs(g.Box.Height-w.Box.H)))
			if diff > 1e-3 || math.Abs(g.Score-w.Score) > 1e-5 {
				t.Errorf("detectFaces(%s) face %d: %+v, natively %+v", what, i, g, w)
			}
		}
	}
	checkBoxes("default options", got.Faces, want)
	checkBoxes("minConfidence 0.96, maxResults 1", got.Strict, wantStrict)
	if len(got.Blank) != 0 {
		t.Errorf("detectFaces(a blank image) found %d faces, want none", len(got.Blank))
	}
	for i := range want {
		if i >= len(got.Landmarks) || len(got.Landmarks[i]) != 68 {
			t.Errorf("landmarks(face %d): %d results, want 68 points", i, len(got.Landmarks))
			continue
		}
		worst := 0.0
		for j, w := range wantPts[i] {
			g := got.Landmarks[i][j]
			worst = math.Max(worst, math.Max(math.Abs(g.X-w.X), math.Abs(g.Y-w.Y)))
		}
		if worst > 1e-3 {
			t.Errorf("landmarks(face %d): up to %g px from native, want ≤ 1e-3", i, worst)
		}
	}
	wantRejections(t, []rejection{
		{"minConfidence 1", got.BadConfidence, "minConfidence must be in (0, 1), found 1"},
		{"maxResults 0.5", got.BadMaxResults, "maxResults must be a whole number ≥ 1, found 0.5"},
		{"options 7", got.BadOptions, "options must be an object, found number"},
		{"no box", got.NoBox, "box must be {x, y, width, height}, found undefined"},
		{"a box without height", got.BoxWithoutHeight, "box.height must be a number, found undefined"},
		{"a box outside the image", got.BoxOutside, "lies outside the 500x250 image"},
	})
}

// rejection is a call the page made that should have rejected: what it
// was, the message it rejected with ("resolved" if it did not) and what the
// message must contain.
type rejection struct{ what, got, want string }

// wantRejections checks each call rejected saying what was wrong.
func wantRejections(t *testing.T, calls []rejection) {
	t.Helper()
	for _, c := range calls {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("%s: rejected with %q, want a message containing %q", c.what, c.got, c.want)
		}
	}
}
