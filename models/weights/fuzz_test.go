package weights

import (
	"io/fs"
	"math"
	"strings"
	"testing"
	"testing/fstest"
)

// openLog is an fs.FS that records every name opened.
type openLog struct {
	fs.FS
	opened []string
}

func (l *openLog) Open(name string) (fs.File, error) {
	l.opened = append(l.opened, name)
	return l.FS.Open(name)
}

// FuzzLoad: Load, over a manifest and three shards from the fuzzer (beside a
// file outside the manifest's directory), never panics, never opens a file
// outside the manifest's directory, and what it returns are tensors of their
// shapes' sizes holding finite numbers.
func FuzzLoad(f *testing.F) {
	good := goodFS()
	data := func(name string) []byte { return good["m/"+name].Data }
	f.Add([]byte(goodManifest), data("a.bin"), data("b1.bin"), data("b2.bin"))
	for _, m := range []string{
		goodManifest[:len(goodManifest)/2],
		`[{"paths": ["a.bin"], "weights": [{"name": "s", "shape": [], "dtype": "float32"}]}]`,
		`[{"paths": ["a.bin"], "weights": [{"name": "q", "shape": [65536, 65536, 65536], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 1, "min": 0}}]}]`,
		`[{"paths": ["a.bin"], "weights": [{"name": "q", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 1e300, "min": 0}}]}]`,
		`[{"paths": ["a.bin"], "weights": [{"name": "i", "shape": [3], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 0.75, "min": -2}}]}]`,
		`[{"paths": ["../secret.bin"], "weights": []}]`,
		`[{"paths": ["/secret.bin"], "weights": []}]`,
		`[{"paths": ["a.bin", "a.bin"], "weights": []}]`,
		`[{"paths": ["a.bin"], "weights": [{"name": "s", "shape": [-1], "dtype": "float32"}]}]`,
		`[]`,
	} {
		f.Add([]byte(m), data("a.bin"), data("b1.bin"), data("b2.bin"))
	}
	f.Fuzz(func(t *testing.T, manifest, a, b1, b2 []byte) {
		fsys := &openLog{FS: fstest.MapFS{
			"m/model-weights_manifest.json": {Data: manifest},
			"m/a.bin":                       {Data: a},
			"m/b1.bin":                      {Data: b1},
			"m/b2.bin":                      {Data: b2},
			"secret.bin":                    {Data: []byte("not a shard of m")},
		}}
		got, err := Load(fsys, "m/model-weights_manifest.json")
		for _, name := range fsys.opened {
			if !strings.HasPrefix(name, "m/") {
				t.Fatalf("Load opened %q, outside the manifest's directory", name)
			}
		}
		if err != nil {
			return
		}
		for name, w := range got {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			if len(w.Data) != n {
				t.Fatalf("weight %q: shape %v but %d values", name, w.Shape, len(w.Data))
			}
			for i, v := range w.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("weight %q value %d is %v", name, i, v)
				}
			}
		}
	})
}
