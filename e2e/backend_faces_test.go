package e2e

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/face"
)

//go:embed testdata/backend_faces.js
var backendFacesJS string

// TestBackendWebGPUFaces runs visage.js's face pipeline on an LFW photo on
// the WebGPU backend (SwiftShader) and on the CPU backend: detect's boxes
// and scores agree within maxScoreDiff and maxPixelDiff, its landmarks
// within maxPixelDiff and its descriptors within maxDescriptorDiff, as do
// the landmarks call's points; detect of the one-face photo costs three
// GPU submissions and three read-backs (detector, landmarks, descriptor),
// landmarks one each. After the test hook destroys the GPU device, detect
// falls back to the CPU and gives the CPU backend's faces exactly.
func TestBackendWebGPUFaces(t *testing.T) {
	raw, err := os.ReadFile(lfwPhoto(t, lfwEnrollA))
	if err != nil {
		t.Fatal(err)
	}
	srv := serveSite(t)
	// One SSD pass on SwiftShader takes 1-2 minutes on two cores, up to
	// 10 under a loaded full suite.
	ctx, _ := openBrowser(t, t.TempDir(), 20*time.Minute, WebGPUFlags...)
	if err := OpenPage(ctx, srv.URL, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	args, err := json.Marshal(map[string]any{"image": base64.StdEncoding.EncodeToString(raw)})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Loaded, AfterDetect, AfterLandmarks, LostInfo backendInfo
		GPU, CPU, AfterLoss                           []jsFace
		GPULandmarks, CPULandmarks                    []struct{ X, Y float64 }
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[result]("("+backendFacesJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if out.Loaded.Backend != "webgpu" {
		t.Fatalf("backend 'webgpu' with the detector reports %+v, want webgpu", out.Loaded)
	}
	if len(out.CPU) != 1 || len(out.GPU) != len(out.CPU) {
		t.Fatalf("%d faces on WebGPU and %d on the CPU, want 1 each", len(out.GPU), len(out.CPU))
	}
	g, c := out.GPU[0], out.CPU[0]
	boxDiff := max(math.Abs(g.Box.X-c.Box.X), math.Abs(g.Box.Y-c.Box.Y), math.Abs(g.Box.Width-c.Box.Width), math.Abs(g.Box.Height-c.Box.Height))
	t.Logf("detect: box %.2e px, score %.2e, landmarks %.2e px, descriptor %.2e apart", boxDiff, math.Abs(g.Score-c.Score),
		pointsDiff(g.Landmarks, c.Landmarks), maxDiff(g.Descriptor, c.Descriptor))
	if !(boxDiff <= maxPixelDiff) || !(math.Abs(g.Score-c.Score) <= maxScoreDiff) {
		t.Errorf("detect: WebGPU box %+v score %v, CPU box %+v score %v", g.Box, g.Score, c.Box, c.Score)
	}
	if d := pointsDiff(g.Landmarks, c.Landmarks); !(d <= maxPixelDiff) {
		t.Errorf("detect: WebGPU and CPU landmarks differ by %.3g px, want ≤ %g", d, maxPixelDiff)
	}
	if d := maxDiff(g.Descriptor, c.Descriptor); !(d <= maxDescriptorDiff) {
		t.Errorf("detect: WebGPU and CPU descriptors differ by %.3g, want ≤ %g", d, maxDescriptorDiff)
	}
	if d := pointsDiff(out.GPULandmarks, out.CPULandmarks); !(d <= maxPixelDiff) {
		t.Errorf("landmarks: WebGPU and CPU points differ by %.3g px, want ≤ %g", d, maxPixelDiff)
	}
	for _, call := range []struct {
		name               string
		before, after      backendInfo
		submissions, reads int
	}{
		{"detect (one face)", out.Loaded, out.AfterDetect, 3, 3},
		{"landmarks", out.AfterDetect, out.AfterLandmarks, 1, 1},
	} {
		subs, reads := call.after.Submissions-call.before.Submissions, call.after.ReadBacks-call.before.ReadBacks
		t.Logf("%s on WebGPU: %d submissions, %d read-backs", call.name, subs, reads)
		if subs != call.submissions || reads != call.reads {
			t.Errorf("%s on WebGPU took %d submissions and %d read-backs, want %d and %d", call.name, subs, reads, call.submissions, call.reads)
		}
	}
	if out.LostInfo.Backend != "cpu" || !strings.Contains(out.LostInfo.Reason, "took over") {
		t.Errorf("after the GPU was lost the backend says %+v, want cpu saying the CPU took over", out.LostInfo)
	}
	if len(out.AfterLoss) != 1 || out.AfterLoss[0].Box != c.Box || out.AfterLoss[0].Score != c.Score ||
		pointsDiff(out.AfterLoss[0].Landmarks, c.Landmarks) != 0 || maxDiff(out.AfterLoss[0].Descriptor, c.Descriptor) != 0 {
		t.Errorf("after the GPU was lost detect gave %+v, want the CPU backend's %+v", out.AfterLoss, out.CPU)
	}
}

// pointsDiff is the largest coordinate difference between two point lists,
// +Inf when their lengths differ.
func pointsDiff(a, b []struct{ X, Y float64 }) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range a {
		worst = max(worst, math.Abs(a[i].X-b[i].X), math.Abs(a[i].Y-b[i].Y))
	}
	return worst
}

//go:embed testdata/backend_encoders.js
var backendEncodersJS string

// TestBackendWebGPUEncoders loads visage.js's API with each human-models
// encoder (MobileFaceNet, FaceRes) on the WebGPU backend (SwiftShader) and
// on the CPU: the descriptors of a face chip agree within
// maxDescriptorDiff, and on WebGPU an encode costs one GPU submission and
// one read-back, so the encoder ran there.
func TestBackendWebGPUEncoders(t *testing.T) {
	raw, err := os.ReadFile(chipPaths(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 10*time.Minute, WebGPUFlags...)
	if err := OpenPage(ctx, srv.URL, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	encoders := []string{face.EncoderMobileFaceNet, face.EncoderFaceRes}
	args, err := json.Marshal(map[string]any{"chip": base64.StdEncoding.EncodeToString(raw), "encoders": encoders})
	if err != nil {
		t.Fatal(err)
	}
	type run struct {
		CPU, WebGPU                          []float32
		CPUBefore, WebGPUBefore, WebGPUAfter backendInfo
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]run]("("+backendEncodersJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range encoders {
		r := out[name]
		if r.WebGPUBefore.Backend != "webgpu" || r.CPUBefore.Backend != "cpu" {
			t.Errorf("%s: backends %q and %q, want webgpu and cpu", name, r.WebGPUBefore.Backend, r.CPUBefore.Backend)
			continue
		}
		subs, reads := r.WebGPUAfter.Submissions-r.WebGPUBefore.Submissions, r.WebGPUAfter.ReadBacks-r.WebGPUBefore.ReadBacks
		d := maxDiff(r.WebGPU, r.CPU)
		t.Logf("%s: WebGPU and CPU descriptors %.2e apart; encode took %d submissions, %d read-backs", name, d, subs, reads)
		if len(r.CPU) != face.EncoderDim(name) || !(d <= maxDescriptorDiff) {
			t.Errorf("%s: %d numbers, %.3g apart on WebGPU and the CPU; want %d within %g", name, len(r.CPU), d, face.EncoderDim(name), maxDescriptorDiff)
		}
		if subs != 1 || reads != 1 {
			t.Errorf("%s: an encode on WebGPU took %d submissions and %d read-backs, want 1 and 1", name, subs, reads)
		}
	}
}
