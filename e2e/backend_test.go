package e2e

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

//go:embed testdata/backend.js
var backendJS string

// backendInfo mirrors visage.d.ts's BackendInfo.
type backendInfo struct {
	Backend, Adapter, Reason, Precision, Kernels string
	Submissions, ReadBacks                       int
}

// TestBackendWebGPU opens the page in Chromium with a WebGPU adapter
// (SwiftShader): 'auto' leaves that software adapter for the CPU, saying
// why, and ?backend=webgpu takes it, the backend line says so; through visage.js, the
// descriptors from the WebGPU backend equal the CPU backend's within 1e-4,
// for a 150x150 chip and a 250x250 photo alike; after the test hook
// destroys the GPU device, the next encode succeeds on the CPU, the
// backend says why, and the gallery is intact. A descriptor costs one GPU
// submission and one read-back. The CPU runs the relaxed-SIMD kernel build,
// which Chromium accepts.
func TestBackendWebGPU(t *testing.T) {
	paths := []string{chipPaths(t)[0], lfwPhoto(t, lfwEnrollA)}
	images := make([]string, len(paths))
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		images[i] = base64.StdEncoding.EncodeToString(b)
	}
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 8*time.Minute, WebGPUFlags...)
	// 'auto' passes over a software adapter; ?backend=webgpu takes it.
	if err := OpenPage(ctx, srv.URL, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	if line := backendLine(t, ctx); !strings.HasPrefix(line, "Runs on the CPU: ") || !strings.Contains(line, "software") {
		t.Errorf("with only SwiftShader the 'auto' backend line says %q, want \"Runs on the CPU: … software …\"", line)
	}
	if err := OpenPage(ctx, srv.URL+"/?backend=webgpu", 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	if line := backendLine(t, ctx); !strings.HasPrefix(line, "Runs on WebGPU") {
		t.Errorf("with ?backend=webgpu the backend line says %q, want \"Runs on WebGPU …\"", line)
	}
	screenshot(t, ctx, "webgpu")

	args, err := json.Marshal(map[string]any{"images": images})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		GPUInfo, CPUInfo, LostInfo, AfterInfo backendInfo
		GPU, CPU, AfterLoss                   [][]float32
		Gallery                               jsGallery
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[result](
		"("+backendJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if out.GPUInfo.Backend != "webgpu" || out.GPUInfo.Adapter == "" {
		t.Errorf("backend 'webgpu' reports %+v, want webgpu with an adapter", out.GPUInfo)
	}
	if out.CPUInfo.Backend != "cpu" || !strings.Contains(out.CPUInfo.Reason, "asked for") || out.CPUInfo.Kernels != "simd-relaxed.wasm" {
		t.Errorf("backend 'cpu' reports %+v, want cpu, asked for, on kernels simd-relaxed.wasm", out.CPUInfo)
	}
	if len(out.GPU) != len(paths) || len(out.CPU) != len(paths) || len(out.AfterLoss) != len(paths) {
		t.Fatalf("the page returned %d, %d and %d descriptors, want %d each", len(out.GPU), len(out.CPU), len(out.AfterLoss), len(paths))
	}
	for i, p := range paths {
		name := filepath.Base(p)
		d := maxDiff(out.GPU[i], out.CPU[i])
		t.Logf("%s: max |webgpu − cpu| = %.2e", name, d)
		if !(d <= maxDescriptorDiff) {
			t.Errorf("%s: WebGPU and CPU descriptors differ by %.3g, want ≤ %g", name, d, maxDescriptorDiff)
		}
		if d := maxDiff(out.AfterLoss[i], out.CPU[i]); d != 0 {
			t.Errorf("%s: after the GPU was lost the descriptor differs from the CPU backend's by %.3g, want the CPU's own", name, d)
		}
	}
	subs, reads := out.LostInfo.Submissions-out.GPUInfo.Submissions, out.LostInfo.ReadBacks-out.GPUInfo.ReadBacks
	t.Logf("WebGPU: %d submissions and %d read-backs for %d descriptors", subs, reads, len(paths))
	if subs != len(paths) || reads != len(paths) {
		t.Errorf("%d descriptors on WebGPU took %d submissions and %d read-backs, want one each a descriptor", len(paths), subs, reads)
	}
	if out.LostInfo.Backend != "webgpu" {
		t.Errorf("right after the loss the backend says %+v; it should learn of the loss on the next call", out.LostInfo)
	}
	if out.AfterInfo.Backend != "cpu" || !strings.Contains(out.AfterInfo.Reason, "took over") {
		t.Errorf("after the GPU was lost the backend says %+v, want cpu saying the CPU took over", out.AfterInfo)
	}
	if len(out.Gallery.People) != 1 || out.Gallery.People[0].Name != "Ada" {
		t.Errorf("after the GPU was lost the gallery holds %+v, want Ada", out.Gallery.People)
	}
}

// TestBackendCPUWithoutWebGPU opens the page in Chromium without WebGPU:
// the backend line says the CPU runs, and why.
func TestBackendCPUWithoutWebGPU(t *testing.T) {
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 3*time.Minute)
	if err := OpenPage(ctx, srv.URL, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	line := backendLine(t, ctx)
	t.Logf("backend line: %q", line)
	screenshot(t, ctx, "cpu")
	if !strings.HasPrefix(line, "Runs on the CPU: ") || len(line) < len("Runs on the CPU: ")+5 {
		t.Errorf("without WebGPU the backend line says %q, want \"Runs on the CPU: REASON\"", line)
	}
}

// backendLine waits for the page's backend line and returns its text.
func backendLine(t *testing.T, ctx context.Context) string {
	t.Helper()
	line, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(e => e && !e.hidden ? e.textContent : '')(document.getElementById('backend'))`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the backend line: %v", err)
	}
	return line
}

// maxDiff is max|a[i] − b[i]|, +Inf when the lengths differ.
func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(float64(a[i])-float64(b[i])))
	}
	return worst
}
