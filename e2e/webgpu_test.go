package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

const (
	// maxKernelRelErr is the largest max|gpu−cpu|/max|cpu| a kernel may show.
	maxKernelRelErr = 1e-4
	// maxDescriptorDiff is the largest max|gpu−cpu| between face descriptors.
	maxDescriptorDiff = 1e-4
	// maxGradientRelErr is the largest max|gpu−cpu|/max|cpu| between
	// style-transfer gradients.
	maxGradientRelErr = 1e-3
	// maxScoreDiff is the largest |gpu−cpu| between face detector scores.
	maxScoreDiff = 1e-4
	// maxPixelDiff is the largest |gpu−cpu| between detection box
	// coordinates or landmark coordinates, in image pixels.
	maxPixelDiff = 1e-3
)

// gpuResult mirrors e2e/cmd/webgputest's Result.
type gpuResult struct {
	Op          string  `json:"op"`
	Case        string  `json:"case"`
	RelErr      float64 `json:"relErr"`
	MaxAbsDiff  float64 `json:"maxAbsDiff"`
	Error       string  `json:"error"`
	Submissions int     `json:"submissions"` // per pass, checked by the page
	ReadBacks   int     `json:"readBacks"`
	GPUMillis   float64 `json:"gpuMillis"`
	CPUMillis   float64 `json:"cpuMillis"`
}

// kernelChecks is the number of cases e2e/cmd/webgputest's ?kernels page runs
// for each Op (104 in all, counted from its checks()): TestWebGPUKernels
// requires exactly these, so that a kernel whose checks went missing, or a
// page that stopped early, fails instead of passing on what remains. A
// check added to the page must be added here.
var kernelChecks = map[string]int{
	"Conv2D": 8, "Conv2DFused": 4, "DepthwiseConv2D": 3, "DepthwiseConv2DFused": 2, "ConvBackwardInput": 4,
	"MaxPool2D": 4, "MaxPool2DBackward": 4, "AvgPool2D": 4, "AvgPool2DBackward": 4,
	"ReLU": 1, "ReLU6": 1, "LeakyReLU": 1, "ReLUCopy": 1, "ReLUBackward": 1,
	"ScaleBias": 3, "Add": 1, "AddZeroExtended": 3, "NewBuffer": 1,
	"ScaledDiff": 1, "SumSquaredDiff": 3, "TotalVariation": 3, "AddTotalVariationGrad": 3,
	"MatMul": 4, "FullyConnected": 3, "Gram": 2,
	"Adam": 1, "batch": 1, "Destroy": 1,
	"Unary": 13, "Binary": 10, "Reduce": 4, "Softmax": 2, "Transpose2D": 1, "PadSpatial": 1, "Stack": 1,
}

// TestWebGPUKernels checks that every WebGPU kernel matches its
// visage/core/ops reference on the page's random, awkwardly shaped inputs,
// and that the page ran exactly the checks of kernelChecks, each case once.
func TestWebGPUKernels(t *testing.T) {
	results := runGPUPage(t, "?kernels", "", "")
	worst := map[string]float64{}
	ran := map[string]int{}
	cases := map[[2]string]bool{}
	var order []string
	for _, r := range results {
		switch {
		case r.Error != "":
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
		case !(r.RelErr <= maxKernelRelErr): // also catches NaN
			t.Errorf("%s %s: relative error %.3g, want ≤ %g", r.Op, r.Case, r.RelErr, maxKernelRelErr)
		}
		if cases[[2]string{r.Op, r.Case}] {
			t.Errorf("%s %s: reported twice", r.Op, r.Case)
		}
		cases[[2]string{r.Op, r.Case}] = true
		if _, seen := worst[r.Op]; !seen {
			order = append(order, r.Op)
		}
		worst[r.Op] = max(worst[r.Op], r.RelErr)
		ran[r.Op]++
		t.Logf("%-20s %-45s rel err %.2e", r.Op, r.Case, r.RelErr)
	}
	for _, op := range order {
		t.Logf("worst %-20s %.2e", op, worst[op])
	}
	for op, n := range kernelChecks {
		if ran[op] != n {
			t.Errorf("%s: %d checks ran, want %d", op, ran[op], n)
		}
	}
	for op, n := range ran {
		if _, ok := kernelChecks[op]; !ok {
			t.Errorf("%s: %d checks ran, kernelChecks does not list it", op, n)
		}
	}
}

// TestWebGPUFaceRecognition checks that the face recognition network on the
// GPU gives the CPU network's descriptors, on a faces-dev chip and on
// pictures that are not faces; the page checks that a pass is
// one submission and one read-back.
func TestWebGPUFaceRecognition(t *testing.T) {
	models, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	holdDiffs(t, runGPUPage(t, "?net=facerec", models, chipPaths(t)[0]), func(gpuResult) float64 { return maxDescriptorDiff })
}

