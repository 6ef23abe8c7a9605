package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"visage/core/face"
	"visage/core/tensor"
)

func pass(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func noPassphrase() ([]byte, error) { return nil, ErrPassphraseNeeded }

func TestReadFileWrittenByWebCrypto(t *testing.T) {
	v := loadVectors(t)
	store, key, err := ReadFile([]byte(v.File), pass(v.Passphrase))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Open(store, key.Sealer())
	if err != nil {
		t.Fatal(err)
	}
	if names(g) != "Ada" || g.Matcher().Threshold() != 0.45 {
		t.Fatalf("the WebCrypto file reads as %s at %v, expected Ada at 0.45", names(g), g.Matcher().Threshold())
	}
	for name, p := range map[string]func() ([]byte, error){"a wrong passphrase": pass("Correct horse battery staple"), "none": noPassphrase} {
		if _, _, err := ReadFile([]byte(v.File), p); err == nil {
			t.Errorf("with %s the encrypted file was read", name)
		} else if name == "a wrong passphrase" && !errors.Is(err, ErrOpen) {
			t.Errorf("a wrong passphrase gave %v, expected ErrOpen", err)
		}
	}
}

func TestFileRoundTrips(t *testing.T) {
	key, err := newFileKey([]byte("hunter2 but longer"), MinPBKDF2Iterations)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*FileKey{nil, key} {
		store := &MemStore{}
		g, _ := Open(store, k.Sealer())
		g.Enroll("Ada", "", desc(1), &Thumbnail{1, 1, []byte{1, 2, 3, 4}})
		g.SetThreshold(0.42)
		data, err := WriteFile(store, k)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(data, []byte(`"Ada"`)); got != (k == nil) {
			t.Errorf("encrypted %v: the file holds the name in the clear: %v", k != nil, got)
		}
		back, k2, err := ReadFile(data, pass("hunter2 but longer"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Open(back, k2.Sealer())
		if err != nil {
			t.Fatal(err)
		}
		if names(r) != "Ada" || r.Matcher().Threshold() != 0.42 || r.Matcher().Descriptors("Ada")[0][7] != desc(1)[7] {
			t.Errorf("encrypted %v: read back %s at %v", k != nil, names(r), r.Matcher().Threshold())
		}
	}
}

func TestReadFileTakesFaceMatcherJSON(t *testing.T) {
	old := face.NewGallery()
	old.Enroll("Ada", desc(1))
	old.Enroll("Bob", desc(2))
	old.SetThreshold(0.5)
	data, err := old.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	store, key, err := ReadFile(data, func() ([]byte, error) { t.Fatal("a clear file asked for a passphrase"); return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if key != nil {
		t.Fatal("a FaceMatcher file came back with a key")
	}
	g, _ := Open(store, Unsealed{})
	if names(g) != "Ada,Bob" || g.Matcher().Threshold() != 0.5 || g.Matcher().Descriptors("Bob")[0][0] != desc(2)[0] {
		t.Errorf("FaceMatcher JSON read as %s at %v", names(g), g.Matcher().Threshold())
	}
	if _, _, err := ReadFile([]byte(`{"format":"visage-gallery","version":2,"records":{}}`), noPassphrase); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("a version 2 file gave %v, expected an error naming the version", err)
	}
}

func TestResealEncryptsAClearGallery(t *testing.T) {
	clear := &MemStore{}
	g, _ := Open(clear, Unsealed{})
	g.Enroll("Ada", "", desc(1), nil)
	s, _ := NewGCM(bytes.Repeat([]byte{5}, KeySize))
	sealed, err := Reseal(clear, Unsealed{}, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(sealed, s)
	if err != nil || names(r) != "Ada" {
		t.Fatalf("resealed gallery: %v, %v", names(r), err)
	}
}

func TestRecordRefusesMalformed(t *testing.T) {
	good := Person{ID: "abc", Name: "Ada", Descriptors: [][]float32{desc(1)}}
	plain, err := MarshalRecord(good)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := UnmarshalRecord("abc", plain); err != nil || p.Encoder != DefaultEncoder {
		t.Fatalf("a good record read as %+v, %v", p, err)
	}
	for name, c := range map[string]struct {
		id   string
		data string
		want string
	}{
		"another id":         {"xyz", string(plain), `"abc"`},
		"another version":    {"abc", strings.Replace(string(plain), `"version":1`, `"version":9`, 1), "schema version 9"},
		"an unknown field":   {"abc", strings.Replace(string(plain), `"version":1`, `"version":1,"extra":0`, 1), "extra"},
		"no encoder":         {"abc", strings.Replace(string(plain), `"encoder":"dlib"`, `"encoder":""`, 1), "encoder"},
		"a short descriptor": {"abc", strings.Replace(string(plain), `"descriptors":[[`, `"descriptors":[[1,`, 1), "found 129"},
	} {
		if _, err := UnmarshalRecord(c.id, []byte(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, expected an error mentioning %s", name, err, c.want)
		}
	}
	bad := good
	bad.Thumbnail = &Thumbnail{2, 2, make([]byte, 15)}
	if _, err := MarshalRecord(bad); err == nil || !strings.Contains(err.Error(), "15 bytes") {
		t.Errorf("a short thumbnail gave %v", err)
	}
	bad = good
	bad.ID = "a/b"
	if _, err := MarshalRecord(bad); err == nil {
		t.Error("an id with a slash was taken")
	}
}

func TestCutThumbnail(t *testing.T) {
	// A 100×80 image: black, with a white 20×20 square at (40, 30).
	img := tensor.New(80, 100, 3)
	for y := 30; y < 50; y++ {
		for x := 40; x < 60; x++ {
			for c := range 3 {
				img.Data[(y*100+x)*3+c] = 255
			}
		}
	}
	th, err := CutThumbnail(img, face.Box{X: 40, Y: 30, W: 20, H: 20})
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, y int) byte { return th.RGBA[(y*ThumbSide+x)*4] }
	// The box spans 1/1.3 of the side, centred: pixels 7.4..56.6 are white.
	if at(32, 32) != 255 || at(10, 10) != 255 || at(53, 53) != 255 || at(3, 32) != 0 || at(60, 32) != 0 {
		t.Errorf("thumbnail rows: centre %d, inner corners %d %d, outside %d %d", at(32, 32), at(10, 10), at(53, 53), at(3, 32), at(60, 32))
	}
	if th.RGBA[3] != 255 {
		t.Error("thumbnail not opaque")
	}
	// A box at the corner: the square leaves the image, that part is grey.
	th, _ = CutThumbnail(img, face.Box{X: 0, Y: 0, W: 10, H: 10})
	if th.RGBA[0] != thumbFill || th.RGBA[(63*ThumbSide+63)*4] != 0 {
		t.Errorf("corner thumbnail: outside %d, inside %d", th.RGBA[0], th.RGBA[(63*ThumbSide+63)*4])
	}
	if _, err := CutThumbnail(img, face.Box{W: 0, H: 5}); err == nil {
		t.Error("an empty box was cut")
	}
}
