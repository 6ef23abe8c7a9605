package engine

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/tensor"
	"visage/models/facerec"
)

// fakeFinder stands in for the detection pipeline: an image holds one face
// unless its first pixel's red value is 255, and that face's descriptor is
// zero but for element R (the first pixel's red value) = 1 and element 127 =
// G/100. So (1, 0) and (1, 10) are 0.1 apart, (1, 0) and (2, 0) √2.
type fakeFinder struct{}

func (fakeFinder) LargestFace(img *tensor.Tensor) (face.Face, error) {
	r, g := img.Data[0], img.Data[1]
	if r == 255 {
		return face.Face{}, fmt.Errorf("face: %w", face.ErrNoFace)
	}
	enc := make([]float32, face.DescriptorLen)
	enc[int(r)] = 1
	enc[127] = g / 100
	w, h := float64(img.Shape[1]), float64(img.Shape[0])
	return face.Face{Box: face.Box{W: w, H: h}, Score: 0.9, Encoding: enc}, nil
}

func (f fakeFinder) Faces(img *tensor.Tensor) ([]face.Face, error) {
	one, err := f.LargestFace(img)
	if err != nil {
		return nil, err
	}
	return []face.Face{one}, nil
}

// faked is an Engine whose finders are fakeFinder, with an empty gallery.
func faked() *Engine[*tensor.Tensor] {
	e := New[*tensor.Tensor](nil)
	e.live, e.deciding, e.enrolling = fakeFinder{}, fakeFinder{}, fakeFinder{}
	return e
}

// pixel is a 1×1 image whose fake face is (r, g).
func pixel(r, g int) Image {
	img := tensor.New(1, 1, 3)
	img.Data[0], img.Data[1] = float32(r), float32(g)
	return Image{img}
}

// people lists a Gallery result as "name:samples" strings.
func people(g GalleryInfo) string {
	var out []string
	for _, p := range g.People {
		out = append(out, fmt.Sprintf("%s:%d", p.Name, p.Samples))
	}
	return strings.Join(out, ",")
}

// nameOf is a Named's name, "" for none.
func nameOf(n Named) string {
	if n.Name == nil {
		return ""
	}
	return *n.Name
}

// enrollAdaBob enrolls Ada's face (1, 0) and Bob's (3, 0) in e.
func enrollAdaBob(t *testing.T, e *Engine[*tensor.Tensor]) {
	t.Helper()
	must(t, e.Enroll, "Ada", pixel(1, 0))
	must(t, e.Enroll, "Bob", pixel(3, 0))
}

