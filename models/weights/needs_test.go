package weights

import (
	"slices"
	"strings"
	"testing"
)

// Needs counts each group's bytes by hand-checkable arithmetic: elements ×
// stored width, whatever the dtype says the values decode to.
func TestNeeds(t *testing.T) {
	const m = `[
	 {"paths": ["a.bin"], "weights": [
	   {"name": "q8", "shape": [2, 3], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
	   {"name": "s", "shape": [], "dtype": "float32"},
	   {"name": "q16", "shape": [1, 2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.25, "min": 10}},
	   {"name": "h", "shape": [5], "dtype": "float32", "quantization": {"dtype": "float16"}}
	 ]},
	 {"paths": ["b1.bin", "sub/b2.bin"], "weights": [
	   {"name": "raw", "shape": [3], "dtype": "float32"},
	   {"name": "i", "shape": [2, 2], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 1, "min": 0}},
	   {"name": "ri", "shape": [1], "dtype": "int32"}
	 ]}
	]`
	got, err := Needs("m.json", []byte(m))
	if err != nil {
		t.Fatal(err)
	}
	want := []Need{
		{Paths: []string{"a.bin"}, Bytes: 2*3*1 + 1*4 + 1*2*2 + 5*2},        // 6 + 4 + 4 + 10 = 24
		{Paths: []string{"b1.bin", "sub/b2.bin"}, Bytes: 3*4 + 2*2*1 + 1*4}, // 12 + 4 + 4 = 20
	}
	if !slices.EqualFunc(got, want, func(a, b Need) bool { return slices.Equal(a.Paths, b.Paths) && a.Bytes == b.Bytes }) {
		t.Errorf("Needs = %+v, want %+v", got, want)
	}

	// The shards Load accepts are exactly the sizes Needs asks for.
	fsys := goodFS()
	needs, err := Needs("m", []byte(goodManifest))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range needs {
		var have int64
		for _, p := range n.Paths {
			have += int64(len(fsys["m/"+p].Data))
		}
		if have != n.Bytes {
			t.Errorf("group %v: goodFS holds %d bytes, Needs says %d", n.Paths, have, n.Bytes)
		}
	}
}

// Needs rejects what Decode would reject in the manifest itself, before any
// shard is fetched.
func TestNeedsRejects(t *testing.T) {
	for _, c := range []struct{ name, manifest, want string }{
		{"not JSON", `{`, "not a TensorFlow.js weights manifest"},
		{"no groups", `[]`, "no weight groups"},
		{"no paths", `[{"paths": [], "weights": []}]`, "no shard paths"},
		{"escaping path", `[{"paths": ["../x.bin"], "weights": []}]`, `"../x.bin" must be relative`},
		{"absolute path", `[{"paths": ["/x.bin"], "weights": []}]`, "must be relative"},
		{"shard twice", `[{"paths": ["a.bin"], "weights": []}, {"paths": ["./a.bin"], "weights": []}]`, "named twice"},
		{"bad dtype", `[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [1], "dtype": "float64"}]}]`, `dtype "float64"`},
		{"bad shape", `[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [0], "dtype": "float32"}]}]`, "positive dimensions"},
		{"huge shape", `[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [65536, 65536], "dtype": "float32"}]}]`, "at most"},
		{"repeated name", `[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [1], "dtype": "float32"}]}, {"paths": ["b.bin"], "weights": [{"name": "w", "shape": [1], "dtype": "float32"}]}]`, "repeated"},
		{"no scale", `[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint8"}}]}]`, "needs finite scale"},
	} {
		_, err := Needs("m.json", []byte(c.manifest))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "m.json") {
			t.Errorf("%s: Needs error %v, want one naming m.json and saying %q", c.name, err, c.want)
		}
	}
}
