package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/ops"
	"visage/e2e"
	"visage/e2e/peer"
	"visage/models/assets"
)

// This file runs the benches in browser sessions: one per tfjs backend,
// each with the peer page open, where a bench's sides (Visage natively,
// Visage in the page, each peer) alternate run by run, so that a change in
// the machine's load hits them alike.

// side is one implementation timed in a bench: run does one run and returns
// its milliseconds.
type side struct {
	where     string // "native" or "wasm" for ours and for a reference
	peer      string // the peer's or the reference's name, "" for ours
	onlyWhere bool   // a reference (the against bench's side): compared only with our side of its where; a peer with each
	capped    bool   // a run longer than --max-run is not repeated
	threads   int    // a tfjs peer's getThreadsCount, 0 if not known
	run       func() (float64, error)
	ms        []float64
}

// runAll times each bench once per backend, each in its own browser session
// (the page with visage.js and the peer on that backend): its sides
// alternate, a capped peer run longer than maxRun ms is not repeated, and
// each result goes to emit as soon as its bench is done. Without backends
// there is one session without peers. It stops at the first error.
//
// One session per backend, rather than a tab per backend in one browser,
// because same-origin tabs share a renderer's main thread: SwiftShader's
// webgl work in one tab slowed the wasm peer in the other.
//
// The first session measures the page's ceiling and emits peak's lines
// before any bench's.
func runAll(selected []bench, backends []string, maxRun float64, peak *ceiling, note func(string, ...any), emit func(result)) error {
	if len(backends) == 0 {
		backends = []string{""}
	}
	for _, backend := range backends {
		if err := runSession(selected, backend, maxRun, peak, note, emit); err != nil {
			return err
		}
	}
	return nil
}

// runSession times the selected benches in one browser session with the
// peer on backend ("" for none), measuring the page's ceiling first unless
// peak has it.
func runSession(selected []bench, backend string, maxRun float64, peak *ceiling, note func(string, ...any), emit func(result)) error {
	s, err := openSession(backend, note)
	if err != nil {
		return err
	}
	defer s.close()
	if s.methods, err = peer.Call[[]string](s.ctx, "visage.mjs", "start", startOptions(nil)); err != nil {
		return err
	}
	info, err := peer.Call[struct {
		Kernels string
		Threads int
	}](s.ctx, "visage.mjs", "info", nil)
	if err != nil {
		return err
	}
	s.kernels, s.threads, s.peak = info.Kernels, max(1, info.Threads), peak
	if peak.page == 0 {
		if err := peak.measurePage(s.ctx, s.threads); err != nil {
			return fmt.Errorf("the page's FMA peak: %w", err)
		}
		for _, r := range peak.lines() {
			emit(r)
		}
	}
	for _, b := range selected {
		rs, err := s.time(b, maxRun, note)
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		for _, r := range rs {
			emit(r)
		}
	}
	return nil
}

// pageThreads is --threads: Visage.load's threads for every instance the
// bench starts in the page, 0 for its default (the browser's cores).
var pageThreads int

// startOptions returns visage.mjs start's options o with pageThreads.
func startOptions(o map[string]any) map[string]any {
	if pageThreads > 0 {
		o = maps.Clone(o)
		if o == nil {
			o = map[string]any{}
		}
		o["threads"] = pageThreads
	}
	return o
}

// session is the browser with the peer page open and, unless backend is
// "", face-api.js's TensorFlow.js on backend set up in it; its callers start
// the visage.js instances they time.
type session struct {
	ctx         context.Context
	backend     string   // "" when the peer could not start or none was asked for
	methods     []string // visage.js's methods (runSession's instance)
	encoders    []string // the encoders of the other instances started (startEncoder)
	kernels     string   // runSession's instance's backend().kernels
	threads     int      // its backend().threads: the page's kernel threads
	cores       int      // navigator.hardwareConcurrency
	peerThreads int      // tfjs's getThreadsCount on the wasm backend, else 0
	peak        *ceiling
	stop        func()
}

