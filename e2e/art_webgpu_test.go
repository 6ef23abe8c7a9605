package e2e

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

//go:embed testdata/art_backend.js
var artBackendJS string

// artRun mirrors what art_backend.js returns for one stylize run.
type artRun struct {
	Chunks []struct {
		Step    int
		Backend string
		Costs   []float64
	}
	Infos   []backendInfo // after each chunk
	Backend string
	Image   []int // RGBA bytes
}

// TestArtWebGPU paints a 32-pixel photo for 2 steps through visage.js in
// Chromium with a WebGPU adapter (SwiftShader): loaded with backend
// 'webgpu' every chunk reports 'webgpu' and costs one submission and one
// read-back, and the costs before each step equal the CPU backend's within
// maxGradientRelErr; after the test hook destroys the GPU following the
// first step, the run goes on on the CPU from there and ends where the
// uninterrupted runs end. (The gradient itself is checked against the CPU,
// 1e-3 relative, in TestWebGPUStyleTransfer.) Loaded with precision 'f16',
// SwiftShader, which lacks shader-f16, reports precision 'f32'.
func TestArtWebGPU(t *testing.T) {
	const steps, size = 2, 32
	shared, err := assets.SharedDir()
	assettest.Need(t, err)
	site, err := SiteDir()
	assettest.Need(t, err)
	_, err = os.Stat(filepath.Join(site, "vgg19", "manifest.json"))
	assettest.Need(t, err)
	args := map[string]any{"size": size, "steps": steps}
	for name, rel := range map[string]string{"content": "data/nst/content/chelsea.png", "style": "data/nst/style/starry_night.jpg"} {
		b, err := os.ReadFile(filepath.Join(shared, rel))
		assettest.Need(t, err)
		args[name] = base64.StdEncoding.EncodeToString(b)
	}
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 15*time.Minute, WebGPUFlags...) // 4 minutes alone, 8.5 in the full suite on two busy cores
	if err := OpenPage(ctx, srv.URL, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		GPU, CPU, Lost artRun
		HalfInfo       backendInfo
	}
	var out result
	if out, err = chromedp.Run(ctx, chromedp.Evaluate[result](
		"("+artBackendJS+")("+string(js)+")", chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]artRun{"webgpu": out.GPU, "cpu": out.CPU, "lost": out.Lost} {
		if len(r.Chunks) != steps || len(r.Infos) != steps || len(r.Image) == 0 {
			t.Fatalf("%s run: %d chunks, %d infos and %d image bytes, want %d chunks of one step", name, len(r.Chunks), len(r.Infos), len(r.Image), steps)
		}
	}
	for i := range steps {
		g, c, l := out.GPU.Chunks[i], out.CPU.Chunks[i], out.Lost.Chunks[i]
		if g.Backend != "webgpu" || c.Backend != "cpu" {
			t.Errorf("step %d ran on %q and %q, want webgpu and cpu", i+1, g.Backend, c.Backend)
		}
		if want := map[bool]string{true: "webgpu", false: "cpu"}[i == 0]; l.Backend != want {
			t.Errorf("step %d of the run that lost its GPU after step 1 ran on %q, want %q", i+1, l.Backend, want)
		}
		e, el := relDiff(g.Costs[0], c.Costs[0]), relDiff(l.Costs[0], c.Costs[0])
		t.Logf("step %d: J webgpu %.6g, cpu %.6g (rel %.1e), GPU lost after step 1 %.6g (rel %.1e)", i+1, g.Costs[0], c.Costs[0], e, l.Costs[0], el)
		if !(e <= maxGradientRelErr) || !(el <= maxGradientRelErr) {
			t.Errorf("step %d: J differs from the CPU's by %.3g (webgpu) and %.3g (GPU lost), want ≤ %g", i+1, e, el, maxGradientRelErr)
		}
	}
	for i := 1; i < steps; i++ {
		s := out.GPU.Infos[i].Submissions - out.GPU.Infos[i-1].Submissions
		r := out.GPU.Infos[i].ReadBacks - out.GPU.Infos[i-1].ReadBacks
		if s != 1 || r != 1 {
			t.Errorf("step %d on WebGPU took %d submissions and %d read-backs, want 1 and 1", i+1, s, r)
		}
	}
	if last := out.Lost.Infos[steps-1]; last.Backend != "cpu" || out.Lost.Backend != "cpu" {
		t.Errorf("after the GPU was lost the backend says %+v and stylize %q, want cpu", last, out.Lost.Backend)
	}
	if h := out.HalfInfo; h.Backend != "webgpu" || h.Precision != "f32" {
		t.Errorf("loaded on SwiftShader with precision 'f16' the backend says %+v, want webgpu at f32 (no shader-f16)", h)
	}
	for name, img := range map[string][]int{"webgpu": out.GPU.Image, "GPU lost": out.Lost.Image} {
		worst, off := imageDiff(img, out.CPU.Image)
		t.Logf("%s image vs cpu: max |Δ| %d, %d of %d values differ by more than 1", name, worst, off, len(img))
		if off > len(img)/100 {
			t.Errorf("%s image: %d of %d values differ from the CPU's by more than 1 (max %d), want ≤ 1%%", name, off, len(img), worst)
		}
	}
}

// relDiff is |a−b|/|b| (|a−b| when b is 0).
func relDiff(a, b float64) float64 {
	if b == 0 {
		return math.Abs(a)
	}
	return math.Abs(a-b) / math.Abs(b)
}

// imageDiff returns the largest difference between two byte images and how
// many values differ by more than 1 (all of them when the sizes differ).
func imageDiff(a, b []int) (worst, off int) {
	if len(a) != len(b) {
		return 255, max(len(a), len(b))
	}
	for i := range a {
		d := a[i] - b[i]
		if d < 0 {
			d = -d
		}
		worst = max(worst, d)
		if d > 1 {
			off++
		}
	}
	return worst, off
}
