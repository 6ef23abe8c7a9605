// Command bench times Visage's networks natively (in this process) and in
// headless Chromium (Go compiled to wasm, in the page's Web Worker), against
// the peers in the same browser session: face-api.js and a TensorFlow.js
// style-transfer step, each on tfjs's wasm backend (SIMD, threads) and its
// webgl backend (SwiftShader here). It prints the median milliseconds per
// run, the effective GFLOP/s where the work is known and its fraction of
// this machine's measured multiply-add peak there (ceiling.go), the threads
// each side used, the kernel build Visage ran, and the ratio Visage time /
// peer time.
//
//	VISAGE_SITE=build/site go run ./e2e/cmd/bench [--json] [--runs N] [--warmup N]
//	    [--only encode,detect,landmarks,pipeline,decision,encode-faceres,pipeline-faceres,nst] [--backends wasm,webgl] [--webgpu encode,pipeline,nst128] [--threads N] [--max-run 20s]
//
// In the page, Visage is the site's visage.js: encode (the chip), detectFaces
// and landmarks (the detector alone, and the landmark net alone on each
// photo's best box, both on pixels decoded once, as face-api.js is timed on
// decoded images), detect (the whole pipeline of a photo, from its JPEG
// bytes), stylize (one step); see e2e/peer/visage.mjs.
//
// The encoders Visage.load({encoder}) offers beside dlib (otherEncoders)
// each get two benches, encode-NAME (its chip) and pipeline-NAME (the whole
// photo), timed natively and in a page instance loaded with that encoder.
// No peer runs these networks: their lines compare them instead with dlib's
// (the encode and pipeline benches), timed on the same side, natively
// against natively and in the page against in the page, alternating in the
// same session (peer "visage-dlib/native" or "visage-dlib/wasm").
//
// ./build.sh bench runs it after building the site. The runs of all sides
// of a bench alternate (ours natively, ours in the page, each peer, then
// again), so that a change in the machine's load hits them alike. With
// --json it prints one JSON object per line:
//
//	{"bench":"encode","where":"native"|"wasm","ms":median,"runs":n,"warmup":w,
//	 "gflops":g,"peak_fraction":g/peak,"threads":t,"kernels":"avx2",
//	 "peer":"face-api.js/tfjs-wasm","peer_ms":median,"peer_runs":n,"peer_threads":t,"ratio":ms/peer_ms}
//
// (the peer fields when a peer was timed, one line per peer; gflops and
// peak_fraction where the bench's FLOPs are counted). First come the
// "fma-peak" lines: the ceiling's GFLOP/s natively and in the page, on one
// thread and on all, with the kernel build they ran. The benches
// named by --webgpu (encode, pipeline and nst128 by default) also get a
// "webgpu" line: visage.js on its WebGPU backend in a browser with an
// adapter (SwiftShader here), its peer the CPU backend in the same page,
// with the GPU's submissions and read-backs per pass in the notes
// (webgpu.go); a GPU run longer than --max-run is not repeated. A webgl peer
// run longer than --max-run (SwiftShader on the style-transfer step) is not
// repeated, so that the bench stays within minutes; the wasm peers, which
// the targets are set against, always run in full. Notes (the
// peers' thread counts, what is not available) go to stdout after the table,
// or to stderr with --json.
//
// The page is served by visage/e2e/peer: the built site at /, the peers
// under /peer/, one origin with COOP/COEP (cross-origin isolated) so that
// both sides may use threads. Each backend gets its own browser session (a
// tfjs page has one backend at a time), in which Visage and that peer
// alternate; the benches run once per session.
//
// The files are cut by what they measure: benches.go is the table of
// benches and their inputs, faces.go the face networks against face-api.js,
// nst.go the style-transfer step against TensorFlow.js, ceiling.go the
// multiply-add peak, webgpu.go the WebGPU backend against the CPU one;
// session.go runs a bench's sides in a browser session and report.go prints
// the lines. This file reads the flags and keeps the run order.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	asJSON := flag.Bool("json", false, "print one JSON object per line instead of a table")
	runs := flag.Int("runs", 0, "timed runs per bench and side (the median is reported); 0: each bench's default")
	warmup := flag.Int("warmup", -1, "untimed runs before the timed ones; -1: each bench's default")
	only := flag.String("only", "", "comma-separated benches to run (a name that is no bench's whole name is a prefix: nst = nst128,nst256, encode- = encode-mobilefacenet,encode-faceres); empty: all")
	backends := flag.String("backends", "wasm,webgl", "tfjs backends to time the peers on (comma-separated; empty: no peers)")
	webgpu := flag.String("webgpu", "encode,pipeline,nst128", "the selected benches also timed on visage.js's WebGPU backend, against its CPU backend (webgpu.go; on SwiftShader nst256 alone takes about an hour); empty: none")
	flag.IntVar(&pageThreads, "threads", 0, "Visage.load's threads in the page (the kernel threads its matrix products use); 0: its default, one per core up to 4")
	maxRun := flag.Duration("max-run", 20*time.Second, "a peer on a backend other than wasm whose run takes longer is not run again (its runs so far are reported)")
	flag.Parse()
	selected, err := selectBenches(*only)
	if *runs < 0 || *warmup < -1 || pageThreads < 0 || flag.NArg() > 0 || err != nil {
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		fmt.Fprintln(os.Stderr, "usage: bench [--json] [--runs N ≥ 0] [--warmup N ≥ -1] [--only LIST] [--backends wasm,webgl] [--webgpu LIST] [--threads N ≥ 0] [--max-run D]")
		os.Exit(2)
	}
	for i := range selected {
		if *runs > 0 {
			selected[i].runs = *runs
		}
		if *warmup >= 0 {
			selected[i].warmup = *warmup
		}
	}
	var notes []string
	note := func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	if !*asJSON {
		fmt.Printf("%-22s %-7s %10s %8s %6s %3s %-17s %5s  %-24s %10s %5s %3s %7s\n",
			"bench", "where", "median ms", "GFLOP/s", "%peak", "thr", "kernels", "runs", "peer", "peer ms", "runs", "thr", "ratio")
	}
	var peak ceiling
	peak.measureNative()
	err = runAll(selected, splitList(*backends), float64(*maxRun)/float64(time.Millisecond), &peak, note,
		func(r result) { report(r, *asJSON) })
	if err == nil {
		err = benchWebGPU(selected, splitList(*webgpu), float64(*maxRun)/float64(time.Millisecond), note,
			func(r result) { report(r, *asJSON) }) // webgpu.go
	}
	out := io.Writer(os.Stdout)
	if *asJSON {
		out = os.Stderr
	}
	for _, n := range notes {
		fmt.Fprintln(out, "note:", n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// selectBenches returns the benches named in only (all when empty): a
// bench's whole name selects that bench, any other prefix every bench
// whose name starts with it (nst: nst128 and nst256; encode-: the other
// encoders' chip benches, where encode alone is dlib's).
func selectBenches(only string) ([]bench, error) {
	if only == "" {
		return slices.Clone(benches), nil
	}
	var out []bench
	for _, name := range splitList(only) {
		whole := slices.ContainsFunc(benches, func(b bench) bool { return b.name == name })
		matched := false
		for _, b := range benches {
			if b.name != name && (whole || !strings.HasPrefix(b.name, name)) {
				continue
			}
			matched = true
			if !slices.ContainsFunc(out, func(o bench) bool { return o.name == b.name }) {
				out = append(out, b)
			}
		}
		if !matched {
			names := make([]string, len(benches))
			for i, b := range benches {
				names[i] = b.name
			}
			return nil, fmt.Errorf("--only: no bench named %q (have %s)", name, strings.Join(names, ", "))
		}
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