// openSession serves the site and the peers, starts Chromium, opens the peer
// page and sets up the peer on backend (a backend
// that fails to start is noted, and the session goes on without it).
// flags are extra Chromium switches (e2e.WebGPUFlags for the webgpu lines).
func openSession(backend string, note func(string, ...any), flags ...chromedp.ExecAllocatorOption) (*session, error) {
	site, err := e2e.SiteDir()
	if err != nil {
		return nil, err
	}
	chromium, err := e2e.ChromiumPath()
	if err != nil {
		return nil, err
	}
	shared, err := assets.SharedDir()
	if err != nil {
		return nil, err
	}
	srv, err := peer.Serve(peer.Options{Site: site, Dirs: map[string]string{
		"lfw": filepath.Join(shared, lfwRel), "faces-dev": filepath.Join(shared, "data", "faces-dev")}})
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "visage-bench-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	ctx, closeBrowser := e2e.Browser(chromium, profile, flags...)
	s := &session{ctx: ctx, stop: func() {
		closeBrowser()
		srv.Close()
		os.RemoveAll(profile)
	}}
	if err := peer.Open(ctx, srv.URL); err != nil {
		s.close()
		return nil, err
	}
	if s.cores, err = chromedp.Run(ctx, chromedp.Evaluate[int]("navigator.hardwareConcurrency")); err != nil {
		s.close()
		return nil, err
	}
	if backend == "" {
		return s, nil
	}
	// Threads on: as many as the browser reports cores (tfjs's own default,
	// and its cap, would be half of them; faceapi.mjs lifts the cap).
	info, err := peer.Call[map[string]any](ctx, "faceapi.mjs", "setup", map[string]any{"backend": backend, "threads": s.cores})
	if err != nil {
		note("tfjs %s backend unavailable, its peer lines are skipped: %v", backend, err)
		return s, nil
	}
	note("peer %s: %s", backend, describeInfo(info))
	s.backend = backend
	if threads, ok := info["threads"].(float64); ok {
		s.peerThreads = int(threads)
		if msg := threadsShortfall(info, s.cores); msg != "" {
			note("%s", msg)
		}
	}
	return s, nil
}

// threadsShortfall says plainly when tfjs's wasm backend (faceapi.mjs's
// setup info) runs fewer threads than the cores it was asked to use, with
// the flags that may explain it; "" when it runs them all.
func threadsShortfall(info map[string]any, cores int) string {
	threads, _ := info["threads"].(float64)
	if int(threads) >= cores {
		return ""
	}
	return fmt.Sprintf("the tfjs-wasm peer runs %d thread(s), not the %d cores it was asked to use (isolated=%v multithread=%v simd=%v): its lines leave cores idle, the comparison is not at the peer's best",
		int(threads), cores, info["isolated"], info["multithread"], info["simd"])
}

// describeInfo formats what faceapi.mjs's setup reports, keys sorted.
func describeInfo(info map[string]any) string {
	keys := make([]string, 0, len(info))
	for k := range info {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, info[k]))
	}
	return strings.Join(parts, " ")
}

func (s *session) close() { s.stop() }

// time runs bench b: its sides alternating, warmup untimed rounds then
// b.runs timed ones, and returns a line per (our side, peer). A capped peer
// whose run takes longer than maxRun ms stops there; that run is kept as a
// sample even in the warmup, when it is the only one.
func (s *session) time(b bench, maxRun float64, note func(string, ...any)) ([]result, error) {
	sides, err := s.ourSides(b, note)
	if err != nil {
		return nil, err
	}
	if b.gallery > 0 {
		defer peer.Call[int](s.ctx, "visage.mjs", "fillGallery", map[string]any{"people": 0})
	}
	if b.against != "" {
		ref, err := benchNamed(b.against)
		if err != nil {
			return nil, err
		}
		refSides, err := s.ourSides(ref, note)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref.name, err)
		}
		for _, r := range refSides {
			r.peer, r.onlyWhere = "visage-dlib/"+r.where, true
		}
		sides = append(sides, refSides...)
		note("%s: no peer runs %s; its ratio is to dlib's %s bench on the same side (native or wasm), alternating with it in this session", b.name, b.encoder, ref.name)
	}
	if s.backend != "" && b.peerModule != "" {
		if msg, err := s.preparePeer(b); err != nil {
			note("%s on tfjs-%s skipped: %v", b.name, s.backend, err)
		} else {
			if msg != "" {
				note("%s", msg)
			}
			for _, pr := range b.peers {
				args := map[string]any{"op": pr.op}
				// The wasm backend is the targets' reference and always runs in full.
				sides = append(sides, &side{peer: pr.name + "/tfjs-" + s.backend, capped: s.backend != "wasm", threads: s.peerThreads, run: func() (float64, error) {
					return peer.Call[float64](s.ctx, b.peerModule, "time", args)
				}})
			}
		}
	}
	for i := range b.warmup + b.runs {
		for _, sd := range sides {
			if sd.run == nil {
				continue // failed earlier
			}
			ms, err := sd.run()
			if err != nil && sd.where == "native" {
				return nil, fmt.Errorf("native: %w", err)
			}
			if err != nil { // the page's side: note it, keep timing the others
				note("%s on %s failed, its lines are skipped: %v", b.name, sd.where+sd.peer, err)
				sd.run, sd.ms = nil, nil
				continue
			}
			slow := sd.capped && ms > maxRun
			if i >= b.warmup || (slow && len(sd.ms) == 0) {
				sd.ms = append(sd.ms, ms/float64(b.items))
			}
			if slow {
				note("%s on %s: a run took %.1f s (> --max-run), not repeated; %d run(s) reported", b.name, sd.peer, ms/1000, len(sd.ms))
				sd.run = nil
			}
		}
	}
	var out []result
	for _, ours := range sides {
		if ours.peer != "" || ours.ms == nil {
			continue
		}
		base := result{Bench: b.name, Where: ours.where, MS: roundMS(median(ours.ms)), Runs: b.runs, Warmup: b.warmup,
			Threads: s.threads, Kernels: s.kernels}
		if ours.where == "native" {
			base.Threads, base.Kernels = ops.KernelThreads(), ops.KernelBuild()
		}
		base.GFLOPS = rate(b.flops, base.MS)
		if peak := s.peak.of(ours.where, base.Threads); peak > 0 && base.GFLOPS > 0 {
			base.PeakFraction = math.Round(base.GFLOPS/peak*1000) / 1000
		}
		n := len(out)
		for _, p := range sides {
			if p.peer == "" || p.ms == nil || (p.onlyWhere && p.where != ours.where) {
				continue
			}
			r := base
			r.Peer, r.PeerMS, r.PeerRuns, r.PeerThreads = p.peer, roundMS(median(p.ms)), len(p.ms), p.threads
			r.Ratio = math.Round(r.MS/r.PeerMS*1000) / 1000
			out = append(out, r)
		}
		if len(out) == n {
			out = append(out, base)
		}
	}
	return out, nil
}

