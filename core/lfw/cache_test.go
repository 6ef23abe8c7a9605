package lfw

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"visage/core/face"
)

// ramp returns a face descriptor whose values climb from start by 1/64.
func ramp(start float32) []float32 {
	enc := make([]float32, face.DescriptorLen)
	for i := range enc {
		enc[i] = start + float32(i)/64
	}
	return enc
}

func TestEncodingCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cache.bin")
	c := &EncodingCache{Encoder: "faceapi-resnet", Alignment: "ssd+landmarks", Images: map[string][]float32{
		"Al/Al_0001.jpg": ramp(-1),
		"Al/Al_0002.jpg": nil,
		"Bo/Bo_0001.jpg": ramp(0.5),
		"Cy/Cy_0003.jpg": {}, // empty: no face, read back as nil
	}}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadEncodingCache(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Images["Cy/Cy_0003.jpg"] = nil
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip changed the cache:\n got %+v\nwant %+v", got, c)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
	}
	// Same cache, same bytes; no temporary file left behind.
	first, _ := os.ReadFile(path)
	if err := got.Save(path); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(path); !bytes.Equal(first, second) {
		t.Error("saving the same cache twice gave different bytes")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries after saving, want 1", len(entries))
	}
}

// A cache of another length (MobileFaceNet's 192, 68 landmarks' 136) keeps
// its Dim through a round trip, and a descriptor of another length is refused.
func TestEncodingCacheDim(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c")
	v := make([]float32, 192)
	for i := range v {
		v[i] = float32(i) / 192
	}
	c := &EncodingCache{Encoder: "mobilefacenet", Alignment: "arcface", Dim: 192, Images: map[string][]float32{"a.jpg": v, "b.jpg": nil}}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadEncodingCache(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip changed the cache:\n got %+v\nwant %+v", got, c)
	}
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(`"dim":192`)) {
		t.Errorf("header does not say dim 192: %q", raw[:80])
	}
	c.Images["c.jpg"] = ramp(0) // 128 numbers in a 192-d cache
	if err := c.Save(path); err == nil || !strings.Contains(err.Error(), "must have 192 numbers, found 128") {
		t.Errorf("Save of a 128-d descriptor in a 192-d cache: %v", err)
	}
	if err := (&EncodingCache{Dim: MaxCacheDim + 1}).Save(path); err == nil {
		t.Error("Save with Dim beyond MaxCacheDim succeeded")
	}
}

// The layout written out by hand: magic, header line, then per key its
// uvarint length, the key, a flag and the little-endian float32s.
func TestEncodingCacheLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c")
	enc := ramp(0)
	if err := (&EncodingCache{Encoder: "e", Alignment: "a", Images: map[string][]float32{"b.jpg": enc, "a.jpg": nil}}).Save(path); err != nil {
		t.Fatal(err)
	}
	want := []byte("visage-encodings\n" +
		`{"version":1,"encoder":"e","alignment":"a","dim":128,"count":2}` + "\n" +
		"\x05a.jpg\x00" + "\x05b.jpg\x01")
	for _, v := range enc {
		want = binary.LittleEndian.AppendUint32(want, math.Float32bits(v))
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Errorf("file bytes:\n got %q\nwant %q", got, want)
	}
}

