//go:build js && wasm

// These tests run under Node:
//
//	PATH="$PATH:$(go env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm go test ./wasm
//
// The e2e tests cover the same API end to end in Chromium.
package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"syscall/js"
	"testing"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/imageio/imageiotest"
	"visage/core/jsvalue"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/models/facerec"
)

// settled is how a promise ended: its value, or the rejection's message.
type settled struct {
	value    js.Value
	rejected string
}

// await blocks until p settles (the Go runtime yields to the JS event loop
// meanwhile).
func await(p js.Value) settled {
	done := make(chan settled, 1)
	onValue := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{value: args[0]}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{rejected: args[0].Get("message").String()}
		return nil
	})
	defer onValue.Release()
	defer onError.Release()
	p.Call("then", onValue, onError)
	return <-done
}

func TestAsyncFuncResolvesRejectsAndRecovers(t *testing.T) {
	for _, c := range []struct {
		name         string
		fn           func([]js.Value) (any, error)
		wantValue    int
		wantRejected string
	}{
		{"value", func(args []js.Value) (any, error) { return args[0].Int() + 1, nil }, 42, ""},
		{"error", func([]js.Value) (any, error) { return nil, errors.New("bad input") }, 0, "visage: bad input"},
		{"panic", func([]js.Value) (any, error) { panic("boom") }, 0, "visage: internal error: boom"},
		{"after a panic", func(args []js.Value) (any, error) { return args[0].Int() + 1, nil }, 42, ""},
	} {
		f := asyncFunc(c.fn)
		got := await(f.Invoke(41))
		f.Release()
		if got.rejected != c.wantRejected {
			t.Errorf("%s: rejected with %q, want %q", c.name, got.rejected, c.wantRejected)
		}
		if c.wantRejected == "" && got.value.Int() != c.wantValue {
			t.Errorf("%s: resolved to %v, want %d", c.name, got.value, c.wantValue)
		}
	}
}

// call runs c's JS call name (c an api, artAPI or unitsAPI) as JS would and
// returns how its promise settled.
func call(c interface{ bindings() map[string]binding }, name string, args ...any) settled {
	b, ok := c.bindings()[name]
	if !ok {
		panic("no JS call " + name)
	}
	f := asyncFunc(b(name))
	defer f.Release()
	return await(f.Invoke(args...))
}

func TestBadInputRejects(t *testing.T) {
	a := &api{}
	u8 := js.Global().Get("Uint8Array")
	descriptor := js.Global().Get("Float32Array").New(128)
	withString := js.Global().Get("Array").New(128).Call("fill", 0)
	withString.SetIndex(3, "x")
	for _, c := range []struct {
		name   string
		got    settled
		wanted string
	}{
		{"encode before load", call(a, "encode", u8.New(3)), "encode called before load finished"},
		{"load(42)", call(a, "load", 42), "load expects {files: {name: Uint8Array, …}}, found number"},
		{"load(no files)", call(a, "load", map[string]any{"files": map[string]any{}}), "face_recognition_model-weights_manifest.json"},
		{"load(file not bytes)", call(a, "load", map[string]any{"files": map[string]any{"m.json": "text"}}), `file "m.json": expected a Uint8Array, found string`},
		{"distance(a)", call(a, "distance", descriptor), "second descriptor: expected a Float32Array or Array of 128 numbers, found undefined"},
		{"distance(a, short)", call(a, "distance", descriptor, u8.New(3)), "expected 128 (dlib), 192 (mobilefacenet) or 1024 (faceres) numbers, found 3"},
		{"distance(dlib, mobilefacenet)", call(a, "distance", descriptor, js.Global().Get("Float32Array").New(192)), "descriptors of 128 and 192 numbers come from different encoders"},
		{"distance(string inside)", call(a, "distance", withString, descriptor), "first descriptor: element 3 must be a number, found string"},
		{"compare threshold", call(a, "compare", descriptor, descriptor, "0.5"), "threshold must be a number, found string"},
		{"compare threshold range", call(a, "compare", descriptor, descriptor, 0), "threshold must be in (0, 1], found 0"},
	} {
		if !strings.Contains(c.got.rejected, c.wanted) {
			t.Errorf("%s: rejected with %q, want a message containing %q", c.name, c.got.rejected, c.wanted)
		}
	}
}

