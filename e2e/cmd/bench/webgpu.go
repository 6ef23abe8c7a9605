package main

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/chromedp/chromedp"

	"visage/e2e"
	"visage/e2e/peer"
)

// This file times Visage's WebGPU backend: the encode bench's chip through
// visage.js loaded with backend 'webgpu', in a browser of its own started
// with e2e.WebGPUFlags (here SwiftShader, Vulkan on the CPU: slow, and said
// so), alternating with the same page's CPU backend, which is the line's
// peer ("visage/wasm-cpu"), so that the ratio is GPU time / CPU time. It
// also reports the GPU's queue submissions and read-backs per pass.

// webGPURuns and webGPUWarmup bound the WebGPU encode bench: a SwiftShader
// pass takes seconds.
const (
	webGPURuns   = 3
	webGPUWarmup = 1
)

//go:embed webgpu.js
var webGPUJS string

// webGPUResult is what webgpu.js returns.
type webGPUResult struct {
	Adapter, Backend       string
	MS                     struct{ WebGPU, CPU []float64 }
	Passes                 int
	Submissions, ReadBacks int
}

// benchWebGPU times the encode bench on visage.js's WebGPU and CPU backends
// and emits one line, Where "webgpu" with the CPU as its peer. A browser
// without a WebGPU adapter is a note, not an error. The style-transfer step
// has no WebGPU line while visage.js has no step call; note says so and
// what wasm/webgputest measures for it.
func benchWebGPU(note func(string, ...any), emit func(result)) error {
	note("nst webgpu: visage.js has no style-transfer step yet; on wasm/webgputest's page (e2e TestWebGPUStyleTransfer) a gradient pass is 1 submission and 1 read-back, an Adam step 1 submission and no read-back")
	site, err := e2e.SiteDir()
	if err != nil {
		return err
	}
	chromium, err := e2e.ChromiumPath()
	if err != nil {
		return err
	}
	chip, err := readShared(chipRel)
	if err != nil {
		return err
	}
	srv, err := peer.Serve(peer.Options{Site: site})
	if err != nil {
		return err
	}
	defer srv.Close()
	profile, err := os.MkdirTemp("", "visage-bench-webgpu-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	browser, closeBrowser := e2e.Browser(chromium, profile, e2e.WebGPUFlags...)
	defer closeBrowser()
	if err := peer.Open(browser, srv.URL); err != nil {
		return err
	}
	args, err := json.Marshal(map[string]any{"base64": base64.StdEncoding.EncodeToString(chip), "warmup": webGPUWarmup, "runs": webGPURuns})
	if err != nil {
		return err
	}
	out, err := chromedp.Run(browser, chromedp.Evaluate[webGPUResult]("("+webGPUJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		note("encode webgpu: skipped, visage.js could not run on WebGPU: %v", err)
		return nil
	}
	if len(out.MS.WebGPU) == 0 || len(out.MS.CPU) == 0 || out.Passes == 0 {
		return fmt.Errorf("webgpu: the page returned no times: %+v", out)
	}
	r := result{Bench: "encode", Where: "webgpu", MS: roundMS(median(out.MS.WebGPU)), Runs: len(out.MS.WebGPU), flops: encoderFLOPs(),
		Peer: "visage/wasm-cpu", PeerMS: roundMS(median(out.MS.CPU)), PeerRuns: len(out.MS.CPU)}
	r.Ratio = math.Round(r.MS/r.PeerMS*1000) / 1000
	emit(r)
	note("encode webgpu on %q, per descriptor pass: GPU submissions %.2g, read-backs %.2g (%d and %d over %d passes)",
		out.Adapter, float64(out.Submissions)/float64(out.Passes), float64(out.ReadBacks)/float64(out.Passes),
		out.Submissions, out.ReadBacks, out.Passes)
	return nil
}