func TestEnrollVerifyIdentify(t *testing.T) {
	e := faked()
	if got := must(t, e.Identify, pixel(1, 0)); len(got) != 1 || got[0].Name != nil || !math.IsInf(got[0].Distance, 1) {
		t.Errorf("identify with no one enrolled: %+v, want one face, no name, distance +Inf (null in JS)", got)
	}
	if got := must(t, e.Enroll, "Ada", pixel(1, 0)); got.Name != "Ada" || got.Samples != 1 || got.Box.W != 1 || got.Score != 0.9 {
		t.Errorf("enroll returned %+v, want Ada, 1 sample, box width 1, score 0.9", got)
	}
	enrollAdaBob(t, e)
	if got := people(must(t, e.Gallery)); got != "Ada:2,Bob:1" {
		t.Errorf("gallery = %s, want Ada:2,Bob:1", got)
	}

	for _, c := range []struct {
		r, g  int
		match bool
		dist  float64
	}{{1, 10, true, 0.1}, {2, 0, false, math.Sqrt2}} {
		v := must(t, e.Verify, "Ada", pixel(c.r, c.g))
		if v.Name != "Ada" || v.Match != c.match || !near(v.Distance, c.dist) || v.Threshold != 0.6 || v.Head != nil {
			t.Errorf("verify Ada with (%d, %d): %+v, want match %v distance %v threshold 0.6, no head", c.r, c.g, v, c.match, c.dist)
		}
	}
	for _, c := range []struct {
		r, g int
		name string // "" for none
		dist float64
	}{{1, 10, "Ada", 0.1}, {3, 20, "Bob", 0.2}, {2, 0, "", math.Sqrt2}} {
		got := must(t, e.Identify, pixel(c.r, c.g))
		if len(got) != 1 || nameOf(got[0].Named) != c.name || !near(got[0].Distance, c.dist) {
			t.Errorf("identify (%d, %d) = %+v, want %q at %v", c.r, c.g, got, c.name, c.dist)
		}
	}
	for _, fast := range []bool{true, false} {
		if got, err := call(e.Detect, pixel(255, 0), func(in *DetectArgs) { in.Options.Fast = fast }); err != nil || len(got) != 0 {
			t.Errorf("detect (fast %v) with no face: %d faces, %v; want none", fast, len(got), err)
		}
	}

	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"enroll without a face", second(call(e.Enroll, "Cy", pixel(255, 0))), `enroll "Cy": face: no face found`},
		{"enroll blank name", second(call(e.Enroll, " ", pixel(4, 0))), "name must not be empty or blank"},
		{"verify stranger", second(call(e.Verify, "Cy", pixel(1, 0))), `verify: no one called "Cy" is enrolled`},
		{"verify without a face", second(call(e.Verify, "Ada", pixel(255, 0))), `verify "Ada": face: no face found`},
		{"rename onto someone", second(call(e.RenamePerson, "Ada", "Bob")), "already enrolled"},
		{"threshold out of range", second(call(e.SetThreshold, 3.0)), "threshold must be in (0, 1], found 3"},
	} {
		rejects(t, c.name, c.err, c.want)
	}
	if got := people(must(t, e.Gallery)); got != "Ada:2,Bob:1" {
		t.Errorf("after the rejected calls the gallery is %s, want it unchanged (Ada:2,Bob:1)", got)
	}
}

// second is the error of a call's two results.
func second[R any](_ R, err error) error { return err }

func TestGalleryEditExportImport(t *testing.T) {
	e := faked()
	enrollAdaBob(t, e)
	if got := people(must(t, e.RenamePerson, "Ada", "Ada L.")); got != "Ada L.:1,Bob:1" {
		t.Errorf("after rename: %s", got)
	}
	if got := must(t, e.SetThreshold, 0.45); got.Threshold != 0.45 {
		t.Errorf("threshold = %v, want 0.45", got.Threshold)
	}
	exported := must(t, e.ExportGallery)
	if !strings.HasPrefix(exported, `{"distanceThreshold":0.45,"labeledDescriptors":[{"label":"Ada L.","descriptors":[[`) {
		t.Errorf("export is not FaceMatcher.toJSON's layout: %.80s…", exported)
	}
	for _, bad := range []string{
		`{"labeledDescriptors":[{"label":"Eve","descriptors":[[1,2,3]]}]}`,
		`[{"label":"Eve","descriptors":[[` + strings.Repeat("0,", 127) + `null]]}]`,
		`not json`,
	} {
		rejects(t, fmt.Sprintf("importGallery(%.40s…)", bad), second(call(e.ImportGallery, bad)), "importGallery: ")
		if now := must(t, e.ExportGallery); now != exported {
			t.Fatalf("a rejected import changed the gallery")
		}
	}
	if got := must(t, e.ClearGallery); len(got.People) != 0 || got.Threshold != 0.45 {
		t.Errorf("clear left %s at threshold %v, want no one at 0.45", people(got), got.Threshold)
	}
	if got := people(must(t, e.ImportGallery, exported)); got != "Ada L.:1,Bob:1" {
		t.Errorf("after import: %s", got)
	}
	if now := must(t, e.ExportGallery); now != exported {
		t.Errorf("export after import differs from the export before")
	}
	if got := people(must(t, e.RemovePerson, "Bob")); got != "Ada L.:1" {
		t.Errorf("after remove: %s", got)
	}
}