func TestDistanceAndCompare(t *testing.T) {
	a := &api{}
	x := js.Global().Get("Float32Array").New(128)
	y := js.Global().Get("Array").New(128).Call("fill", 0)
	x.SetIndex(0, 0.3)
	x.SetIndex(127, 0.4) // |x − y| = 0.5
	if got := call(a, "distance", x, y); got.rejected != "" || got.value.Float() < 0.4999999 || got.value.Float() > 0.5000001 {
		t.Errorf("distance = %+v, want 0.5", got)
	}
	for _, c := range []struct {
		threshold any
		match     bool
	}{{js.Undefined(), true}, {0.5, false}, {0.51, true}} {
		got := call(a, "compare", x, y, c.threshold)
		if got.rejected != "" || got.value.Get("match").Bool() != c.match {
			t.Errorf("compare at threshold %v: %+v, want match %v", c.threshold, got, c.match)
		}
	}
}

// TestImageOfUpright: a JPEG's bytes are turned upright by its EXIF
// orientation, as the CLI reads the same file and as the browser shows it.
func TestImageOfUpright(t *testing.T) {
	jpg := imageiotest.SidewaysJPEG()
	data := js.Global().Get("Uint8Array").New(len(jpg))
	js.CopyBytesToJS(data, jpg)
	img, err := imageOf(data, "detect")
	if err != nil {
		t.Fatal(err)
	}
	if img.Shape[0] != 16 || img.Shape[1] != 8 || img.At(2, 4, 0) < 200 || img.At(13, 4, 0) > 50 {
		t.Errorf("shape %v, top %v, bottom %v: want 16×8, bright on top", img.Shape, img.At(2, 4, 0), img.At(13, 4, 0))
	}
}

func TestImageOfPixels(t *testing.T) {
	data := js.Global().Get("Uint8ClampedArray").New(8)
	for i, v := range []int{1, 2, 3, 255, 4, 5, 6, 0} {
		data.SetIndex(i, v)
	}
	img, err := imageOf(js.ValueOf(map[string]any{"width": 2, "height": 1, "data": data}), "encode")
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Shape) != 3 || img.Shape[0] != 1 || img.Shape[1] != 2 || img.Shape[2] != 3 {
		t.Fatalf("shape %v, want [1 2 3]", img.Shape)
	}
	for i, want := range []float32{1, 2, 3, 4, 5, 6} {
		if img.Data[i] != want {
			t.Errorf("Data[%d] = %v, want %v (alpha dropped, colour kept)", i, img.Data[i], want)
		}
	}
}

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

// pixel is a 1x1 RGBA image argument whose fake face is (r, g).
func pixel(r, g int) js.Value {
	data := js.Global().Get("Uint8Array").New(4)
	data.SetIndex(0, r)
	data.SetIndex(1, g)
	return js.ValueOf(map[string]any{"width": 1, "height": 1, "data": data})
}

// must returns the value p resolved to, failing the test if it rejected.
func must(t *testing.T, what string, s settled) js.Value {
	t.Helper()
	if s.rejected != "" {
		t.Fatalf("%s rejected: %s", what, s.rejected)
	}
	return s.value
}

// people lists a gallery() result as "name:samples" strings.
func people(g js.Value) string {
	var out []string
	ps := g.Get("people")
	for i := range ps.Length() {
		out = append(out, fmt.Sprintf("%s:%d", ps.Index(i).Get("name").String(), ps.Index(i).Get("samples").Int()))
	}
	return strings.Join(out, ",")
}

