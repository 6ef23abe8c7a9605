package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// This file turns timings into output: a result line, printed as a table
// row or a JSON line, with its median, GFLOP/s and rounding.

// result is one line of output.
type result struct {
	Bench string  `json:"bench"`
	Where string  `json:"where"`          // "native", "wasm" or "webgpu"
	MS    float64 `json:"ms,omitempty"`   // median milliseconds per input; none on fma-peak lines
	Runs  int     `json:"runs,omitempty"` // none on fma-peak lines
	// Warmup is the untimed rounds before them, of every side alike (the
	// sides alternate round by round).
	Warmup int     `json:"warmup,omitempty"`
	GFLOPS float64 `json:"gflops,omitempty"`
	// PeakFraction is GFLOPS over the ceiling where, at Threads.
	PeakFraction float64 `json:"peak_fraction,omitempty"`
	Threads      int     `json:"threads,omitempty"` // Visage's threads (goroutines natively, backend().threads in the page)
	Kernels      string  `json:"kernels,omitempty"` // Visage's kernel build: "avx2", "go", "simd-relaxed.wasm", …
	Peer         string  `json:"peer,omitempty"`    // e.g. "face-api.js/tfjs-wasm"
	PeerMS       float64 `json:"peer_ms,omitempty"` // its median, runs alternated with ours
	// PeerRuns is the peer's number of timed runs: Runs, or fewer when a
	// run took longer than --max-run.
	PeerRuns    int     `json:"peer_runs,omitempty"`
	PeerThreads int     `json:"peer_threads,omitempty"` // tfjs getThreadsCount on its wasm backend
	Ratio       float64 `json:"ratio,omitempty"`        // MS / PeerMS
}

// report prints one result as a table row or a JSON line.
func report(r result, asJSON bool) {
	if asJSON {
		line, _ := json.Marshal(r) // a struct of strings and numbers always marshals
		fmt.Println(string(line))
		return
	}
	cell := func(ok bool, format string, v any) string {
		if !ok {
			return "–"
		}
		return fmt.Sprintf(format, v)
	}
	peerName := cell(r.Peer != "", "%s", r.Peer)
	fmt.Printf("%-22s %-7s %10s %8s %6s %3s %-17s %5s  %-24s %10s %5s %3s %7s\n", r.Bench, r.Where,
		cell(r.MS > 0, "%.2f", r.MS), cell(r.GFLOPS > 0, "%.2f", r.GFLOPS), cell(r.PeakFraction > 0, "%.1f", 100*r.PeakFraction),
		cell(r.Threads > 0, "%d", r.Threads), cell(r.Kernels != "", "%s", r.Kernels), cell(r.Runs > 0, "%d", r.Runs),
		peerName, cell(r.Peer != "", "%.2f", r.PeerMS), cell(r.Peer != "", "%d", r.PeerRuns),
		cell(r.PeerThreads > 0, "%d", r.PeerThreads), cell(r.Peer != "", "%.2f", r.Ratio))
}

// rate is flops done in ms milliseconds as GFLOP/s to two decimals, 0 when
// flops is not known.
func rate(flops, ms float64) float64 {
	if flops == 0 || ms == 0 {
		return 0
	}
	return round2(flops / (ms * 1e6))
}

// median returns the median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// roundMS rounds milliseconds to microseconds, the precision timers give.
func roundMS(ms float64) float64 { return math.Round(ms*1000) / 1000 }
