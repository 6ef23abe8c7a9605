package vault

import (
	"errors"
	"strings"
	"testing"

	"visage/core/face"
)

// TestHoldEncoder: an empty gallery takes the encoder (and its threshold)
// with its matcher kept; a gallery with people of another encoder refuses.
func TestHoldEncoder(t *testing.T) {
	g := InMemory()
	m := g.Matcher()
	if err := g.HoldEncoder(face.EncoderMobileFaceNet); err != nil {
		t.Fatal(err)
	}
	want, _ := face.NewGalleryFor(face.EncoderMobileFaceNet)
	if g.Matcher() != m || m.Encoder() != face.EncoderMobileFaceNet || m.Threshold() != want.Threshold() {
		t.Fatalf("an empty gallery holding mobilefacenet: encoder %s, threshold %v, same matcher %v; want mobilefacenet, %v, true",
			m.Encoder(), m.Threshold(), g.Matcher() == m, want.Threshold())
	}
	if err := g.HoldEncoder(face.EncoderDlib); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Enroll("Ada", face.EncoderDlib, desc(1), nil); err != nil {
		t.Fatal(err)
	}
	if err := g.HoldEncoder(face.EncoderDlib); err != nil {
		t.Errorf("holding the encoder it holds: %v", err)
	}
	if err := g.HoldEncoder(face.EncoderMobileFaceNet); err == nil || !strings.Contains(err.Error(), "holds dlib descriptors; mobilefacenet") || m.Encoder() != face.EncoderDlib {
		t.Errorf("a dlib gallery with people asked to hold mobilefacenet: %v, encoder now %s", err, m.Encoder())
	}
	if err := InMemory().HoldEncoder("vgg"); err == nil {
		t.Error("an unknown encoder was taken")
	}
}

// TestImportFaceMatcher: an import replaces people and threshold, keeps the
// thumbnail of a person it keeps by name, and changes nothing when the file
// is bad or of another encoder.
func TestImportFaceMatcher(t *testing.T) {
	g := InMemory()
	thumb := &Thumbnail{Width: 1, Height: 1, RGBA: []byte{1, 2, 3, 4}}
	if _, err := g.Enroll("Ada", "", desc(1), thumb); err != nil {
		t.Fatal(err)
	}
	src := InMemory()
	for i, name := range []string{"Ada", "Bob"} {
		if _, err := src.Enroll(name, "", desc(10+i), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.SetThreshold(0.45); err != nil {
		t.Fatal(err)
	}
	data, err := ToFaceMatcher(src)
	if err != nil {
		t.Fatal(err)
	}
	mobile := `{"distanceThreshold":0.02,"encoder":"mobilefacenet","labeledDescriptors":[{"label":"Amy","descriptors":[[` +
		strings.TrimSuffix(strings.Repeat("0.1,", face.MobileFaceNetDim), ",") + `]]}]}`
	for _, bad := range []string{`{"labeledDescriptors":[{"label":"X","descriptors":[[1,2]]}]}`, mobile} {
		if err := g.ImportFaceMatcher([]byte(bad)); err == nil || names(g) != "Ada" {
			t.Errorf("importing %.50s…: %v, people %s; want an error and Ada alone", bad, err, names(g))
		}
	}
	if err := g.ImportFaceMatcher(data); err != nil {
		t.Fatal(err)
	}
	ada, _ := g.Person("Ada")
	if names(g) != "Ada,Bob" || g.Matcher().Threshold() != 0.45 || ada.Thumbnail == nil || string(ada.Thumbnail.RGBA) != string(thumb.RGBA) || ada.Descriptors[0][0] != desc(10)[0] {
		t.Errorf("after the import: people %s, threshold %v, Ada %+v; want Ada (her thumbnail kept, the file's descriptor) and Bob at 0.45",
			names(g), g.Matcher().Threshold(), ada)
	}
}

// TestExportImportFile: a sealed file round-trips people, thumbnails and
// threshold; a wrong passphrase wraps ErrOpen and changes nothing.
func TestExportImportFile(t *testing.T) {
	// A long name: the sealed bytes, random, hold a short one by chance
	// now and then ("Ada" did, once in a CI run).
	const name = "Ada Lovelace-Byron"
	g := InMemory()
	if _, err := g.Enroll(name, "", desc(1), &Thumbnail{Width: 1, Height: 1, RGBA: []byte{9, 8, 7, 6}}); err != nil {
		t.Fatal(err)
	}
	if err := g.SetThreshold(0.5); err != nil {
		t.Fatal(err)
	}
	data, err := g.ExportFile([]byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), name) {
		t.Fatal("the exported file holds a name in the clear")
	}
	other := InMemory()
	if _, err := other.Enroll("Bob", "", desc(2), nil); err != nil {
		t.Fatal(err)
	}
	if err := other.ImportFile(data, []byte("wrong")); !errors.Is(err, ErrOpen) || names(other) != "Bob" {
		t.Errorf("a wrong passphrase: %v, people %s; want ErrOpen and Bob alone", err, names(other))
	}
	if err := other.ImportFile(data, []byte("correct horse")); err != nil {
		t.Fatal(err)
	}
	ada, _ := other.Person(name)
	if names(other) != name || other.Matcher().Threshold() != 0.5 || ada.Thumbnail == nil || string(ada.Thumbnail.RGBA) != "\x09\x08\x07\x06" {
		t.Errorf("imported: people %s, threshold %v, %s %+v; want her alone with her thumbnail at 0.5", names(other), other.Matcher().Threshold(), name, ada)
	}
}