// ourSides are b's sides for Visage: natively, and in the page (on an
// instance loaded with b's encoder) when b has a page call and the site's
// visage.js has it.
func (s *session) ourSides(b bench, note func(string, ...any)) ([]*side, error) {
	run, err := b.native()
	if err != nil {
		return nil, fmt.Errorf("native: %w", err)
	}
	sides := []*side{{where: "native", run: func() (float64, error) {
		start := time.Now()
		err := run()
		return float64(time.Since(start)) / float64(time.Millisecond), err
	}}}
	if b.ours == "" {
		return sides, nil // native only
	}
	if !slices.Contains(s.methods, b.ours) {
		note("%s wasm: not available (the site's visage.js has no %s)", b.name, b.ours)
		return sides, nil
	}
	args := map[string]any{"op": b.ours, "size": b.size}
	if b.encoder != "" {
		if err := s.startEncoder(b.encoder); err != nil {
			return nil, err
		}
		args["encoder"] = b.encoder
	}
	if args["names"], err = s.setOurInputs(b); err != nil {
		return nil, err
	}
	if b.gallery > 0 {
		n, err := peer.Call[int](s.ctx, "visage.mjs", "fillGallery", map[string]any{"people": b.gallery})
		if err != nil {
			return nil, err
		}
		note("%s: %d people enrolled in the page (random descriptors, importGallery), the probe found among them", b.name, n)
	}
	return append(sides, &side{where: "wasm", run: func() (float64, error) {
		return peer.Call[float64](s.ctx, "visage.mjs", "time", args)
	}}), nil
}

// startEncoder starts, once per session, a visage.js instance loaded with
// encoder (Visage.load({encoder})), which visage.mjs's time then picks.
func (s *session) startEncoder(encoder string) error {
	if slices.Contains(s.encoders, encoder) {
		return nil
	}
	if _, err := peer.Call[[]string](s.ctx, "visage.mjs", "start", startOptions(map[string]any{"encoder": encoder})); err != nil {
		return fmt.Errorf("starting visage.js with encoder %s: %w", encoder, err)
	}
	s.encoders = append(s.encoders, encoder)
	return nil
}

// preparePeer sets up b's inputs on the peer side.
func (s *session) preparePeer(b bench) (string, error) {
	if b.preparePeer != nil {
		return b.preparePeer(s.ctx)
	}
	_, err := peer.Call[[]int](s.ctx, "faceapi.mjs", "prepareBench", benchInputURLs())
	return "", err
}

// setOurInputs hands the bench's image bytes to visage.mjs and returns their
// names.
func (s *session) setOurInputs(b bench) ([]string, error) {
	files := b.oursInputs
	if files == nil {
		files = []string{chipRel}
	}
	for _, f := range files {
		data, err := readShared(f)
		if err != nil {
			return nil, err
		}
		if _, err := peer.Call[any](s.ctx, "visage.mjs", "setInput", map[string]string{
			"name": f, "base64": base64.StdEncoding.EncodeToString(data)}); err != nil {
			return nil, err
		}
	}
	return files, nil
}
