package weights

import (
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"visage/core/tensor"
	"visage/models/assets/assettest"
)

func f32le(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// goodManifest has two groups: the first in one shard with a uint8-quantized
// [2,3] weight, a raw float32 scalar and a uint16-quantized [1,2]; the second
// split over two shards with a raw [3] weight straddling the split.
const goodManifest = `[
 {"paths": ["a.bin"], "weights": [
   {"name": "q8", "shape": [2, 3], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
   {"name": "s", "shape": [], "dtype": "float32"},
   {"name": "q16", "shape": [1, 2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.25, "min": 10}}
 ]},
 {"paths": ["b1.bin", "b2.bin"], "weights": [
   {"name": "raw", "shape": [3], "dtype": "float32"}
 ]}
]`

func goodFS() fstest.MapFS {
	raw := f32le(1.5, -2, 3e-7)
	return fstest.MapFS{
		"m/model-weights_manifest.json": {Data: []byte(goodManifest)},
		"m/a.bin":                       {Data: cat([]byte{0, 1, 2, 3, 4, 255}, f32le(-7.25), []byte{0x01, 0x02, 0xff, 0xff})},
		"m/b1.bin":                      {Data: raw[:6]},
		"m/b2.bin":                      {Data: raw[6:]},
	}
}

// A quantized int32 weight decodes as q*scale+min truncated toward zero
// (TensorFlow.js's Int32Array); a raw int32 one is a little-endian int32
// (graph models' reshape targets and reduction axes).
func TestLoadQuantizedInt32(t *testing.T) {
	const m = `[{"paths": ["a.bin"], "weights": [
	  {"name": "i", "shape": [3], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 0.75, "min": -2}}]}]`
	fsys := fstest.MapFS{"m.json": {Data: []byte(m)}, "a.bin": {Data: []byte{0, 2, 5}}}
	got, err := Load(fsys, "m.json")
	if err != nil {
		t.Fatal(err)
	}
	// -2, -2+1.5=-0.5 → -0 (trunc), -2+3.75=1.75 → 1
	if w := got["i"].Data; w[0] != -2 || w[1] != 0 || w[2] != 1 {
		t.Errorf("int32 weight decoded as %v, want [-2 0 1]", w)
	}
	raw := fstest.MapFS{"m.json": {Data: []byte(`[{"paths": ["a.bin"], "weights": [{"name": "i", "shape": [2], "dtype": "int32"}]}]`)},
		"a.bin": {Data: []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}}}
	got, err = Load(raw, "m.json")
	if err != nil {
		t.Fatal(err)
	}
	if w := got["i"].Data; w[0] != 1 || w[1] != -1 {
		t.Errorf("raw int32 weight decoded as %v, want [1 -1]", w)
	}
}