// holdDiffs fails a result that has an error or a MaxAbsDiff over its
// limit, and logs each, with its pass's submissions, read-backs and times
// where the page measured them.
func holdDiffs(t *testing.T, results []gpuResult, limit func(gpuResult) float64) {
	t.Helper()
	for _, r := range results {
		switch {
		case r.Error != "":
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
			continue
		case !(r.MaxAbsDiff <= limit(r)):
			t.Errorf("%s %s: GPU and CPU differ by %.3g, want ≤ %g", r.Op, r.Case, r.MaxAbsDiff, limit(r))
		}
		msg := fmt.Sprintf("%s %s: max diff %.2e (rel %.2e)", r.Op, r.Case, r.MaxAbsDiff, r.RelErr)
		if r.Submissions > 0 {
			msg += fmt.Sprintf("; %d submission, %d read-back; GPU %.0f ms, CPU %.0f ms", r.Submissions, r.ReadBacks, r.GPUMillis, r.CPUMillis)
		}
		t.Log(msg)
	}
}

// TestWebGPUGraphModels checks that the TensorFlow.js graph models of
// human-models run on the GPU (visage/models/graph.On) as on the CPU: the
// MobileFaceNet and FaceRes descriptors within maxDescriptorDiff, a pass
// one submission and one read-back, and every output of the antispoof and
// liveness models within maxScoreDiff, on random inputs.
func TestWebGPUGraphModels(t *testing.T) {
	models, err := assets.HumanModelsDir()
	assettest.Need(t, err)
	results := runGPUPage(t, "?net=graph", models, "")
	if len(results) != 4 {
		t.Errorf("%d results, want 4 (two descriptors, antispoof's output, liveness's)", len(results))
	}
	holdDiffs(t, results, func(r gpuResult) float64 {
		if strings.HasSuffix(r.Case, "descriptor") {
			return maxDescriptorDiff
		}
		return maxScoreDiff
	})
}

// TestWebGPUStyleTransfer checks that the style-transfer gradient and
// Adam steps on the GPU equal core/art's on the CPU; the page checks that a
// gradient, and a chunk of steps (art.Run.Step), is one submission and one
// read-back.
func TestWebGPUStyleTransfer(t *testing.T) {
	for _, r := range runGPUPage(t, "?net=nst", "", "") {
		switch {
		case r.Error != "":
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
			continue
		case !(r.RelErr <= maxGradientRelErr):
			t.Errorf("%s %s: relative error %.3g, want ≤ %g", r.Op, r.Case, r.RelErr, maxGradientRelErr)
		}
		msg := fmt.Sprintf("%s %s: rel err %.2e", r.Op, r.Case, r.RelErr)
		if r.Submissions > 0 {
			msg += fmt.Sprintf("; %d submission, %d read-back", r.Submissions, r.ReadBacks)
		}
		if r.GPUMillis > 0 {
			msg += fmt.Sprintf("; GPU %.0f ms, CPU %.0f ms", r.GPUMillis, r.CPUMillis)
		}
		t.Log(msg)
	}
}

// TestWebGPUSSD checks that the SSD face detector on the GPU gives the CPU
// network's score and box for every anchor, and its detections, on an LFW
// photo and on noise; the page checks that a pass is one submission and
// one read-back (the predictors' outputs; decoding and suppression run on
// the CPU).
func TestWebGPUSSD(t *testing.T) { checkFaceNetPage(t, "?net=ssd") }

// TestWebGPULandmarks checks that the 68-point landmark network on the GPU
// gives the CPU network's points on crops of an LFW photo and of noise;
// the page checks that a pass is one submission and one read-back.
func TestWebGPULandmarks(t *testing.T) { checkFaceNetPage(t, "?net=landmarks") }

// TestWebGPUTinyFace checks that the Tiny Face Detector on the GPU gives
// the CPU network's detections at two input sizes; the page checks that a
// pass is one submission and one read-back.
func TestWebGPUTinyFace(t *testing.T) { checkFaceNetPage(t, "?net=tinyface") }

