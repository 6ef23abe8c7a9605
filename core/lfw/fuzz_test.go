package lfw

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"visage/core/face"
)

// FuzzEncodingCache: the cache reader never panics nor allocates from what
// the header claims (the 1e8-record seed), and what it accepts holds
// face.DescriptorLen finite numbers or nil per key and survives Save and
// LoadEncodingCache unchanged.
func FuzzEncodingCache(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed")
	c := &EncodingCache{Encoder: "faceapi-resnet34", Alignment: "ssd+landmarks68", Images: map[string][]float32{
		"Al/Al_0001.jpg": ramp(-1), "Al/Al_0002.jpg": nil, "Bo/Bo_0001.jpg": ramp(0.5),
	}}
	if err := c.Save(path); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	header := func(count string) []byte {
		return []byte(cacheMagic + `{"version":1,"encoder":"e","alignment":"a","dim":128,"count":` + count + "}\n")
	}
	for _, seed := range [][]byte{
		good,
		good[:len(good)-7],
		append(bytes.Clone(good), 0),
		append(header("1"), "\x05a.jpg\x00"...),
		append(header("100000000"), "\x05a.jpg\x00"...),
		header("-1"),
		header("1e9"),
		[]byte(cacheMagic + `{"version":1,"dim":127,"count":0}` + "\n"),
		[]byte(cacheMagic),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readEncodingCache(bufio.NewReader(bytes.NewReader(data)), int64(len(data)))
		if err != nil {
			return
		}
		for k, enc := range got.Images {
			if k == "" || len(k) > maxKeyLen || (enc != nil && face.CheckVector(enc, face.DescriptorLen) != nil) {
				t.Fatalf("key %q (%d bytes) with %d numbers accepted", k, len(k), len(enc))
			}
		}
		path := filepath.Join(t.TempDir(), "c")
		if err := got.Save(path); err != nil {
			t.Fatalf("Save of a loaded cache: %v", err)
		}
		back, err := LoadEncodingCache(path)
		if err != nil {
			t.Fatalf("loading what Save wrote: %v", err)
		}
		if !reflect.DeepEqual(back, got) {
			t.Fatalf("Save and load changed the cache:\n got %+v\nwant %+v", back, got)
		}
	})
}
