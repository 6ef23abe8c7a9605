package face

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// readFaceMatcher loads testdata/facematcher.json, written by face-api.js's
// FaceMatcher.toJSON (testdata/facematcher.cjs).
func readFaceMatcher(t *testing.T) (*Gallery, []byte) {
	t.Helper()
	data, err := os.ReadFile("testdata/facematcher.json")
	if err != nil {
		t.Fatal(err)
	}
	g := NewGallery()
	if err := json.Unmarshal(data, g); err != nil {
		t.Fatalf("reading face-api.js's FaceMatcher.toJSON output: %v", err)
	}
	return g, data
}

func TestUnmarshalFaceMatcherJSON(t *testing.T) {
	g, _ := readFaceMatcher(t)
	if g.Threshold() != 0.55 {
		t.Errorf("threshold = %v, want 0.55", g.Threshold())
	}
	wantNames := []string{"Amy Farrah Fowler", "raj", `Zoë "quoted" \ 北京`}
	if !reflect.DeepEqual(g.Names(), wantNames) {
		t.Errorf("names = %q, want %q", g.Names(), wantNames)
	}
	for name, n := range map[string]int{wantNames[0]: 2, wantNames[1]: 1, wantNames[2]: 3} {
		if got := g.DescriptorCount(name); got != n {
			t.Errorf("DescriptorCount(%q) = %d, want %d", name, got, n)
		}
	}
}

// TestDistanceMatchesFaceAPI compares Distance with faceapi.euclideanDistance
// on the fixture's descriptors (testdata/distances.json). face-api.js rounds
// each difference to float32 before squaring, hence the tolerance.
func TestDistanceMatchesFaceAPI(t *testing.T) {
	g, _ := readFaceMatcher(t)
	data, err := os.ReadFile("testdata/distances.json")
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		Label string `json:"label"`
		Index int    `json:"index"`
	}
	var pairs []struct {
		A, B     ref
		Distance float64
	}
	if err := json.Unmarshal(data, &pairs); err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 21 { // 6 descriptors: 6·7/2 pairs including each with itself
		t.Fatalf("distances.json has %d pairs, want 21", len(pairs))
	}
	desc := func(r ref) []float32 { return g.people[g.find(r.Label)].descriptors[r.Index] }
	for _, p := range pairs {
		got := Distance(desc(p.A), desc(p.B))
		if math.Abs(got-p.Distance) > 1e-6 {
			t.Errorf("Distance(%v, %v) = %.9f, face-api.js says %.9f", p.A, p.B, got, p.Distance)
		}
	}
}

