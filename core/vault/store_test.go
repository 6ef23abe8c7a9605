package vault

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"visage/core/face"
)

// desc returns a distinct valid descriptor for seed.
func desc(seed int) []float32 {
	d := make([]float32, face.DescriptorLen)
	for i := range d {
		d[i] = float32(math.Cos(float64(seed*131+i))) / 7
	}
	return d
}

func sealedGallery(t *testing.T, store Store) *Gallery {
	t.Helper()
	s, err := NewGCM(bytes.Repeat([]byte{3}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Open(store, s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func names(g *Gallery) string { return strings.Join(g.Matcher().Names(), ",") }

func TestGalleryPersistsSealed(t *testing.T) {
	store := &MemStore{}
	g := sealedGallery(t, store)
	thumb := &Thumbnail{Width: 2, Height: 1, RGBA: []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x89, 'P', 'N', 'G'}}
	for _, step := range []func() error{
		func() error { _, err := g.Enroll("Ada", "", desc(1), thumb); return err },
		func() error { _, err := g.Enroll("Bob", "", desc(2), nil); return err },
		func() error { _, err := g.Enroll("Ada", "dlib", desc(3), nil); return err },
		func() error { _, err := g.Enroll("Cy", "", desc(4), nil); return err },
		func() error { return g.Rename("Bob", "Bo") },
		func() error { return g.Remove("Cy") },
		func() error { return g.SetThreshold(0.5) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	again := sealedGallery(t, store)
	if got := names(again); got != "Ada,Bo" {
		t.Fatalf("reopened people %s, expected Ada,Bo", got)
	}
	if again.Matcher().Threshold() != 0.5 {
		t.Errorf("reopened threshold %v, expected 0.5", again.Matcher().Threshold())
	}
	ada, _ := again.Person("Ada")
	if len(ada.Descriptors) != 2 || !slices.Equal(ada.Descriptors[1], desc(3)) || ada.Encoder != DefaultEncoder {
		t.Errorf("Ada reopened as %+v", ada)
	}
	if ada.Thumbnail == nil || !bytes.Equal(ada.Thumbnail.RGBA, thumb.RGBA) {
		t.Errorf("Ada's thumbnail reopened as %+v", ada.Thumbnail)
	}
	// Nothing readable at rest: no name, no descriptor value, no picture bytes.
	all, _ := store.List()
	if len(all) != 3 {
		t.Errorf("the store holds %d records, expected 2 people and the settings", len(all))
	}
	for k, v := range all {
		for what, clear := range map[string][]byte{
			"a name":              []byte("Ada"),
			"a descriptor (LE)":   binary.LittleEndian.AppendUint32(nil, math.Float32bits(desc(1)[5])),
			"a descriptor (text)": []byte("0.1"),
			"the picture":         thumb.RGBA[:4],
		} {
			if bytes.Contains(v, clear) {
				t.Errorf("record %s holds %s in the clear", k, what)
			}
		}
	}
}

// failingStore fails every Write.
type failingStore struct{ MemStore }

func (*failingStore) Write(map[string][]byte, []string) error { return errors.New("disk full") }

func TestFailedWriteChangesNothing(t *testing.T) {
	store := &failingStore{}
	g := sealedGallery(t, store)
	if _, err := g.Enroll("Ada", "", desc(1), nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Enroll on a failing store gave %v, expected its error", err)
	}
	if err := g.SetThreshold(0.4); err == nil {
		t.Fatal("SetThreshold on a failing store succeeded")
	}
	if names(g) != "" || g.Matcher().Threshold() != face.DefaultThreshold {
		t.Errorf("after failed writes the gallery shows %q at %v", names(g), g.Matcher().Threshold())
	}
}

func TestTwoWritersKeepEachOthersChanges(t *testing.T) {
	store := &MemStore{}
	a, b := sealedGallery(t, store), sealedGallery(t, store)
	a.now, b.now = func() int64 { return 1000 }, func() int64 { return 2000 } // b enrolls later
	if _, err := a.Enroll("Ada", "", desc(1), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Enroll("Bob", "", desc(2), nil); err != nil { // b has not seen Ada
		t.Fatal(err)
	}
	if got := names(sealedGallery(t, store)); got != "Ada,Bob" {
		t.Fatalf("after two writers the store holds %s, expected Ada,Bob", got)
	}
	// b renames Ada after a added a sample b has not seen: the sample stays.
	if err := b.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Enroll("Ada", "", desc(3), nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Rename("Ada", "Ada L"); err != nil {
		t.Fatal(err)
	}
	if n := sealedGallery(t, store).Matcher().DescriptorCount("Ada L"); n != 2 {
		t.Errorf("Ada L has %d samples after a concurrent enroll and rename, expected 2", n)
	}
}

func TestSameNewNameFromTwoWritersMerges(t *testing.T) {
	store := &MemStore{}
	a, b := sealedGallery(t, store), sealedGallery(t, store)
	a.Enroll("Cy", "", desc(1), nil)
	b.Enroll("Cy", "", desc(2), nil)
	c := sealedGallery(t, store)
	if got, n := names(c), c.Matcher().DescriptorCount("Cy"); got != "Cy" || n != 2 {
		t.Fatalf("two writers' Cy read as %q with %d samples, expected one Cy with 2", got, n)
	}
	if n, err := c.Enroll("Cy", "", desc(3), nil); err != nil || n != 3 {
		t.Fatalf("Enroll = %d, %v; expected 3 samples", n, err)
	}
	all, _ := store.List()
	if len(all) != 1 {
		t.Errorf("after a change to the merged person the store holds %d records, expected 1", len(all))
	}
}

func TestReplaceAndClear(t *testing.T) {
	store := &MemStore{}
	g := sealedGallery(t, store)
	g.Enroll("Old", "", desc(1), nil)
	people, threshold, err := FromFaceMatcher([]byte(`{"distanceThreshold":0.55,"labeledDescriptors":[`+
		`{"label":"Zed","descriptors":[`+jsonDesc(5)+`]},{"label":"Amy","descriptors":[`+jsonDesc(6)+`,`+jsonDesc(7)+`]}]}`),
		map[string]Thumbnail{"Amy": {1, 1, []byte{9, 9, 9, 255}}, "Gone": {1, 1, []byte{1, 1, 1, 255}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Replace(people, threshold); err != nil {
		t.Fatal(err)
	}
	r := sealedGallery(t, store)
	if names(r) != "Zed,Amy" || r.Matcher().Threshold() != 0.55 || r.Matcher().DescriptorCount("Amy") != 2 {
		t.Fatalf("replaced gallery reads %s at %v", names(r), r.Matcher().Threshold())
	}
	if amy, _ := r.Person("Amy"); amy.Thumbnail == nil || amy.Thumbnail.RGBA[0] != 9 {
		t.Errorf("Amy's thumbnail was not kept: %+v", amy.Thumbnail)
	}
	if err := g.Replace([]Person{people[0], people[0]}, 0.6); err == nil {
		t.Error("Replace took one name twice")
	}
	if err := r.Clear(); err != nil {
		t.Fatal(err)
	}
	if all, _ := store.List(); len(all) != 1 || sealedGallery(t, store).Matcher().Threshold() != 0.55 {
		t.Errorf("after Clear the store holds %d records; expected only the settings, threshold kept", len(all))
	}
}

func TestOpenRefusesWhatItCannotRead(t *testing.T) {
	store := &MemStore{}
	g := sealedGallery(t, store)
	g.Enroll("Ada", "", desc(1), nil)
	other, _ := NewGCM(bytes.Repeat([]byte{4}, KeySize))
	if _, err := Open(store, other); !errors.Is(err, ErrOpen) {
		t.Errorf("opening with another key gave %v, expected ErrOpen", err)
	}
	stray := &MemStore{}
	stray.Write(map[string][]byte{"stray": {1}}, nil)
	if _, err := Open(stray, Unsealed{}); err == nil || !strings.Contains(err.Error(), `"stray"`) {
		t.Errorf("a stray key gave %v, expected an error naming it", err)
	}
}

func jsonDesc(seed int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range desc(seed) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strings.TrimRight(strings.TrimRight(strconvF(v), "0"), "."))
	}
	return b.String() + "]"
}

func strconvF(v float32) string { return strconv.FormatFloat(float64(v), 'f', 9, 32) }