func TestFaceMethodsNeedTheDetector(t *testing.T) {
	e := New[*tensor.Tensor](nil)
	rejects(t, "detect before load", e.NeedDetector("detect"), "detect called before load finished")
	rejects(t, "encode before load", e.NeedLoad("encode"), "encode called before load finished")
	e.net = &facerec.Net{} // loaded without the detector's files
	if err := e.NeedLoad("encode"); err != nil {
		t.Errorf("encode after load: %v", err)
	}
	rejects(t, "identify without the detector", e.NeedDetector("identify"), "identify needs the face detector, but load was given no ssd_mobilenetv1_model")
	e.live = fakeFinder{} // a detector, but not the pipeline
	if err := e.NeedDetector("identify"); err != nil {
		t.Errorf("identify with the detector: %v", err)
	}
	rejects(t, "landmarks without the pipeline", e.NeedPipeline("landmarks"), "landmarks needs the detection pipeline")
}

// TestIdentifyRule: identify decides with the threshold measured for the
// target FPIR at the gallery's size (fpir option, default 1%), reports it
// in each result and in Gallery's Identify with the expected rates, and a
// chosen gallery threshold takes over; IdentifyDescriptor decides alike.
func TestIdentifyRule(t *testing.T) {
	e := faked()
	enrollAdaBob(t, e)
	for _, target := range []float64{fpir.DefaultTarget, 0.1} {
		want, err := fpir.Measured.At(2, target)
		if err != nil {
			t.Fatal(err)
		}
		got := must(t, e.Identify, pixel(1, 10), func(in *IdentifyArgs) { in.FPIR = target })
		if nameOf(got[0].Named) != "Ada" || got[0].Threshold != want.Threshold {
			t.Errorf("identify at FPIR %v: %+v, want Ada at %v", target, got[0], want.Threshold)
		}
	}
	want, _ := fpir.Measured.At(2, fpir.DefaultTarget)
	if info := must(t, e.Gallery).Identify; info.Threshold != want.Threshold || info.Expected == nil ||
		info.Expected.FNIR != want.FNIR || info.Expected.FPIR != want.FPIR || !strings.Contains(info.Expected.Note, "measured from") {
		t.Errorf("Gallery's Identify = %+v (expected %+v); want %+v", info, info.Expected, want)
	}
	// Midway between Ada (e1) and Bob (e3): d1 = d2 = √0.5, so the margin
	// rule's score d1 − α·(d2 − d1) is √0.5, beyond the measured threshold.
	d := make(Descriptor, face.DescriptorLen)
	d[1], d[3] = 0.5, 0.5
	if r := must(t, e.IdentifyDescriptor, d); r.Name != nil || r.Threshold != want.Threshold || r.Margin != fpir.Margin || !near(r.RuleScore, math.Sqrt(0.5)) {
		t.Errorf("identifyDescriptor midway: %+v; want no name at %v, margin %v, score √0.5", r, want.Threshold, fpir.Margin)
	}
	// A chosen threshold decides on the plain distance (margin 0); a tie
	// goes to the first enrolled.
	must(t, e.SetThreshold, 0.75)
	if r := must(t, e.IdentifyDescriptor, d); nameOf(r) != "Ada" || r.Threshold != 0.75 || r.Margin != 0 {
		t.Errorf("identifyDescriptor with the threshold chosen 0.75: %+v; want Ada at 0.75, margin 0", r)
	}
	if info := must(t, e.Gallery).Identify; info.Expected != nil || !strings.Contains(info.Why, "chosen") {
		t.Errorf("Gallery's Identify with a chosen threshold: %+v; want no expected rates, and why", info)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"unmeasured fpir", second(call(e.Identify, pixel(1, 0), func(in *IdentifyArgs) { in.FPIR = 0.05 })), "identify: fpir: target FPIR must be one of the measured 0.1, 0.01, 0.001, found 0.05"},
		{"unmeasured fpir (descriptor)", second(call(e.IdentifyDescriptor, d, func(in *IdentifyDescriptorArgs) { in.FPIR = 0.05 })), "identifyDescriptor: fpir: target FPIR must be one of the measured"},
		{"short descriptor", second(call(e.IdentifyDescriptor, d[:2])), "identifyDescriptor: the gallery holds dlib descriptors of 128 numbers, found 2"},
	} {
		rejects(t, c.name, c.err, c.want)
	}
}
