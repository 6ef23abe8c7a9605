package main

import (
	"context"
	"math"
	"sync"
	"time"

	"visage/core/ops"
	"visage/e2e/peer"
)

// ceiling is the machine's measured multiply-add peak in GFLOP/s, natively
// (ops.FMAPeak) and in the page (e2e/peer/peak.mjs), on one thread and on
// as many as Visage uses there: the network lines' GFLOP/s are reported as
// a fraction of the latter. A zero is not measured (the portable Go kernel
// natively; no page).
type ceiling struct {
	native, nativeOne float64 // ops.KernelThreads goroutines; one
	page, pageAll     float64 // one worker; pageWorkers (the page's kernel threads)
	pageBuild         string  // the SIMD build peak.mjs ran
	pageWorkers       int
}

// of returns the peak where ("native" or "wasm") that Visage's threads there
// can reach, 0 if unknown: with one thread the one-thread peak, with more
// the larger of the one- and all-thread peaks (all cores can always do what
// one does, and on a busy machine the all-core timing can come out lower).
func (c *ceiling) of(where string, threads int) float64 {
	switch where {
	case "native":
		return max(c.native, c.nativeOne)
	case "wasm":
		if threads > 1 {
			return max(c.pageAll, c.page)
		}
		return c.page
	}
	return 0
}

// peakRounds is one FMAPeak call's work: 2²⁰ rounds, about 0.2 GFLOP, a
// few milliseconds.
const peakRounds = 1 << 20

// nativePeak returns the best of 50 timings of threads goroutines each
// running FMAPeak at once, in GFLOP/s (0 where FMAPeak does nothing): the
// best, because a busy machine takes a core away now and then.
func nativePeak(threads int) float64 {
	perRound := ops.FMAPeak(1)
	if perRound == 0 {
		return 0
	}
	best := 0.0
	for range 50 {
		var wg sync.WaitGroup
		start := time.Now()
		for range threads {
			wg.Go(func() { ops.FMAPeak(peakRounds) })
		}
		wg.Wait()
		best = math.Max(best, perRound*peakRounds*float64(threads)/time.Since(start).Seconds()/1e9)
	}
	return best
}

// measureNative fills c's native peaks.
func (c *ceiling) measureNative() {
	c.nativeOne, c.native = nativePeak(1), nativePeak(ops.KernelThreads())
}

// measurePage fills c's page peaks in the session's page, on one worker and
// on threads (the page's kernel threads).
func (c *ceiling) measurePage(ctx context.Context, threads int) error {
	type peak struct {
		Build   string
		Workers int
		GFLOPS  float64
	}
	one, err := peer.Call[peak](ctx, "peak.mjs", "peak", map[string]any{"workers": 1})
	if err != nil {
		return err
	}
	all, err := peer.Call[peak](ctx, "peak.mjs", "peak", map[string]any{"workers": threads})
	if err != nil {
		return err
	}
	c.page, c.pageAll, c.pageBuild, c.pageWorkers = one.GFLOPS, all.GFLOPS, one.Build, all.Workers
	return nil
}

// lines returns the peaks as result lines (bench "fma-peak"), the native
// ones first, leaving out what was not measured.
func (c *ceiling) lines() []result {
	var out []result
	add := func(where string, gflops float64, threads int, kernels string) {
		if gflops > 0 {
			out = append(out, result{Bench: "fma-peak", Where: where, GFLOPS: round2(gflops), Threads: threads, Kernels: kernels})
		}
	}
	add("native", c.nativeOne, 1, ops.KernelBuild())
	if n := ops.KernelThreads(); n > 1 {
		add("native", c.native, n, ops.KernelBuild())
	}
	add("wasm", c.page, 1, c.pageBuild)
	if c.pageWorkers > 1 {
		add("wasm", c.pageAll, c.pageWorkers, c.pageBuild)
	}
	return out
}

// round2 rounds to two decimals, as the table prints.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
