package main

import (
	"fmt"
	"math"
	"slices"

	"visage/e2e"
	"visage/e2e/peer"
)

// This file times Visage's WebGPU backend: each selected bench with a page
// call (encode, the detect pipeline, a stylize step), through visage.js
// loaded with backend 'webgpu' in a browser of its own started with
// e2e.WebGPUFlags (here SwiftShader, Vulkan on the CPU: slow, and said so),
// alternating with an instance of the same page on the CPU backend, which is
// the line's peer ("visage/wasm-cpu"), so that the ratio is GPU time / CPU
// time. It also notes the GPU's queue submissions and read-backs per pass
// (a descriptor, a photo's detect, a style-transfer step), from visage.js's
// backend() counters: a network that stays on the CPU shows none.

// webGPURuns and webGPUWarmup cap the runs of a webgpu line (--runs and
// --warmup lower them): a SwiftShader pass takes seconds.
const (
	webGPURuns   = 3
	webGPUWarmup = 1
)

// gpuCounts is what visage.mjs's counts returns.
type gpuCounts struct{ Submissions, ReadBacks, Passes int }

// benchWebGPU emits a line, Where "webgpu" with the CPU backend as its
// peer, for each of selected with a page call that names lists; a GPU run
// longer than maxRun ms is not repeated (it is kept even in the warmup,
// when it is the only one). A browser without a WebGPU adapter is a note,
// not an error.
func benchWebGPU(selected []bench, names []string, maxRun float64, note func(string, ...any), emit func(result)) error {
	var gpuBenches []bench
	for _, b := range selected {
		if b.ours != "" && slices.Contains(names, b.name) {
			gpuBenches = append(gpuBenches, b)
		}
	}
	if len(gpuBenches) == 0 {
		return nil
	}
	s, err := openSession("", note, e2e.WebGPUFlags...)
	if err != nil {
		return err
	}
	defer s.close()
	// 'auto' leaves a software adapter such as SwiftShader alone, so the
	// GPU instance asks for 'webgpu'; it fails where there is no adapter.
	if _, err := peer.Call[[]string](s.ctx, "visage.mjs", "start", startOptions(map[string]any{"backend": "webgpu"})); err != nil {
		note("webgpu lines skipped: visage.js has no WebGPU in a browser with WebGPU flags: %v", err)
		return nil
	}
	info, err := peer.Call[backendInfo](s.ctx, "visage.mjs", "info", map[string]any{"backend": "webgpu"})
	if err != nil {
		return err
	}
	if _, err := peer.Call[[]string](s.ctx, "visage.mjs", "start", startOptions(map[string]any{"backend": "cpu"})); err != nil {
		return err
	}
	for _, b := range gpuBenches {
		if err := s.timeWebGPU(b, info.Adapter, maxRun, note, emit); err != nil {
			return fmt.Errorf("%s webgpu: %w", b.name, err)
		}
	}
	return nil
}

// backendInfo is visage.js's backend().
type backendInfo struct{ Backend, Adapter, Reason string }

// timeWebGPU runs b's page call on the 'webgpu' and 'cpu'
// instances, alternating, and emits its line and notes its GPU counts.
func (s *session) timeWebGPU(b bench, adapter string, maxRun float64, note func(string, ...any), emit func(result)) error {
	names, err := s.setOurInputs(b)
	if err != nil {
		return err
	}
	runs, warmup := min(b.runs, webGPURuns), min(b.warmup, webGPUWarmup)
	ms := map[string][]float64{}
	var total gpuCounts
	gpuDone := false
	for i := range warmup + runs {
		for _, backend := range []string{"webgpu", "cpu"} {
			if backend == "webgpu" && gpuDone {
				continue
			}
			t, err := peer.Call[float64](s.ctx, "visage.mjs", "time", map[string]any{"op": b.ours, "names": names, "size": b.size, "backend": backend})
			if err != nil {
				return err
			}
			slow := backend == "webgpu" && t > maxRun
			if i >= warmup || (slow && len(ms[backend]) == 0) {
				ms[backend] = append(ms[backend], t/float64(b.items))
			}
			if slow {
				note("%s webgpu: a run took %.1f s (> --max-run), not repeated; %d run(s) reported", b.name, t/1000, len(ms[backend]))
				gpuDone = true
			}
			if backend == "webgpu" {
				c, err := peer.Call[gpuCounts](s.ctx, "visage.mjs", "counts", nil)
				if err != nil {
					return err
				}
				total.Submissions, total.ReadBacks, total.Passes = total.Submissions+c.Submissions, total.ReadBacks+c.ReadBacks, total.Passes+c.Passes
			}
		}
	}
	r := result{Bench: b.name, Where: "webgpu", MS: roundMS(median(ms["webgpu"])), Runs: len(ms["webgpu"]),
		Peer: "visage/wasm-cpu", PeerMS: roundMS(median(ms["cpu"])), PeerRuns: len(ms["cpu"])}
	r.Ratio = math.Round(r.MS/r.PeerMS*1000) / 1000
	r.GFLOPS = rate(b.flops, r.MS)
	emit(r)
	pass := map[string]string{"encode": "descriptor", "detect": "photo's detect", "stylize": "step"}[b.ours]
	note("%s webgpu on %q, per %s: GPU submissions %.3g, read-backs %.3g (%d and %d over %d passes; 0 means it ran on the CPU)",
		b.name, adapter, pass, float64(total.Submissions)/float64(total.Passes), float64(total.ReadBacks)/float64(total.Passes),
		total.Submissions, total.ReadBacks, total.Passes)
	return nil
}
