//go:build js && wasm

// Command webgputest checks visage/core/backend/webgpu against the pure Go
// reference, in the browser. Its page, web/gpu/kernels.html, runs one of
// two checks, chosen by the page's query:
//
//   - ?kernels (or none): every kernel, on random inputs of awkward shapes
//     (odd sizes, channels not a multiple of 4, stride 2, Same and Valid
//     padding), on the GPU and with its visage/core/ops namesake;
//   - ?net=facerec: the face recognition network on the GPU
//     (models/facerec on the WebGPU backend) against models/facerec, with the
//     weight files the page fetched into globalThis.visageTestFiles;
//   - ?net=nst: the style-transfer gradient and Adam steps (models/vgg19
//     and core/art on the WebGPU backend) against core/art on the CPU, on a
//     small random VGG-19;
//   - ?net=ssd, ?net=landmarks, ?net=tinyface: the face detectors and the
//     landmark network on the GPU (models/ssd, models/landmarks and
//     models/tinyface on the WebGPU backend) against the same networks on
//     the CPU, on the face photo the page fetched with the weights and on
//     noise;
//   - ?net=graph: the human-models graph models (MobileFaceNet, FaceRes,
//     antispoof, liveness) on the GPU through visage/models/graph.On
//     against their CPU runs, the files fetched from the page's models/;
//   - ?precision=f16: the face recognition and style-transfer checks with
//     the device's precision set to webgpu.F16 (emulated where the
//     adapter lacks shader-f16), their Op prefixed "f16 ";
//   - ?bench or ?bench=SIZE,…: GPU times of a descriptor and a
//     style-transfer step (at 128 and 256 pixels, or the sizes given) at
//     both precisions (bench.go), for runs outside the e2e tests.
//
// It publishes a Report as JSON in globalThis.visageWebGPUReport, which
// e2e/webgpu_test.go reads.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"syscall/js"

	"visage/core/backend/webgpu"
	"visage/core/tensor"
)

// Report is what the page publishes.
type Report struct {
	Adapter  string   `json:"adapter"`
	NoWebGPU string   `json:"noWebGPU,omitempty"` // why WebGPU is unavailable; no results then
	NoF16    string   `json:"noF16,omitempty"`    // ?precision=f16: why F16 is unavailable, and so emulated
	Error    string   `json:"error,omitempty"`    // the check could not run; no results then
	Results  []Result `json:"results"`
}

// Result is one kernel run compared with its reference.
type Result struct {
	Op   string `json:"op"`
	Case string `json:"case"`
	// RelErr is max|gpu−cpu| / max|cpu| over the output (0 when both are 0).
	RelErr float64 `json:"relErr"`
	// MaxAbsDiff is max|gpu−cpu|.
	MaxAbsDiff float64 `json:"maxAbsDiff"`
	// Error is set when the GPU failed or returned the wrong shape.
	Error string `json:"error,omitempty"`
	// For whole-network passes: queue submissions and read-backs of one
	// pass (checked by the page, which sets Error when they are not the
	// expected ones), and the wall time of one pass on each side.
	Submissions int     `json:"submissions,omitempty"`
	ReadBacks   int     `json:"readBacks,omitempty"`
	GPUMillis   float64 `json:"gpuMillis,omitempty"`
	CPUMillis   float64 `json:"cpuMillis,omitempty"`
}

func main() {
	publish(run())
}

func run() Report {
	d, err := webgpu.Open()
	if err != nil {
		return Report{NoWebGPU: err.Error()}
	}
	rep := Report{Adapter: d.Adapter()}
	rng := rand.New(rand.NewPCG(6, 2026))
	query := js.Global().Get("location").Get("search").String()
	if sizes, ok := strings.CutPrefix(query, "?bench"); ok {
		rep.Results = benchGPU(d, rng, strings.TrimPrefix(sizes, "="))
		return rep
	}
	switch query {
	case "", "?kernels":
		rep.Results = checkKernels(d, rng)
	case "?net=facerec":
		rep.Results = checkFaceRec(d, rng)
	case "?net=nst":
		rep.Results = checkNST(d, rng)
	case "?net=ssd":
		rep.Results = checkSSD(d, rng)
	case "?net=landmarks":
		rep.Results = checkLandmarks(d, rng)
	case "?net=tinyface":
		rep.Results = checkTinyFace(d, rng)
	case "?net=graph":
		rep.Results = checkGraphs(d, rng)
	case "?precision=f16":
		rep.Results, rep.NoF16 = checkHalf(d, rng)
	default:
		rep.Error = fmt.Sprintf("unknown query %q: want ?kernels, ?net= facerec, nst, ssd, landmarks, tinyface or graph, ?precision=f16 or ?bench", query)
	}
	return rep
}

// counter measures the queue submissions and read-backs of a span of work.
type counter struct {
	d                  *webgpu.Device
	submissions, reads int
}

func count(d *webgpu.Device) counter {
	s, r := d.Stats()
	return counter{d, s, r}
}

// check records in r the submissions and read-backs since c was made, and
// an error when they are not the wanted ones.
func (c counter) check(r *Result, wantSubmissions, wantReadBacks int) {
	s, rb := c.d.Stats()
	r.Submissions, r.ReadBacks = s-c.submissions, rb-c.reads
	if r.Submissions != wantSubmissions || r.ReadBacks != wantReadBacks {
		r.Error = strings.TrimPrefix(fmt.Sprintf("%s; %d submissions and %d read-backs, want %d and %d",
			r.Error, r.Submissions, r.ReadBacks, wantSubmissions, wantReadBacks), "; ")
	}
}

// compare fills r's error measures for a GPU result against its reference.
func compare(r *Result, gpu, cpu *tensor.Tensor, err error) {
	switch {
	case err != nil:
		r.Error = err.Error()
	case !tensor.SameShape(gpu, cpu):
		r.Error = fmt.Sprintf("GPU shape %v, CPU shape %v", gpu.Shape, cpu.Shape)
	default:
		r.RelErr = relErr(gpu, cpu)
		r.MaxAbsDiff = tensor.MaxAbsDiff(gpu, cpu)
	}
}

func publish(rep Report) {
	b, err := json.Marshal(rep)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))
	}
	js.Global().Set("visageWebGPUReport", string(b))
	if out := js.Global().Get("document").Call("getElementById", "report"); !out.IsNull() {
		out.Set("textContent", string(b))
	}
}

// relErr is max|a−b| / max|b|, 0 when both are all zero.
func relErr(gpu, cpu *tensor.Tensor) float64 {
	var scale float64
	for _, v := range cpu.Data {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	diff := tensor.MaxAbsDiff(gpu, cpu)
	if scale == 0 {
		return diff
	}
	return diff / scale
}