func TestEnrollVerifyIdentify(t *testing.T) {
	a := &api{live: fakeFinder{}, deciding: fakeFinder{}, enrolling: fakeFinder{}}
	a.setGallery(vault.InMemory())
	if got := must(t, "identify (empty gallery)", call(a, "identify", pixel(1, 0))); got.Length() != 1 ||
		!got.Index(0).Get("name").IsNull() || !got.Index(0).Get("distance").IsNull() {
		t.Errorf("identify with no one enrolled: want one face, name and distance null")
	}
	e := must(t, "enroll", call(a, "enroll", "Ada", pixel(1, 0)))
	if e.Get("name").String() != "Ada" || e.Get("samples").Int() != 1 || e.Get("box").Get("width").Int() != 1 {
		t.Errorf("enroll returned name %v samples %v box %v", e.Get("name"), e.Get("samples"), e.Get("box"))
	}
	must(t, "enroll", call(a, "enroll", "Ada", pixel(1, 0)))
	must(t, "enroll", call(a, "enroll", "Bob", pixel(3, 0)))
	if got := people(must(t, "gallery", call(a, "gallery"))); got != "Ada:2,Bob:1" {
		t.Errorf("gallery = %s, want Ada:2,Bob:1", got)
	}

	for _, c := range []struct {
		r, g  int
		match bool
		dist  float64
	}{{1, 10, true, 0.1}, {2, 0, false, 1.41421356}} {
		v := must(t, "verify", call(a, "verify", "Ada", pixel(c.r, c.g)))
		if v.Get("match").Bool() != c.match || !near(v.Get("distance").Float(), c.dist) || v.Get("threshold").Float() != 0.6 {
			t.Errorf("verify Ada with (%d, %d): match %v distance %v threshold %v, want %v %v 0.6",
				c.r, c.g, v.Get("match"), v.Get("distance"), v.Get("threshold"), c.match, c.dist)
		}
	}
	for _, c := range []struct {
		r, g int
		name string // "" for null
		dist float64
	}{{1, 10, "Ada", 0.1}, {3, 20, "Bob", 0.2}, {2, 0, "", 1.41421356}} {
		f := must(t, "identify", call(a, "identify", pixel(c.r, c.g))).Index(0)
		name := ""
		if !f.Get("name").IsNull() {
			name = f.Get("name").String()
		}
		if name != c.name || !near(f.Get("distance").Float(), c.dist) {
			t.Errorf("identify (%d, %d) = %q at %v, want %q at %v", c.r, c.g, name, f.Get("distance"), c.name, c.dist)
		}
	}
	if got := must(t, "detect", call(a, "detect", pixel(255, 0))); got.Length() != 0 {
		t.Errorf("detect with no face found %d faces, want none", got.Length())
	}

	for _, c := range []struct {
		name string
		got  settled
		want string
	}{
		{"enroll without a face", call(a, "enroll", "Cy", pixel(255, 0)), `enroll "Cy": face: no face found`},
		{"enroll blank name", call(a, "enroll", " ", pixel(4, 0)), "name must not be empty or blank"},
		{"enroll name not a string", call(a, "enroll", 7, pixel(4, 0)), "enroll: name must be a string, found number"},
		{"verify stranger", call(a, "verify", "Cy", pixel(1, 0)), `verify: no one called "Cy" is enrolled`},
		{"verify without a face", call(a, "verify", "Ada", pixel(255, 0)), `verify "Ada": face: no face found`},
		{"identify not an image", call(a, "identify", 42), "identify expects image bytes (Uint8Array) or RGBA pixels"},
		{"rename onto someone", call(a, "renamePerson", "Ada", "Bob"), "already enrolled"},
		{"threshold out of range", call(a, "setThreshold", 3), "threshold must be in (0, 1], found 3"},
	} {
		if !strings.Contains(c.got.rejected, c.want) {
			t.Errorf("%s: rejected with %q, want a message containing %q", c.name, c.got.rejected, c.want)
		}
	}
	if got := people(must(t, "gallery", call(a, "gallery"))); got != "Ada:2,Bob:1" {
		t.Errorf("after the rejected calls the gallery is %s, want it unchanged (Ada:2,Bob:1)", got)
	}
}