func TestLoadDecodesEveryKind(t *testing.T) {
	got, err := Load(goodFS(), "m/model-weights_manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		shape []int
		data  []float32
	}{
		"q8":  {[]int{2, 3}, []float32{-1, -0.5, 0, 0.5, 1, 126.5}},        // q*0.5-1
		"s":   {nil, []float32{-7.25}},                                     // scalar
		"q16": {[]int{1, 2}, []float32{0x0201*0.25 + 10, 65535*0.25 + 10}}, // little-endian uint16
		"raw": {[]int{3}, []float32{1.5, -2, 3e-7}},                        // straddles b1.bin/b2.bin
	}
	if len(got) != len(want) {
		t.Errorf("got %d weights, want %d", len(got), len(want))
	}
	for name, w := range want {
		wt, _ := tensor.FromData(w.data, w.shape...)
		if g, ok := got[name]; !ok || tensor.MaxAbsDiff(g, wt) != 0 {
			t.Errorf("%s = %+v, want shape %v data %v", name, g, w.shape, w.data)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	const m = "m/model-weights_manifest.json"
	for _, tc := range []struct {
		name   string
		edit   func(fstest.MapFS)
		expect []string // substrings the error must contain
	}{
		{"truncated shard", func(f fstest.MapFS) { f["m/b2.bin"].Data = f["m/b2.bin"].Data[:5] },
			[]string{m, "group 1", `"raw"`, "b1.bin+b2.bin", "hold only 11 bytes"}},
		{"oversize shard", func(f fstest.MapFS) { f["m/a.bin"].Data = append(f["m/a.bin"].Data, 0, 0) },
			[]string{m, "group 0", "a.bin", "2 extra bytes"}},
		{"missing shard", func(f fstest.MapFS) { delete(f, "m/b1.bin") },
			[]string{"group 1", "b1.bin"}},
		{"bad dtype", func(f fstest.MapFS) {
			replace(f, m, `"name": "s", "shape": [], "dtype": "float32"`, `"name": "s", "shape": [], "dtype": "int64"`)
		},
			[]string{`"s"`, `dtype "int64"`, "want float32"}},
		{"bad quantization dtype", func(f fstest.MapFS) { replace(f, m, `"dtype": "uint16"`, `"dtype": "int4"`) },
			[]string{`"q16"`, `quantization dtype "int4"`}},
		{"missing scale", func(f fstest.MapFS) { replace(f, m, `"scale": 0.5, `, ``) },
			[]string{`"q8"`, "finite scale and min, found scale missing and min -1"}},
		{"scale overflowing float32", func(f fstest.MapFS) { replace(f, m, `"scale": 0.5`, `"scale": 1e300`) },
			[]string{`"q8"`, "value 1 is +Inf, want a finite float32"}},
		{"shape larger than the shards", func(f fstest.MapFS) { replace(f, m, `[2, 3]`, `[1000, 1000]`) },
			[]string{`"q8" (shape [1000 1000] of 1-byte values) needs bytes 0..1000000`, "a.bin hold only 14 bytes"}},
		{"absolute shard path", func(f fstest.MapFS) { replace(f, m, `["a.bin"]`, `["/m/a.bin"]`) },
			[]string{"group 0", `shard path "/m/a.bin" must be relative to the manifest's directory, without ".."`}},
		{"shard path escaping", func(f fstest.MapFS) { replace(f, m, `["a.bin"]`, `["../m/a.bin"]`) },
			[]string{"group 0", `shard path "../m/a.bin" must be relative`}},
		{"shard path escaping inside", func(f fstest.MapFS) { replace(f, m, `["a.bin"]`, `["x/../a.bin"]`) },
			[]string{`shard path "x/../a.bin" must be relative`}},
		{"empty shard path", func(f fstest.MapFS) { replace(f, m, `["a.bin"]`, `[""]`) },
			[]string{`shard path ""`}},
		{"shard named twice", func(f fstest.MapFS) { replace(f, m, `["b1.bin", "b2.bin"]`, `["b1.bin", "./b1.bin"]`) },
			[]string{"group 1", `shard path "./b1.bin" is named twice`}},
		{"shard in two groups", func(f fstest.MapFS) { replace(f, m, `["b1.bin", "b2.bin"]`, `["a.bin"]`) },
			[]string{"group 1", `shard path "a.bin" is named twice`}},
		{"bad shape", func(f fstest.MapFS) { replace(f, m, `[2, 3]`, `[2, -3]`) },
			[]string{`"q8"`, "shape [2 -3]"}},
		{"huge shape", func(f fstest.MapFS) { replace(f, m, `[2, 3]`, `[65536, 65536, 65536]`) },
			[]string{`"q8"`, "at most"}},
		{"repeated name", func(f fstest.MapFS) { replace(f, m, `"name": "raw"`, `"name": "s"`) },
			[]string{`"s"`, "repeated"}},
		{"bad JSON", func(f fstest.MapFS) { f[m].Data = f[m].Data[:40] },
			[]string{m, "JSON"}},
		{"not an array", func(f fstest.MapFS) { f[m].Data = []byte(`{"paths": []}`) },
			[]string{m, "JSON array"}},
		{"no groups", func(f fstest.MapFS) { f[m].Data = []byte(`[]`) },
			[]string{m, "no weight groups"}},
		{"no paths", func(f fstest.MapFS) { replace(f, m, `"paths": ["a.bin"]`, `"paths": []`) },
			[]string{"group 0", "no shard paths"}},
		{"NaN weight", func(f fstest.MapFS) { copy(f["m/a.bin"].Data[6:], f32le(float32(math.NaN()))) },
			[]string{`"s"`, "finite"}},
	} {
		fsys := goodFS()
		tc.edit(fsys)
		_, err := Load(fsys, m)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, s := range tc.expect {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, s)
			}
		}
	}
	if _, err := Load(goodFS(), "m/absent.json"); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("missing manifest: error %v, want one naming the file", err)
	}
}

// Shards may lie below the manifest's directory.
func TestLoadShardInSubdirectory(t *testing.T) {
	fsys := fstest.MapFS{
		"m/model.json":   {Data: []byte(`[{"paths": ["shards/a.bin"], "weights": [{"name": "s", "shape": [], "dtype": "float32"}]}]`)},
		"m/shards/a.bin": {Data: f32le(2.5)},
	}
	got, err := Load(fsys, "m/model.json")
	if err != nil || got["s"].Data[0] != 2.5 {
		t.Errorf("Load: %v, %v; want s = 2.5", got, err)
	}
}

