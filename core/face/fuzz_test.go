package face

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// gallerySeeds are realistic gallery files: both layouts, valid and damaged.
func gallerySeeds(f *testing.F) [][]byte {
	d := "[" + numbers(DescriptorLen) + "]"
	good, err := json.Marshal(func() *Gallery {
		g := NewGallery()
		g.SetThreshold(0.45)
		g.Enroll("ada", ramp(-0.5))
		g.Enroll("ada", ramp(0.25))
		g.Enroll(`Zoë "quoted" \ 北京`, ramp(0))
		return g
	}())
	if err != nil {
		f.Fatal(err)
	}
	faceapi, err := os.ReadFile("testdata/facematcher.json")
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{
		good,
		faceapi,
		[]byte(`[{"label":"a","descriptors":[` + d + `]},{"label":"b","descriptors":[` + d + `,` + d + `]}]`),
		[]byte(`{"distanceThreshold":0.6,"labeledDescriptors":[]}`),
		[]byte(`{"labeledDescriptors":[{"label":"a","descriptors":[` + d + `]}]}`),
		[]byte(`{"distanceThreshold":2,"labeledDescriptors":[{"label":"a","descriptors":[` + d + `]}]}`),
		[]byte(`{"distanceThreshold":-1,"labeledDescriptors":[]}`),
		[]byte(`{"distanceThreshold":null,"labeledDescriptors":[{"label":null,"descriptors":[[null]]}]}`),
		[]byte(`[{"label":"a","descriptors":[[1e39]]}]`),
		good[:len(good)/2],
		[]byte(`null`),
	}
}

// checkGallery fails t unless g keeps the Gallery's invariants: a threshold in
// (0, MaxThreshold], labels neither blank nor repeated, every person with at
// least one descriptor of DescriptorLen finite numbers.
func checkGallery(t *testing.T, g *Gallery) {
	t.Helper()
	if err := CheckThreshold(g.threshold); err != nil {
		t.Error(err)
	}
	seen := map[string]bool{}
	for _, p := range g.people {
		if labelError(p.label) != nil || seen[p.label] || len(p.descriptors) == 0 {
			t.Errorf("person %q: blank, repeated or without descriptors (%d)", p.label, len(p.descriptors))
		}
		seen[p.label] = true
		for _, d := range p.descriptors {
			if err := CheckDescriptor(d); err != nil {
				t.Errorf("person %q: %v", p.label, err)
			}
		}
	}
}

// FuzzGalleryJSON: UnmarshalJSON never panics, leaves the gallery unchanged
// when it fails, and what it accepts keeps the Gallery's invariants and
// survives a Marshal/Unmarshal round trip unchanged.
func FuzzGalleryJSON(f *testing.F) {
	for _, seed := range gallerySeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := NewGallery()
		before.Enroll("kept", ramp(1))
		g := NewGallery()
		g.Enroll("kept", ramp(1))
		if err := g.UnmarshalJSON(data); err != nil {
			if !reflect.DeepEqual(g, before) {
				t.Fatalf("a failed UnmarshalJSON (%v) changed the gallery", err)
			}
			return
		}
		checkGallery(t, g)
		out, err := json.Marshal(g)
		if err != nil {
			t.Fatalf("Marshal of a loaded gallery: %v", err)
		}
		back := NewGallery()
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("reading back %s: %v", out, err)
		}
		if !back.Equal(g) {
			t.Fatalf("round trip changed the gallery:\n got %+v\nwant %+v", back, g)
		}
	})
}

// FuzzLoadGallery: the CLI's database file. LoadGallery never panics, names
// the file when it refuses it, and what it loads SaveGallery writes back to a
// file that loads the same.
func FuzzLoadGallery(f *testing.F) {
	for _, seed := range gallerySeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "people.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		g, err := LoadGallery(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		checkGallery(t, g)
		saved := filepath.Join(dir, "saved.json")
		if err := SaveGallery(saved, g); err != nil {
			t.Fatalf("SaveGallery of a loaded gallery: %v", err)
		}
		back, err := LoadGallery(saved)
		if err != nil {
			t.Fatalf("loading what SaveGallery wrote: %v", err)
		}
		if !back.Equal(g) {
			t.Fatalf("save and load changed the gallery:\n got %+v\nwant %+v", back, g)
		}
	})
}