func TestGalleryEditExportImport(t *testing.T) {
	a := &api{live: fakeFinder{}, deciding: fakeFinder{}, enrolling: fakeFinder{}}
	a.setGallery(vault.InMemory())
	must(t, "enroll", call(a, "enroll", "Ada", pixel(1, 0)))
	must(t, "enroll", call(a, "enroll", "Bob", pixel(3, 0)))
	if got := people(must(t, "rename", call(a, "renamePerson", "Ada", "Ada L."))); got != "Ada L.:1,Bob:1" {
		t.Errorf("after rename: %s", got)
	}
	if got := must(t, "setThreshold", call(a, "setThreshold", 0.45)); got.Get("threshold").Float() != 0.45 {
		t.Errorf("threshold = %v, want 0.45", got.Get("threshold"))
	}
	exported := must(t, "export", call(a, "exportGallery")).String()
	if !strings.HasPrefix(exported, `{"distanceThreshold":0.45,"labeledDescriptors":[{"label":"Ada L.","descriptors":[[`) {
		t.Errorf("export is not FaceMatcher.toJSON's layout: %.80s…", exported)
	}
	for _, bad := range []any{
		`{"labeledDescriptors":[{"label":"Eve","descriptors":[[1,2,3]]}]}`,
		`[{"label":"Eve","descriptors":[[` + strings.Repeat("0,", 127) + `null]]}]`,
		`not json`,
		42,
	} {
		if got := call(a, "importGallery", bad); got.rejected == "" {
			t.Errorf("importGallery(%.40v…) resolved, want a rejection", bad)
		}
		if now := must(t, "export", call(a, "exportGallery")).String(); now != exported {
			t.Fatalf("a rejected import changed the gallery")
		}
	}
	if got := must(t, "clear", call(a, "clearGallery")); got.Get("people").Length() != 0 || got.Get("threshold").Float() != 0.45 {
		t.Errorf("clear left %s at threshold %v, want no one at 0.45", people(got), got.Get("threshold"))
	}
	if got := people(must(t, "remove", call(a, "importGallery", exported))); got != "Ada L.:1,Bob:1" {
		t.Errorf("after import: %s", got)
	}
	if now := must(t, "export", call(a, "exportGallery")).String(); now != exported {
		t.Errorf("export after import differs from the export before")
	}
	if got := people(must(t, "remove", call(a, "removePerson", "Bob"))); got != "Ada L.:1" {
		t.Errorf("after remove: %s", got)
	}
}

