package e2e

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/face"
	"visage/core/imageio"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/faceres"
	"visage/models/mobilefacenet"
)

//go:embed testdata/encoders_api.js
var encodersAPIJS string

// encoderTolerance bounds |page − native| per element of a MobileFaceNet or
// FaceRes descriptor (unit vectors, elements up to about 0.2): the same
// graph runs in both, on the SIMD kernels in the page and the pure Go ones
// natively, so only the order of floating-point sums differs.
const encoderTolerance = 1e-6

// encoderCase is one encoder Visage.load({encoder}) offers beside dlib, and
// how the test computes its descriptor of an aligned chip natively: the
// chip resized to the network's input side (visage.js's encode contract),
// one forward of the network loaded from the human-models folder.
type encoderCase struct {
	name string
	dim  int
	side int
	load func(t *testing.T, dir string) face.Encoder
}

var encoderCases = []encoderCase{
	{face.EncoderMobileFaceNet, 192, 112, func(t *testing.T, dir string) face.Encoder {
		net, err := mobilefacenet.Load(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		return net
	}},
	{face.EncoderFaceRes, 1024, 224, func(t *testing.T, dir string) face.Encoder {
		net, err := faceres.Load(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		return net
	}},
}

// TestEncodersAPI loads visage.js's API with each other encoder
// (Visage.load({encoder: 'mobilefacenet'}) and 'faceres') in the page:
// encode gives the native network's descriptor of the same chip (its
// length the encoder's); an enrolled person is tagged with the encoder, in
// gallery() and in the export, which imports back, also in a new stored
// gallery (vault); and descriptors, galleries and stored galleries of
// another encoder are refused with a message naming both, in either
// direction, leaving the gallery as it was.
func TestEncodersAPI(t *testing.T) {
	chip, err := os.ReadFile(chipPaths(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	photo, err := os.ReadFile(lfwPhoto(t, lfwEnrollA))
	if err != nil {
		t.Fatal(err)
	}
	img, err := imageio.Decode(bytes.NewReader(chip))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := assets.HumanModelsDir()
	assettest.Need(t, err)
	want := map[string][]float32{}
	var names []string
	for _, c := range encoderCases {
		if want[c.name], err = c.load(t, dir).Encode(face.SquareChip(img, c.side)); err != nil {
			t.Fatal(err)
		}
		names = append(names, c.name)
	}
	dlibGallery := `{"distanceThreshold":0.6,"labeledDescriptors":[{"label":"D","descriptors":[[` +
		strings.TrimSuffix(strings.Repeat("0.01,", face.DescriptorLen), ",") + `]]}]}`

	ctx := openSite(t)
	args, err := json.Marshal(map[string]any{"encoders": names, "chip": chip, "photo": photo, "dlibGallery": dlibGallery})
	if err != nil {
		t.Fatal(err)
	}
	type person struct {
		Name    string
		Samples int
		Encoder string
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Encoders map[string]struct {
			Descriptor                                                 []float32
			People, AfterImport, Reimported, Stored                    []person
			Exported                                                   string
			DistanceToDlib, ImportDlib, ImportIntoDlib, StoredIntoDlib string
		}
		DlibPeople []person
	}]("("+encodersAPIJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range encoderCases {
		g, ok := got.Encoders[c.name]
		if !ok {
			t.Errorf("%s: no result from the page", c.name)
			continue
		}
		worst := maxAbsDiff(g.Descriptor, want[c.name])
		t.Logf("%s: encode in the page is up to %.2g from native", c.name, worst)
		if len(g.Descriptor) != c.dim || worst > encoderTolerance {
			t.Errorf("%s: encode gave %d numbers up to %g from native; want %d within %g", c.name, len(g.Descriptor), worst, c.dim, encoderTolerance)
		}
		enrolled := []person{{"A", 1, c.name}}
		if !slices.Equal(g.People, enrolled) || !slices.Equal(g.AfterImport, enrolled) || !slices.Equal(g.Reimported, enrolled) || !slices.Equal(g.Stored, enrolled) {
			t.Errorf("%s: gallery() after enrolling A %+v, after the refused import %+v, its export imported into the cleared gallery %+v, enrolled in a new stored gallery %+v; want %+v each",
				c.name, g.People, g.AfterImport, g.Reimported, g.Stored, enrolled)
		}
		var exported struct {
			Encoder            string
			LabeledDescriptors []struct{ Descriptors [][]float32 }
		}
		if err := json.Unmarshal([]byte(g.Exported), &exported); err != nil || exported.Encoder != c.name ||
			len(exported.LabeledDescriptors) != 1 || len(exported.LabeledDescriptors[0].Descriptors) != 1 ||
			len(exported.LabeledDescriptors[0].Descriptors[0]) != c.dim {
			t.Errorf("%s: the export (%v) is not one person tagged %q with a %d-number descriptor: %.200s", c.name, err, c.name, c.dim, g.Exported)
		}
		wantRejections(t, []rejection{
			{c.name + ": distance to a dlib descriptor", g.DistanceToDlib, "come from different encoders and cannot be compared"},
			{c.name + ": importing a dlib gallery", g.ImportDlib, "the gallery holds " + c.name + " descriptors; dlib descriptors cannot be"},
			{c.name + ": importing its export into a dlib gallery", g.ImportIntoDlib, "the gallery holds dlib descriptors; " + c.name + " descriptors cannot be"},
			{c.name + ": its stored gallery opened by a dlib instance", g.StoredIntoDlib, "the gallery holds " + c.name + " descriptors; dlib descriptors cannot be"},
		})
	}
	if len(got.DlibPeople) != 0 {
		t.Errorf("the dlib instance's gallery after the refused imports: %+v, want empty", got.DlibPeople)
	}
}

// pageDecisionTolerance bounds |page − native| per element of a descriptor
// the page enrolled from a PNG photo (pixels both sides read exactly):
// detection, landmarks, the four chips and the encoder each run on the SIMD
// kernels in the page and the pure Go ones natively.
const pageDecisionTolerance = 1e-5

// TestPageDecisionSetting: the page itself (index.html's Faces view, not a
// Visage.load of the test's) enrolls with the setting whose accuracy the
// README's "Accuracy on LFW" states: the dlib encoder, both chips each with
// its mirror image (face.Pipeline.ForDecisions). A photo enrolled through
// the view is read back from the page's stored gallery by a second instance:
// tagged dlib, its descriptor the native decision setting's and not the
// one-chip setting's.
func TestPageDecisionSetting(t *testing.T) {
	jpg, err := os.ReadFile(lfwPhoto(t, lfwEnrollA))
	if err != nil {
		t.Fatal(err)
	}
	// As a PNG, so that the browser's decoder gives the Go core's pixels.
	rgba, w, h := rgbaPixels(t, jpg)
	var buf bytes.Buffer
	if err := png.Encode(&buf, &image.NRGBA{Pix: rgba, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "a.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := imageio.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	pipe := nativePipeline(t)
	decision, err := pipe.ForDecisions().LargestFace(img)
	if err != nil {
		t.Fatal(err)
	}
	oneChip, err := pipe.LargestFace(img)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(decision.Encoding, oneChip.Encoding); d < 10*pageDecisionTolerance {
		t.Fatalf("the decision and one-chip settings' descriptors differ by only %g: the test could not tell them apart", d)
	}

	ctx := openSite(t)
	showView(t, ctx, "faces")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("enroll-name"), "A"),
		chromedp.SetUploadFiles(chromedp.ID("enroll-files"), []string{photo}),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('status').textContent.includes('Enrolled A from 1 of 1 photo')`,
		chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
		t.Fatalf("enrolling A in the Faces view: status %q (%v)", status, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Encoders []string
		Exported string
	}](`(async () => {
		const { Visage } = await import(new URL('visage.js', location.href).href);
		const v = await Visage.load({ modelsUrl: 'models/', detector: false, vault: true });
		try {
			const { people } = await v.gallery();
			return { encoders: people.map((p) => p.encoder), exported: await v.exportGallery() };
		} finally {
			v.terminate();
		}
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var exported struct {
		LabeledDescriptors []struct{ Descriptors [][]float32 }
	}
	if err := json.Unmarshal([]byte(got.Exported), &exported); err != nil || len(exported.LabeledDescriptors) != 1 ||
		len(exported.LabeledDescriptors[0].Descriptors) != 1 || !slices.Equal(got.Encoders, []string{face.EncoderDlib}) {
		t.Fatalf("the page's stored gallery: encoders %v, %.200s (%v); want one dlib person with one descriptor", got.Encoders, got.Exported, err)
	}
	enrolled := exported.LabeledDescriptors[0].Descriptors[0]
	fromDecision, fromOneChip := maxAbsDiff(enrolled, decision.Encoding), maxAbsDiff(enrolled, oneChip.Encoding)
	t.Logf("the page's enrolled descriptor is up to %.2g from the native decision setting's, %.2g from the one-chip setting's", fromDecision, fromOneChip)
	if fromDecision > pageDecisionTolerance {
		t.Errorf("the page enrolled a descriptor up to %g from the native decision setting's (both chips + mirror), want ≤ %g; %g from the one-chip setting's",
			fromDecision, pageDecisionTolerance, fromOneChip)
	}
}

// maxAbsDiff is the largest |a[i] − b[i]|, +Inf when the lengths differ.
func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(float64(a[i]-b[i])))
	}
	return worst
}