func replace(f fstest.MapFS, name, old, new string) {
	s := string(f[name].Data)
	if !strings.Contains(s, old) {
		panic("test edit does not apply: " + old)
	}
	f[name].Data = []byte(strings.Replace(s, old, new, 1))
}

// TestLoadFaceRecognitionModel loads the published face-api.js recognition
// weights: 117 tensors, uint8-quantized or raw float32, in one shard.
func TestLoadFaceRecognitionModel(t *testing.T) {
	const manifest = "face_recognition_model-weights_manifest.json"
	w, err := Load(os.DirFS(assettest.FaceModels(t, manifest)), manifest)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 117 {
		t.Errorf("got %d weights, want 117 (conv32_down: 4, 14 residual layers: 8 each, fc)", len(w))
	}
	for name, shape := range map[string][]int{
		"conv32_down/conv/filters":            {7, 7, 3, 32},
		"conv64_1/conv1/conv/filters":         {3, 3, 64, 64}, // stored as raw float32
		"conv256_down_out/conv2/scale/biases": {256},
		"fc":                                  {256, 128},
	} {
		x, ok := w[name]
		if !ok || !tensor.SameShape(x, tensor.New(shape...)) {
			t.Errorf("%s: got %v, want shape %v", name, x, shape)
		}
	}
	// uint8-quantized values lie on the grid min + k*scale, k in 0..255.
	scale, min := 0.000357687911566566, -0.04578405268052045 // fc, from the manifest
	for i, v := range w["fc"].Data {
		k := (float64(v) - min) / scale
		if k < -1e-3 || k > 255+1e-3 || math.Abs(k-math.Round(k)) > 1e-3 {
			t.Fatalf("fc[%d] = %v is not min+k*scale (k=%v)", i, v, k)
		}
	}
}

// TestHalfToFloat32 checks the binary16 widening on values worked out by
// hand from the format (sign, 5-bit exponent biased by 15, 10-bit fraction).
func TestHalfToFloat32(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, c := range []struct {
		h    uint16
		want float32
	}{
		{0x0000, 0},
		{0x3c00, 1},              // exp 15: 2^0
		{0xc000, -2},             // sign, exp 16
		{0x3555, 0x1.554p-2},     // 1+0x155/1024 times 2^-2 (≈1/3)
		{0x7bff, 65504},          // largest normal: (2-2^-10)·2^15
		{0x0400, 0x1p-14},        // smallest normal
		{0x0001, 0x1p-24},        // smallest subnormal: 1·2^-24
		{0x03ff, 1023 * 0x1p-24}, // largest subnormal
		{0x8200, -512 * 0x1p-24}, // negative subnormal 2^-15
		{0x7c00, inf},            // +Inf
		{0xfc00, -inf},           // -Inf
	} {
		if got := HalfToFloat32(c.h); got != c.want {
			t.Errorf("HalfToFloat32(%#04x) = %g, want %g", c.h, got, c.want)
		}
	}
	if n := HalfToFloat32(0x8000); n != 0 || !math.Signbit(float64(n)) {
		t.Errorf("HalfToFloat32(0x8000) = %g, want -0", n)
	}
	if n := HalfToFloat32(0x7e00); !math.IsNaN(float64(n)) {
		t.Errorf("HalfToFloat32(0x7e00) = %g, want NaN", n)
	}
}

// A float16-quantized weight (no scale or min) decodes through
// HalfToFloat32; an infinite one is refused like a raw one.
func TestLoadFloat16(t *testing.T) {
	const m = `[{"paths": ["a.bin"], "weights": [
	  {"name": "h", "shape": [3], "dtype": "float32", "quantization": {"dtype": "float16", "original_dtype": "float32"}}]}]`
	fsys := fstest.MapFS{"m.json": {Data: []byte(m)}, "a.bin": {Data: []byte{0x00, 0x3c, 0x01, 0x00, 0x00, 0xc0}}}
	got, err := Load(fsys, "m.json")
	if err != nil {
		t.Fatal(err)
	}
	if w := got["h"].Data; w[0] != 1 || w[1] != 0x1p-24 || w[2] != -2 {
		t.Errorf("float16 weight decoded as %v, want [1 2^-24 -2]", w)
	}
	fsys["a.bin"].Data[5] = 0x7c // third value +Inf
	if _, err := Load(fsys, "m.json"); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("infinite float16 weight: error %v, want one about finite values", err)
	}
}