// TestMarshalRoundTrip: Marshal writes FaceMatcher.toJSON's layout with the
// same values, and reading it back gives the identical gallery.
func TestMarshalRoundTrip(t *testing.T) {
	g, faceapiJSON := readFaceMatcher(t)
	out, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var ours, theirs any
	if err := json.Unmarshal(out, &ours); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(faceapiJSON, &theirs); err != nil {
		t.Fatal(err)
	}
	// face-api.js writes float32 values widened to float64; compare as float32.
	if !reflect.DeepEqual(asFloat32(ours), asFloat32(theirs)) {
		t.Errorf("Marshal output differs from FaceMatcher.toJSON:\nours   %.300s\ntheirs %.300s", out, faceapiJSON)
	}
	back := NewGallery()
	if err := json.Unmarshal(out, back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(g) {
		t.Errorf("gallery changed in a Marshal/Unmarshal round trip")
	}
}

// asFloat32 rounds every number in a decoded JSON value to float32.
func asFloat32(v any) any {
	switch v := v.(type) {
	case float64:
		return float32(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = asFloat32(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = asFloat32(e)
		}
		return out
	}
	return v
}

func TestMarshalEmptyGallery(t *testing.T) {
	out, err := json.Marshal(NewGallery())
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"distanceThreshold":0.6,"labeledDescriptors":[]}`; string(out) != want {
		t.Errorf("empty gallery JSON = %s, want %s", out, want)
	}
	g := testGallery(t)
	if err := json.Unmarshal(out, g); err != nil || len(g.Names()) != 0 {
		t.Errorf("reading an empty gallery: %v, names %q", err, g.Names())
	}
}

// numbers returns n comma-separated JSON numbers i/1000.
func numbers(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(float64(i) / 1000)
	}
	return strings.Join(s, ",")
}

func TestUnmarshalBareArrayAndDefaults(t *testing.T) {
	d := "[" + numbers(128) + "]"
	for _, tc := range []struct {
		desc, json string
		threshold  float64
	}{
		{"bare LabeledFaceDescriptors array", `[{"label":"a","descriptors":[` + d + `]},{"label":"b","descriptors":[` + d + `,` + d + `]}]`, DefaultThreshold},
		{"no distanceThreshold", ` {"labeledDescriptors":[{"label":"a","descriptors":[` + d + `]},{"label":"b","descriptors":[` + d + `,` + d + `]}]}`, DefaultThreshold},
		{"threshold 1", `{"distanceThreshold":1,"labeledDescriptors":[{"label":"a","descriptors":[` + d + `]},{"label":"b","descriptors":[` + d + `,` + d + `]}]}`, 1},
	} {
		g := NewGallery()
		if err := json.Unmarshal([]byte(tc.json), g); err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if g.Threshold() != tc.threshold || !reflect.DeepEqual(g.Names(), []string{"a", "b"}) || g.DescriptorCount("b") != 2 {
			t.Errorf("%s: threshold %v, names %q, b has %d descriptors", tc.desc, g.Threshold(), g.Names(), g.DescriptorCount("b"))
		}
		if _, dist, _ := g.Verify("a", g.people[0].descriptors[0]); dist != 0 || g.people[0].descriptors[0][127] != 0.127 {
			t.Errorf("%s: descriptor values not read back", tc.desc)
		}
	}
}

func TestUnmarshalRejectsWithoutChange(t *testing.T) {
	d := "[" + numbers(128) + "]"
	entry := func(label, descs string) string { return `{"label":` + label + `,"descriptors":[` + descs + `]}` }
	doc := func(entries ...string) string {
		return `{"distanceThreshold":0.5,"labeledDescriptors":[` + strings.Join(entries, ",") + `]}`
	}
	for _, tc := range []struct{ desc, json, want string }{
		{"not JSON", `{"distanceThreshold":`, "gallery JSON"},
		{"null", `null`, "labeledDescriptors"},
		{"no labeledDescriptors", `{"distanceThreshold":0.6}`, "labeledDescriptors"},
		{"threshold 0", `{"distanceThreshold":0,"labeledDescriptors":[]}`, `"distanceThreshold" must be in (0, 1], found 0`},
		{"threshold negative", `{"distanceThreshold":-0.5,"labeledDescriptors":[]}`, `"distanceThreshold" must be in (0, 1], found -0.5`},
		{"threshold 2: everyone matches", `{"distanceThreshold":2,"labeledDescriptors":[]}`, `"distanceThreshold" must be in (0, 1], found 2 (beyond 1 nearly any two faces match)`},
		{"threshold just above 1", `{"distanceThreshold":1.0000001,"labeledDescriptors":[]}`, "found 1.0000001"},
		{"threshold a string", `{"distanceThreshold":"0.6","labeledDescriptors":[]}`, "distanceThreshold"},
		{"unknown field", `{"distanceThreshold":0.6,"labeledDescriptors":[],"extra":1}`, `"extra"`},
		{"unknown entry field", doc(`{"label":"a","descriptors":[` + d + `],"age":3}`), `"age"`},
		{"trailing data", doc() + ` []`, "more data"},
		{"missing label", doc(`{"descriptors":[` + d + `]}`), "entry 0 has no \"label\""},
		{"empty label", doc(entry(`"a"`, d), entry(`""`, d)), "entry 1"},
		{"blank label", doc(entry(`" "`, d)), "empty or blank"},
		{"label a number", doc(entry(`7`, d)), "label"},
		{"duplicate label", doc(entry(`"a"`, d), entry(`"b"`, d), entry(`"a"`, d)), `entry 2: label "a" appears more than once`},
		{"no descriptors", doc(entry(`"a"`, ``)), "has no descriptors"},
		{"descriptors missing", doc(`{"label":"a"}`), "has no descriptors"},
		{"127 numbers", doc(entry(`"a"`, d+`,[`+numbers(127)+`]`)), `entry 0 ("a") descriptor 1: descriptor must have 128 numbers, found 127`},
		{"129 numbers", doc(entry(`"a"`, `[`+numbers(129)+`]`)), "found 129"},
		{"null number", doc(entry(`"a"`, `[null,`+numbers(127)+`]`)), "value 0 must be a number, found null"},
		{"string number", doc(entry(`"a"`, `["1",`+numbers(127)+`]`)), "gallery JSON"},
		{"beyond float32", doc(entry(`"a"`, `[`+numbers(127)+`,1e39]`)), "value 127 must fit a float32"},
		{"descriptor not an array", doc(entry(`"a"`, `{}`)), "gallery JSON"},
	} {
		g := testGallery(t)
		err := g.UnmarshalJSON([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.desc, err, tc.want)
		}
		if !g.Equal(testGallery(t)) {
			t.Errorf("%s: a failed Unmarshal changed the gallery", tc.desc)
		}
	}
}
