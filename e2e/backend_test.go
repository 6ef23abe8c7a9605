package e2e

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/face"
)

//go:embed testdata/backend.js
var backendJS string

// backendInfo mirrors visage.d.ts's BackendInfo.
type backendInfo struct {
	Backend, Adapter, Reason, Precision, Kernels string
	Submissions, ReadBacks, Threads              int
}

// TestBackendWebGPU opens the page in Chromium with a WebGPU adapter
// (SwiftShader): 'auto' leaves that software adapter for the CPU, saying
// why, and ?backend=webgpu takes it, the backend line says so. Through
// visage.js, the descriptors from the WebGPU backend equal the CPU
// backend's within maxDescriptorDiff, for a 150x150 chip and a 250x250
// photo alike, a descriptor costing one GPU submission and one read-back.
// Then, for each failure the test hook simulates — the device lost (as a
// driver reset loses it) and a pass out of GPU memory — the next encodes
// succeed on the CPU with the CPU backend's descriptors exactly, decide
// answers as on the CPU, the backend says why, and the gallery is intact.
// The CPU runs the relaxed-SIMD kernel build, which Chromium accepts, on a
// thread for each core up to 4 (the page is cross-origin isolated, so the
// kernel helpers start).
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
	type failure struct {
		GPUInfo, LostInfo, AfterInfo backendInfo
		GPU, AfterLoss               [][]float32
		Gallery                      jsGallery
		Decide                       struct {
			Match    bool
			Distance float64
		}
	}
	type result struct {
		CPUInfo   backendInfo
		CPU       [][]float32
		CPUFaces  []jsFace
		OneThread struct {
			Info  backendInfo
			CPU   [][]float32
			Faces []jsFace
		}
		BadThreads string
		Failures   map[string]failure
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[result](
		"("+backendJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if out.CPUInfo.Backend != "cpu" || !strings.Contains(out.CPUInfo.Reason, "asked for") || out.CPUInfo.Kernels != "simd-relaxed.wasm" {
		t.Errorf("backend 'cpu' reports %+v, want cpu, asked for, on kernels simd-relaxed.wasm", out.CPUInfo)
	}
	cores, err := chromedp.Run(ctx, chromedp.Evaluate[int]("navigator.hardwareConcurrency"))
	if err != nil {
		t.Fatal(err)
	}
	if want := min(cores, 4); out.CPUInfo.Threads != want {
		t.Errorf("backend 'cpu' runs its kernels on %d threads, want %d (the page's %d cores, at most 4)", out.CPUInfo.Threads, want, cores)
	}
	// Split or not, every output value is the same sum in the same order.
	if out.OneThread.Info.Threads != 1 || len(out.OneThread.CPU) != len(out.CPU) {
		t.Errorf("load({threads: 1}) runs on %d threads with %d descriptors, want 1 thread and %d", out.OneThread.Info.Threads, len(out.OneThread.CPU), len(out.CPU))
	} else {
		for i := range out.CPU {
			if d := maxDiff(out.OneThread.CPU[i], out.CPU[i]); d != 0 {
				t.Errorf("%s: one thread's descriptor differs from %d threads' by %.3g, want the same", filepath.Base(paths[i]), out.CPUInfo.Threads, d)
			}
		}
	}
	if len(out.CPUFaces) == 0 || !reflect.DeepEqual(out.OneThread.Faces, out.CPUFaces) {
		t.Errorf("detectFaces of %s: %+v on %d threads, %+v on one; want the same faces, at least one", filepath.Base(paths[len(paths)-1]), out.CPUFaces, out.CPUInfo.Threads, out.OneThread.Faces)
	}
	if want := "load's threads must be a whole number ≥ 1, found 1.5"; !strings.Contains(out.BadThreads, want) {
		t.Errorf("load({threads: 1.5}) gave %q, want an error saying %q", out.BadThreads, want)
	}
	if len(out.CPU) != len(paths) {
		t.Fatalf("the page returned %d CPU descriptors, want %d", len(out.CPU), len(paths))
	}
	// The last image against Ada (the first) as the CPU decides it.
	wantDist := face.Distance(out.CPU[len(paths)-1], out.CPU[0])
	for how, why := range map[string]string{"lost": "device lost", "out-of-memory": "out of GPU memory"} {
		f, ok := out.Failures[how]
		if !ok {
			t.Errorf("%s: the page ran no such failure", how)
			continue
		}
		if f.GPUInfo.Backend != "webgpu" || f.GPUInfo.Adapter == "" {
			t.Errorf("%s: backend 'webgpu' reports %+v, want webgpu with an adapter", how, f.GPUInfo)
		}
		if len(f.GPU) != len(paths) || len(f.AfterLoss) != len(paths) {
			t.Fatalf("%s: the page returned %d and %d descriptors, want %d each", how, len(f.GPU), len(f.AfterLoss), len(paths))
		}
		for i, p := range paths {
			name := filepath.Base(p)
			d := maxDiff(f.GPU[i], out.CPU[i])
			t.Logf("%s: %s: max |webgpu − cpu| = %.2e", how, name, d)
			if !(d <= maxDescriptorDiff) {
				t.Errorf("%s: %s: WebGPU and CPU descriptors differ by %.3g, want ≤ %g", how, name, d, maxDescriptorDiff)
			}
			if d := maxDiff(f.AfterLoss[i], out.CPU[i]); d != 0 {
				t.Errorf("%s: %s: after the failure the descriptor differs from the CPU backend's by %.3g, want the CPU's own", how, name, d)
			}
		}
		subs, reads := f.LostInfo.Submissions-f.GPUInfo.Submissions, f.LostInfo.ReadBacks-f.GPUInfo.ReadBacks
		t.Logf("%s: WebGPU: %d submissions and %d read-backs for %d descriptors", how, subs, reads, len(paths))
		if subs != len(paths) || reads != len(paths) {
			t.Errorf("%s: %d descriptors on WebGPU took %d submissions and %d read-backs, want one each a descriptor", how, len(paths), subs, reads)
		}
		if f.LostInfo.Backend != "webgpu" {
			t.Errorf("%s: right after the hook the backend says %+v; it should learn of the failure on the next call", how, f.LostInfo)
		}
		if f.AfterInfo.Backend != "cpu" || !strings.Contains(f.AfterInfo.Reason, "took over") || !strings.Contains(f.AfterInfo.Reason, why) {
			t.Errorf("%s: after the failure the backend says %+v, want cpu saying the CPU took over because of %q", how, f.AfterInfo, why)
		}
		if len(f.Gallery.People) != 1 || f.Gallery.People[0].Name != "Ada" || f.Gallery.People[0].Samples != 1 {
			t.Errorf("%s: after the failure the gallery holds %+v, want Ada with 1 sample", how, f.Gallery.People)
		}
		if f.Decide.Distance != wantDist || f.Decide.Match != (wantDist < face.DefaultThreshold) {
			t.Errorf("%s: after the failure decide says %+v, the CPU's distance is %v", how, f.Decide, wantDist)
		}
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