// checkFaceNetPage runs a face network check of the page (query) with the
// face models and an LFW photo, holding scores (Op "… scores", and the
// RelErr of "… detections") to maxScoreDiff and pixel positions (the
// MaxAbsDiff of the rest) to maxPixelDiff.
func checkFaceNetPage(t *testing.T, query string) {
	models, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	photo := assettest.Shared(t, "data/lfw/images_deepfunneled/Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	for _, r := range runGPUPage(t, query, models, photo) {
		scoreDiff, pixelDiff := 0.0, r.MaxAbsDiff
		switch {
		case strings.HasSuffix(r.Op, " scores"):
			scoreDiff, pixelDiff = r.MaxAbsDiff, 0
		case strings.HasSuffix(r.Op, " detections"):
			scoreDiff = r.RelErr
		}
		switch {
		case r.Error != "":
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
			continue
		case !(scoreDiff <= maxScoreDiff):
			t.Errorf("%s %s: scores differ by %.3g, want ≤ %g", r.Op, r.Case, scoreDiff, maxScoreDiff)
		case !(pixelDiff <= maxPixelDiff):
			t.Errorf("%s %s: positions differ by %.3g px, want ≤ %g", r.Op, r.Case, pixelDiff, maxPixelDiff)
		}
		msg := fmt.Sprintf("%s %s: max diff %.2e (rel %.2e)", r.Op, r.Case, r.MaxAbsDiff, r.RelErr)
		if r.Submissions > 0 {
			msg += fmt.Sprintf("; %d submission, %d read-back; GPU %.0f ms, CPU %.0f ms", r.Submissions, r.ReadBacks, r.GPUMillis, r.CPUMillis)
		}
		t.Log(msg)
	}
}

// runGPUPage builds e2e/cmd/webgputest, serves it with web/gpu/kernels.html
// (and, when models is not empty, that directory under /models/, and when
// photo is not empty, that file, a face photo or chip, as face.jpg beside
// the page), opens
// kernels.html+query in headless Chromium with WebGPU, and returns the
// page's results. It skips (or, with VISAGE_E2E set, fails) when Chromium or
// WebGPU is missing, and fails when the page reports no results.
func runGPUPage(t *testing.T, query, models, photo string) []gpuResult {
	t.Helper()
	chromium, err := ChromiumPath()
	assettest.Need(t, err)
	root, err := assets.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "webgputest.wasm"), "./e2e/cmd/webgputest")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building e2e/cmd/webgputest: %v\n%s", err, out)
	}
	consultSources(t, root, "./e2e/cmd/webgputest")
	files := []struct{ from, to string }{
		{filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"), "wasm_exec.js"},
		{filepath.Join(root, "web", "gpu", "kernels.html"), "kernels.html"},
		{filepath.Join(root, "web", "gpu", "kernels.js"), "kernels.js"},
	}
	if photo != "" {
		files = append(files, struct{ from, to string }{photo, "face.jpg"})
	}
	for _, f := range files {
		b, err := os.ReadFile(f.from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Plain file servers: http://127.0.0.1 is a secure context, as WebGPU needs.
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	if models != "" {
		mux.Handle("/models/", http.StripPrefix("/models/", http.FileServer(http.Dir(models))))
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, WebGPUFlags...)...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	messages := chromedp.Console(ctx) // Go panics and WebGPU errors land here
	var consoleLog []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			consoleLog = append(consoleLog, m.String())
		}
	}()
	defer func() {
		cancelTab()
		<-done
		if t.Failed() {
			for _, m := range consoleLog {
				t.Log("console: " + m)
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/kernels.html"+query)); err != nil {
		t.Fatalf("opening kernels.html%s: %v", query, err)
	}
	report, err := chromedp.Run(ctx, chromedp.Poll[string](`globalThis.visageWebGPUReport`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(6*time.Minute)))
	if err != nil {
		t.Fatalf("waiting for the report of kernels.html%s: %v", query, err)
	}
	var rep struct {
		Adapter  string      `json:"adapter"`
		NoWebGPU string      `json:"noWebGPU"`
		NoF16    string      `json:"noF16"`
		Error    string      `json:"error"`
		Results  []gpuResult `json:"results"`
	}
	if err := json.Unmarshal([]byte(report), &rep); err != nil {
		t.Fatalf("report %q: %v", report, err)
	}
	if rep.NoWebGPU != "" {
		assettest.Need(t, errors.New("WebGPU unavailable in Chromium: "+rep.NoWebGPU))
	}
	if rep.Error != "" {
		t.Fatal(rep.Error)
	}
	t.Logf("adapter: %s", rep.Adapter)
	if rep.NoF16 != "" {
		t.Logf("no shader-f16: %s", rep.NoF16)
	}
	if len(rep.Results) == 0 {
		t.Fatal("the page ran no checks")
	}
	return rep.Results
}

// consultSources stats every file in the directories of pkg's non-standard
// dependencies (built for js/wasm; shaders included). go test caches a
// passing run until a file the test consulted changes, and the page's
// results depend on all of these, which only the go build child reads.
func consultSources(t *testing.T, root, pkg string) {
	t.Helper()
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", pkg)
	list.Dir = root
	list.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := list.Output()
	if err != nil {
		t.Fatalf("listing the sources of %s: %v", pkg, err)
	}
	for _, dir := range strings.Fields(string(out)) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() { // shaders/ and the like; sub-packages list themselves
				sub, _ := os.ReadDir(filepath.Join(dir, e.Name()))
				for _, f := range sub {
					os.Stat(filepath.Join(dir, e.Name(), f.Name()))
				}
				continue
			}
			os.Stat(filepath.Join(dir, e.Name()))
		}
	}
}