func TestEncodingCacheLoadRejectsDamage(t *testing.T) {
	good := func() []byte {
		path := filepath.Join(t.TempDir(), "c")
		c := &EncodingCache{Images: map[string][]float32{"a.jpg": ramp(0), "b.jpg": nil}}
		if err := c.Save(path); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		return data
	}()
	header := len("visage-encodings\n") + bytes.IndexByte(good[len("visage-encodings\n"):], '\n') + 1
	nan := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(math.NaN())))
	for _, tc := range []struct {
		name string
		edit func(b []byte) []byte
		want string
	}{
		{"magic", func(b []byte) []byte { return append([]byte("{}"), b[2:]...) }, "not an encodings cache"},
		{"version", func(b []byte) []byte { return bytes.Replace(b, []byte(`"version":1`), []byte(`"version":9`), 1) }, `"version" must be 1, found 9`},
		{"dim", func(b []byte) []byte { return bytes.Replace(b, []byte(`"dim":128`), []byte(`"dim":0`), 1) }, `"dim" must be in 1..4096, found 0`},
		{"dim too big", func(b []byte) []byte { return bytes.Replace(b, []byte(`"dim":128`), []byte(`"dim":4097`), 1) }, `"dim" must be in 1..4096, found 4097`},
		{"dim not the records'", func(b []byte) []byte { return bytes.Replace(b, []byte(`"dim":128`), []byte(`"dim":127`), 1) }, "record 2 of 2"},
		{"header trailing data", func(b []byte) []byte { return bytes.Replace(b, []byte(`"count":2}`), []byte(`"count":2} {}`), 1) }, "expected the line to end"},
		{"unknown field", func(b []byte) []byte { return bytes.Replace(b, []byte(`"dim"`), []byte(`"dims"`), 1) }, "unknown field"},
		{"count negative", func(b []byte) []byte { return bytes.Replace(b, []byte(`"count":2`), []byte(`"count":-1`), 1) }, `"count" must be in 0..175`},
		{"count beyond the file", func(b []byte) []byte { return bytes.Replace(b, []byte(`"count":2`), []byte(`"count":100000000`), 1) }, `"count" must be in 0..175 (the 526 bytes after the header`},
		{"count too big", func(b []byte) []byte { return bytes.Replace(b, []byte(`"count":2`), []byte(`"count":3`), 1) }, "record 3 of 3"},
		{"trailing", func(b []byte) []byte { return append(b, 0) }, "expected the file to end"},
		{"truncated", func(b []byte) []byte { return b[:len(b)-10] }, "record"},
		{"duplicate", func(b []byte) []byte { return bytes.Replace(b, []byte("b.jpg"), []byte("a.jpg"), 1) }, "appears twice"},
		{"flag", func(b []byte) []byte { b[header+len("\x05a.jpg")] = 2; return b }, "flag byte 0 or 1"},
		{"NaN", func(b []byte) []byte { copy(b[header+len("\x05a.jpg\x01")+4*5:], nan); return b }, "value 5 must be finite"},
		{"empty key", func(b []byte) []byte { b[header] = 0; return b }, "key length"},
	} {
		path := filepath.Join(t.TempDir(), "c")
		os.WriteFile(path, tc.edit(bytes.Clone(good)), 0o600)
		_, err := LoadEncodingCache(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file and %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadEncodingCache(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

// A header's count is not trusted for memory: a count the file cannot hold
// is refused before anything is allocated for it (1e8 used to cost 6.1 GB),
// and one it could hold grows the map only as records are read.
func TestEncodingCacheHeaderCountAllocatesNothing(t *testing.T) {
	header := func(count int64) string {
		return "visage-encodings\n" + fmt.Sprintf(`{"version":1,"encoder":"e","alignment":"a","dim":128,"count":%d}`, count) + "\n"
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"1e8 records, none there", []byte(header(1e8) + "\x05a.jpg\x00"), `"count" must be in 0..2 (the 7 bytes after the header hold at most that many records of 3 bytes or more), found 100000000`},
		{"1e9 records", []byte(header(1e9)), `"count" must be in 0..0 (the 0 bytes`},
		{"2^62 records", []byte(header(1 << 62)), "found 4611686018427387904"},
		{"1e6 records of zeros", append([]byte(header(1e6)), make([]byte, 3e6)...), "record 1 of 1000000: expected a key length"},
	} {
		path := filepath.Join(t.TempDir(), "c")
		if err := os.WriteFile(path, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := LoadEncodingCache(path)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		// The map made up front for maxPresize entries takes about 1.5 MiB.
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("%s: loading allocated %d bytes, want under 4 MiB", tc.name, got)
		}
	}
}

func TestEncodingCacheSaveRefusesBadDescriptors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c")
	os.WriteFile(path, []byte("old"), 0o644)
	inf := ramp(0)
	inf[3] = float32(math.Inf(1))
	for name, images := range map[string]map[string][]float32{
		"short":     {"a": {1, 2, 3}},
		"infinite":  {"a": inf},
		"empty key": {"": ramp(0)},
	} {
		if err := (&EncodingCache{Images: images}).Save(path); err == nil {
			t.Errorf("%s: Save accepted it", name)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("a refused Save changed the file: %q", data)
	}
	// An existing file keeps its permissions.
	if err := (&EncodingCache{Images: map[string][]float32{"a": nil}}).Save(path); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v after overwrite, want 0644", st.Mode().Perm())
	}
}

func BenchmarkLoadEncodingCache(b *testing.B) {
	path := filepath.Join(b.TempDir(), "c")
	c := &EncodingCache{Images: map[string][]float32{}}
	for i := range 2000 {
		c.Images[fmt.Sprintf("P%d/P%d_0001.jpg", i, i)] = ramp(float32(i))
	}
	if err := c.Save(path); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadEncodingCache(path); err != nil {
			b.Fatal(err)
		}
	}
}