func TestFaceMethodsNeedTheDetector(t *testing.T) {
	a := &api{}
	a.setGallery(vault.InMemory())
	if got := call(a, "detect", pixel(1, 0)); !strings.Contains(got.rejected, "detect called before load finished") {
		t.Errorf("detect before load: %q", got.rejected)
	}
	a.net = &facerec.Net{} // loaded without the detector's files
	if got := call(a, "identify", pixel(1, 0)); !strings.Contains(got.rejected, "identify needs the face detector, but load was given no ssd_mobilenetv1_model") {
		t.Errorf("identify without the detector: %q", got.rejected)
	}
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

// TestIdentifyRule: identify decides with the threshold measured for the
// target FPIR at the gallery's size (fpir option, default 1%), reports it
// in each result and in gallery().identify with the expected rates, and a
// chosen gallery threshold takes over; identifyDescriptor decides alike.
func TestIdentifyRule(t *testing.T) {
	a := &api{live: fakeFinder{}, deciding: fakeFinder{}, enrolling: fakeFinder{}}
	a.setGallery(vault.InMemory())
	must(t, "enroll", call(a, "enroll", "Ada", pixel(1, 0)))
	must(t, "enroll", call(a, "enroll", "Bob", pixel(3, 0)))
	for _, target := range []float64{fpir.DefaultTarget, 0.1} {
		want, err := fpir.Measured.At(2, target)
		if err != nil {
			t.Fatal(err)
		}
		f := must(t, "identify", call(a, "identify", pixel(1, 10), map[string]any{"fpir": target})).Index(0)
		if f.Get("name").String() != "Ada" || f.Get("threshold").Float() != want.Threshold {
			t.Errorf("identify at FPIR %v: %v at threshold %v, want Ada at %v", target, f.Get("name"), f.Get("threshold"), want.Threshold)
		}
	}
	want, _ := fpir.Measured.At(2, fpir.DefaultTarget)
	info := must(t, "gallery", call(a, "gallery")).Get("identify")
	if e := info.Get("expected"); info.Get("threshold").Float() != want.Threshold || e.Get("fnir").Float() != want.FNIR ||
		e.Get("fpir").Float() != want.FPIR || !strings.Contains(e.Get("note").String(), "measured from") {
		t.Errorf("gallery().identify = threshold %v, expected fpir %v fnir %v note %q; want %+v",
			info.Get("threshold"), e.Get("fpir"), e.Get("fnir"), e.Get("note"), want)
	}
	// Midway between Ada (e1) and Bob (e3): d1 = d2 = √0.5, so the margin
	// rule's score d1 − α·(d2 − d1) is √0.5, beyond the measured threshold.
	d := make([]float32, face.DescriptorLen)
	d[1], d[3] = 0.5, 0.5
	if r := must(t, "identifyDescriptor", call(a, "identifyDescriptor", jsvalue.Encode(d))); !r.Get("name").IsNull() || r.Get("threshold").Float() != want.Threshold ||
		r.Get("margin").Float() != fpir.Margin || !near(r.Get("ruleScore").Float(), math.Sqrt(0.5)) {
		t.Errorf("identifyDescriptor midway: %v at threshold %v, margin %v, score %v; want null at %v, margin %v, score √0.5",
			r.Get("name"), r.Get("threshold"), r.Get("margin"), r.Get("ruleScore"), want.Threshold, fpir.Margin)
	}
	// A chosen threshold decides on the plain distance (margin 0); a tie
	// goes to the first enrolled.
	must(t, "setThreshold", call(a, "setThreshold", 0.75))
	if r := must(t, "identifyDescriptor", call(a, "identifyDescriptor", jsvalue.Encode(d))); r.Get("name").String() != "Ada" || r.Get("threshold").Float() != 0.75 || r.Get("margin").Float() != 0 {
		t.Errorf("identifyDescriptor with the threshold chosen 0.75: %v at %v, margin %v; want Ada at 0.75, margin 0", r.Get("name"), r.Get("threshold"), r.Get("margin"))
	}
	if info := must(t, "gallery", call(a, "gallery")).Get("identify"); !info.Get("expected").IsNull() || !strings.Contains(info.Get("why").String(), "chosen") {
		t.Errorf("gallery().identify with a chosen threshold: expected %v, why %v; want null and why", info.Get("expected"), info.Get("why"))
	}
	for _, c := range []struct {
		name string
		got  settled
		want string
	}{
		{"unmeasured fpir", call(a, "identify", pixel(1, 0), map[string]any{"fpir": 0.05}), "identify: fpir: target FPIR must be one of the measured 0.1, 0.01, 0.001, found 0.05"},
		{"fpir not a number", call(a, "identifyDescriptor", jsvalue.Encode(d), map[string]any{"fpir": "1%"}), "identifyDescriptor: fpir must be a number, found string"},
		{"short descriptor", call(a, "identifyDescriptor", jsvalue.Encode(d[:2])), "identifyDescriptor: expected 128 (dlib), 192 (mobilefacenet) or 1024 (faceres) numbers, found 2"},
	} {
		if !strings.Contains(c.got.rejected, c.want) {
			t.Errorf("%s: rejected with %q, want %q", c.name, c.got.rejected, c.want)
		}
	}
}
