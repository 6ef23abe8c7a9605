package art

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/vgg19"
)

// loadVGG loads the real weights, skipping the test when they are missing
// (a failure under VISAGE_E2E=1).
func loadVGG(t testing.TB) *vgg19.Net {
	t.Helper()
	net, err := vgg19.Load(os.DirFS(assettest.VGG19(t, vgg19.ManifestName)))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// readTestdata decodes testdata/nst/name (JSON) into v.
func readTestdata(t *testing.T, name string, v any) {
	t.Helper()
	root, err := assets.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata/nst", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestParityWithTFJS compares J_content, J_style, J and ∂J/∂G at 32×48 with
// TensorFlow.js's on the same weights and pixels (testdata/nst/reference.json,
// made by make_reference.mjs from pixels.json).
func TestParityWithTFJS(t *testing.T) {
	net := loadVGG(t)
	var px struct {
		Shape                     []int
		Content, Style, Generated string
	}
	readTestdata(t, "pixels.json", &px)
	var ref struct {
		Results []struct {
			Pooling  string
			JContent float64 `json:"J_content"`
			JStyle   float64 `json:"J_style"`
			J        float64
			Grad     struct {
				Norm, MaxAbs float64
				Indices      []int
				Values       []float64
			}
		}
	}
	readTestdata(t, "reference.json", &ref)
	if len(ref.Results) == 0 {
		t.Fatal("reference.json has no results")
	}
	image := func(b64 string) *tensor.Tensor {
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		x := tensor.New(px.Shape...)
		if len(b) != x.Len() {
			t.Fatalf("pixels.json: %d values for shape %v", len(b), px.Shape)
		}
		for i, v := range b {
			x.Data[i] = float32(v)
		}
		return x
	}
	rel := func(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }
	for _, r := range ref.Results {
		pool, err := vgg19.ParsePooling(r.Pooling)
		if err != nil {
			t.Fatal(err)
		}
		net.Pool = pool
		obj, err := NewObjective(net, image(px.Content), image(px.Style), DefaultCostOptions())
		if err != nil {
			t.Fatal(err)
		}
		c, grad, err := obj.Evaluate(image(px.Generated))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			name      string
			got, want float64
		}{
			{"J_content", c.Content, r.JContent},
			{"J_style", c.Style, r.JStyle},
			{"J", c.Total, r.J},
		} {
			t.Logf("%s %-9s ours %.7g  tfjs %.7g  relative difference %.2g", r.Pooling, q.name, q.got, q.want, rel(q.got, q.want))
			if rel(q.got, q.want) > 1e-3 {
				t.Errorf("%s pooling: %s = %.7g, TensorFlow.js %.7g", r.Pooling, q.name, q.got, q.want)
			}
		}
		norm := 0.0
		for _, v := range grad.Data {
			norm += float64(v) * float64(v)
		}
		norm = math.Sqrt(norm)
		t.Logf("%s ‖∂J/∂G‖   ours %.7g  tfjs %.7g  relative difference %.2g", r.Pooling, norm, r.Grad.Norm, rel(norm, r.Grad.Norm))
		if rel(norm, r.Grad.Norm) > 1e-3 {
			t.Errorf("%s pooling: ‖∂J/∂G‖ = %.7g, TensorFlow.js %.7g", r.Pooling, norm, r.Grad.Norm)
		}
		worst := 0.0
		for k, i := range r.Grad.Indices {
			e := math.Abs(float64(grad.Data[i])-r.Grad.Values[k]) / r.Grad.MaxAbs
			worst = max(worst, e)
			if e > 1e-3 {
				t.Errorf("%s pooling: ∂J/∂G[%d] = %.7g, TensorFlow.js %.7g", r.Pooling, i, grad.Data[i], r.Grad.Values[k])
			}
		}
		t.Logf("%s ∂J/∂G at %d indices: worst |ours − tfjs| / max|tfjs| = %.2g", r.Pooling, len(r.Grad.Indices), worst)
	}
}
