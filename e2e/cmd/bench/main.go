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
//	    [--only encode,detect,landmarks,pipeline,decision,encode-faceres,pipeline-faceres,nst] [--backends wasm,webgl] [--webgpu encode,pipeline,nst128] [--max-run 20s]
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
//	{"bench":"encode","where":"native"|"wasm","ms":median,"runs":n,
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
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/art"
	"visage/core/face"
	"visage/core/imageio"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/e2e"
	"visage/e2e/peer"
	"visage/models/assets"
	"visage/models/facerec"
	"visage/models/faceres"
	"visage/models/landmarks"
	"visage/models/mobilefacenet"
	"visage/models/ssd"
	"visage/models/vgg19"
)

// bench is one thing to time natively, in the page and on the peers.
type bench struct {
	name         string
	runs, warmup int     // defaults; --runs and --warmup override
	items        int     // inputs per run; times are reported per input
	flops        float64 // floating-point operations per input, for GFLOP/s; 0 if unknown
	native       func() (run func() error, err error)
	ours         string                                    // visage.js method timed in the page on the bench's inputs
	encoder      string                                    // the page instance's Visage.load encoder; "" for the default, dlib
	against      string                                    // a bench timed beside this one, on each side, as its reference (the encoder benches' dlib); "" for none
	peerModule   string                                    // the peer page's module ("faceapi.mjs" or "nst.mjs")
	peers        []peerRun                                 // what the peer module times, each one line
	preparePeer  func(ctx context.Context) (string, error) // per tab, before timing, with a note for the output (or ""); nil if none
	oursInputs   []string                                  // files under the shared root ours runs on; nil: the chip
	size         int                                       // the style-transfer bench's image side, 0 for the others
	// gallery is how many people visage.mjs's fillGallery enrolls in the
	// page (random descriptors) before ours is timed, and clears after; 0: none.
	gallery int
}

// peerRun is one operation a peer module times, and its name in the output.
type peerRun struct {
	op   string // the operation its time function runs
	name string // e.g. "face-api.js", "tfjs-fast-grads"
}

// faceAPI is face-api.js timing op.
func faceAPI(op string) []peerRun { return []peerRun{{op, "face-api.js"}} }

// Bench inputs: a 150×150 chip of faces-dev, LFW photos (250×250) and the
// style-transfer pair.
const (
	chipRel    = "data/faces-dev/dlib_johns/John_Salley/000179_02159509.jpg"
	lfwRel     = "data/lfw/images_deepfunneled"
	nstContent = "data/nst/content/astronaut.png"
	nstStyle   = "data/nst/style/starry_night.jpg"
)

// photos are the LFW images of the detection and pipeline benches.
var photos = []string{
	"Abel_Pacheco/Abel_Pacheco_0004.jpg",
	"George_W_Bush/George_W_Bush_0001.jpg",
	"Serena_Williams/Serena_Williams_0001.jpg",
}

var benches = slices.Concat([]bench{
	{name: "encode", runs: 15, warmup: 3, items: 1, flops: facerec.FLOPs(), native: encodeNative,
		ours: "encode", peerModule: "faceapi.mjs", peers: faceAPI("descriptor")},
	{name: "detect", runs: 8, warmup: 2, items: len(photos), native: detectNative,
		ours: "detectFaces", peerModule: "faceapi.mjs", peers: faceAPI("detect"), oursInputs: photoFiles()},
	{name: "landmarks", runs: 15, warmup: 3, items: len(photos), flops: landmarks.FLOPs(), native: landmarksNative,
		ours: "landmarks", peerModule: "faceapi.mjs", peers: faceAPI("landmarks"), oursInputs: photoFiles()},
	{name: "pipeline", runs: 6, warmup: 2, items: len(photos), native: pipelineNative,
		ours: "detect", peerModule: "faceapi.mjs", peers: faceAPI("pipeline"), oursInputs: photoFiles()},
	// A decision (identify, as verify and enroll encode: four chips a
	// face) beside the pipeline's one chip; face-api.js has no such setting.
	{name: "decision", runs: 6, warmup: 2, items: len(photos), native: decisionNative,
		ours: "identify", oursInputs: photoFiles()},
	// identify's search alone (a descriptor in) among 100,000 people
	// enrolled from random descriptors; target < 20 ms in the page.
	{name: "identify-100k", runs: 15, warmup: 3, items: 1, native: identifyNative,
		ours: "identifyDescriptor", gallery: identifyPeople},
}, otherEncoderBenches(), []bench{nstBench(128, 5), nstBench(256, 3)})

// otherEncoders are the encoders Visage.load({encoder}) and the CLI's
// --encoder offer beside dlib, each loaded from the human-models folder.
var otherEncoders = []struct {
	name string
	load func(fsys fs.FS) (face.FaceEncoder, error)
}{
	{face.EncoderMobileFaceNet, func(fsys fs.FS) (face.FaceEncoder, error) {
		net, err := mobilefacenet.Load(fsys)
		return face.MobileFaceNet{Net: net}, err
	}},
	{face.EncoderFaceRes, func(fsys fs.FS) (face.FaceEncoder, error) {
		net, err := faceres.Load(fsys)
		return face.FaceRes{Net: net}, err
	}},
}

// otherEncoderBenches are encoderBenches of each of otherEncoders.
func otherEncoderBenches() []bench {
	var out []bench
	for _, e := range otherEncoders {
		out = append(out, encoderBenches(e.name, e.load)...)
	}
	return out
}

// encoderBenches are encoder name's benches: encode-NAME, the bench chip
// resized to the encoder's input (face.AlignedChip, as visage.js's encode
// does), and pipeline-NAME, the bench photos found, aligned to the
// encoder's chip and encoded (visage.js's detect), each against its dlib
// bench on the same side.
func encoderBenches(name string, load func(fs.FS) (face.FaceEncoder, error)) []bench {
	loaded := sync.OnceValues(func() (face.FaceEncoder, error) {
		dir, err := assets.HumanModelsDir()
		if err != nil {
			return nil, err
		}
		return load(os.DirFS(dir))
	})
	return []bench{
		{name: "encode-" + name, runs: 15, warmup: 3, items: 1, ours: "encode", encoder: name, against: "encode",
			native: func() (func() error, error) {
				enc, err := loaded()
				if err != nil {
					return nil, err
				}
				return encodeChipNative(name, enc)
			}},
		{name: "pipeline-" + name, runs: 6, warmup: 2, items: len(photos), ours: "detect", encoder: name, against: "pipeline",
			oursInputs: photoFiles(), native: func() (func() error, error) {
				enc, err := loaded()
				if err != nil {
					return nil, err
				}
				p, err := faceModels()
				if err != nil {
					return nil, err
				}
				withEnc := *p
				withEnc.Encoder = enc
				return wholePhotoNative(&withEnc)
			}},
	}
}

// benchNamed is the bench called name.
func benchNamed(name string) (bench, error) {
	for _, b := range benches {
		if b.name == name {
			return b, nil
		}
	}
	return bench{}, fmt.Errorf("no bench named %q", name)
}

// nstBench is one style-transfer step at size×size.
func nstBench(size, runs int) bench {
	return bench{
		name: fmt.Sprintf("nst%d", size), runs: runs, warmup: 1, items: 1, flops: vggStepFLOPs(size, size),
		native: func() (func() error, error) { return nstNative(size) },
		ours:   "stylize", oursInputs: []string{nstContent, nstStyle}, size: size,
		// The fair peer (hand-written gradients, checked against tfjs's
		// own by nst.mjs's setup) first; tfjs's autodiff step beside it.
		peerModule: "nst.mjs", peers: []peerRun{{"fast", "tfjs-fast-grads"}, {"step", "tfjs-autodiff"}},
		preparePeer: func(ctx context.Context) (string, error) { return nstPreparePeer(ctx, size) },
	}
}

// result is one line of output.
type result struct {
	Bench  string  `json:"bench"`
	Where  string  `json:"where"`          // "native", "wasm" or "webgpu"
	MS     float64 `json:"ms,omitempty"`   // median milliseconds per input; none on fma-peak lines
	Runs   int     `json:"runs,omitempty"` // none on fma-peak lines
	GFLOPS float64 `json:"gflops,omitempty"`
	// PeakFraction is GFLOPS over the ceiling where, at Threads.
	PeakFraction float64 `json:"peak_fraction,omitempty"`
	Threads      int     `json:"threads,omitempty"` // Visage's threads (goroutines natively, 1 in the page)
	Kernels      string  `json:"kernels,omitempty"` // Visage's kernel build: "avx2", "go", "simd-relaxed.wasm", …
	Peer         string  `json:"peer,omitempty"`    // e.g. "face-api.js/tfjs-wasm"
	PeerMS       float64 `json:"peer_ms,omitempty"` // its median, runs alternated with ours
	// PeerRuns is the peer's number of timed runs: Runs, or fewer when a
	// run took longer than --max-run.
	PeerRuns    int     `json:"peer_runs,omitempty"`
	PeerThreads int     `json:"peer_threads,omitempty"` // tfjs getThreadsCount on its wasm backend
	Ratio       float64 `json:"ratio,omitempty"`        // MS / PeerMS
}

func main() {
	asJSON := flag.Bool("json", false, "print one JSON object per line instead of a table")
	runs := flag.Int("runs", 0, "timed runs per bench and side (the median is reported); 0: each bench's default")
	warmup := flag.Int("warmup", -1, "untimed runs before the timed ones; -1: each bench's default")
	only := flag.String("only", "", "comma-separated benches to run (a name that is no bench's whole name is a prefix: nst = nst128,nst256, encode- = encode-mobilefacenet,encode-faceres); empty: all")
	backends := flag.String("backends", "wasm,webgl", "tfjs backends to time the peers on (comma-separated; empty: no peers)")
	webgpu := flag.String("webgpu", "encode,pipeline,nst128", "the selected benches also timed on visage.js's WebGPU backend, against its CPU backend (webgpu.go; on SwiftShader nst256 alone takes about an hour); empty: none")
	maxRun := flag.Duration("max-run", 20*time.Second, "a peer on a backend other than wasm whose run takes longer is not run again (its runs so far are reported)")
	flag.Parse()
	selected, err := selectBenches(*only)
	if *runs < 0 || *warmup < -1 || flag.NArg() > 0 || err != nil {
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		fmt.Fprintln(os.Stderr, "usage: bench [--json] [--runs N ≥ 0] [--warmup N ≥ -1] [--only LIST] [--backends wasm,webgl] [--webgpu LIST] [--max-run D]")
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
	if s.methods, err = peer.Call[[]string](s.ctx, "visage.mjs", "start", nil); err != nil {
		return err
	}
	info, err := peer.Call[struct{ Kernels string }](s.ctx, "visage.mjs", "info", nil)
	if err != nil {
		return err
	}
	s.kernels, s.peak = info.Kernels, peak
	if peak.page == 0 {
		if err := peak.measurePage(s.ctx, s.cores); err != nil {
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

// session is the browser with the peer page open and, unless backend is
// "", face-api.js's TensorFlow.js on backend set up in it; its callers start
// the visage.js instances they time.
type session struct {
	ctx         context.Context
	backend     string   // "" when the peer could not start or none was asked for
	methods     []string // visage.js's methods (runSession's instance)
	encoders    []string // the encoders of the other instances started (startEncoder)
	kernels     string   // runSession's instance's backend().kernels
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
	// Threads on: as many as the browser reports cores (tfjs's own default
	// would be half of them).
	info, err := peer.Call[map[string]any](ctx, "faceapi.mjs", "setup", map[string]any{"backend": backend, "threads": s.cores})
	if err != nil {
		note("tfjs %s backend unavailable, its peer lines are skipped: %v", backend, err)
		return s, nil
	}
	note("peer %s: %s", backend, describeInfo(info))
	s.backend = backend
	if threads, ok := info["threads"].(float64); ok {
		s.peerThreads = int(threads)
	}
	return s, nil
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
		base := result{Bench: b.name, Where: ours.where, MS: roundMS(median(ours.ms)), Runs: b.runs,
			Threads: 1, Kernels: s.kernels}
		if ours.where == "native" {
			base.Threads, base.Kernels = runtime.GOMAXPROCS(0), ops.KernelBuild()
		}
		base.GFLOPS = rate(b.flops, base.MS)
		if peak := s.peak.of(ours.where); peak > 0 && base.GFLOPS > 0 {
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
	if _, err := peer.Call[[]string](s.ctx, "visage.mjs", "start", map[string]any{"encoder": encoder}); err != nil {
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

// photoFiles are the bench photos' paths under the shared root.
func photoFiles() []string {
	files := make([]string, len(photos))
	for i, p := range photos {
		files[i] = filepath.Join(lfwRel, p)
	}
	return files
}

// benchInputURLs are the peer page's URLs of the chip and the photos.
func benchInputURLs() map[string]any {
	urls := make([]string, len(photos))
	for i, p := range photos {
		urls[i] = "/lfw/" + p
	}
	return map[string]any{"chip": "/faces-dev/" + strings.TrimPrefix(chipRel, "data/faces-dev/"), "photos": urls}
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

// readShared reads a file under the shared data root.
func readShared(rel string) ([]byte, error) {
	shared, err := assets.SharedDir()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(shared, rel))
}

// faceModels loads the face-api.js model folder's networks once.
var faceModels = sync.OnceValues(func() (*face.Pipeline, error) {
	dir, err := assets.FaceModelsDir()
	if err != nil {
		return nil, err
	}
	fsys := os.DirFS(dir)
	net, err := facerec.Load(fsys)
	if err != nil {
		return nil, err
	}
	// face-api.js's own crop, so that both pipelines do the same work.
	return face.LoadPipeline(fsys, net, face.AlignFaceAPI)
})

// encodeNative decodes the chip and encodes it with facerec, as the browser's
// encode(bytes) does.
func encodeNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	return encodeChipNative(face.EncoderDlib, p.Encoder)
}

// encodeChipNative decodes the chip and encodes it with enc, the encoder
// called name, as the browser's encode(bytes) and `visage encode --aligned
// --encoder name` do: the chip as the encoder's input (face.AlignedChip:
// itself for dlib, resized to 112² or 224² for the others), one forward.
func encodeChipNative(name string, enc face.Encoder) (func() error, error) {
	chip, err := readShared(chipRel)
	if err != nil {
		return nil, err
	}
	return func() error {
		img, err := imageio.Decode(bytes.NewReader(chip))
		if err != nil {
			return err
		}
		_, err = enc.Encode(face.AlignedChip(name, img))
		return err
	}, nil
}

// decodedPhotos returns the bench photos' pixels and bytes.
func decodedPhotos() ([]*tensor.Tensor, [][]byte, error) {
	var imgs []*tensor.Tensor
	var raw [][]byte
	for _, p := range photos {
		data, err := readShared(filepath.Join(lfwRel, p))
		if err != nil {
			return nil, nil, err
		}
		img, err := imageio.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		imgs, raw = append(imgs, img), append(raw, data)
	}
	return imgs, raw, nil
}

// detectNative runs the SSD detector (face-api.js's default options) on each
// decoded photo, as faceapi.mjs's detect does.
func detectNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	imgs, _, err := decodedPhotos()
	if err != nil {
		return nil, err
	}
	return func() error {
		for _, img := range imgs {
			if _, err := p.Detector.(*ssd.Net).Detect(img, p.Options); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// landmarksNative runs the 68-point net on each photo's best face, crop
// included, as faceapi.mjs's landmarks does.
func landmarksNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	imgs, _, err := decodedPhotos()
	if err != nil {
		return nil, err
	}
	var boxes []face.Box
	for i, img := range imgs {
		dets, err := p.Detector.(*ssd.Net).Detect(img, p.Options)
		if err != nil {
			return nil, err
		}
		if len(dets) == 0 {
			return nil, fmt.Errorf("%s: no face found", photos[i])
		}
		boxes = append(boxes, dets[0].Box)
	}
	return func() error {
		for i, img := range imgs {
			if _, err := p.Landmarks68(img, boxes[i]); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// pipelineNative decodes each photo and detects, landmarks, aligns and
// encodes all its faces, as faceapi.mjs's pipeline does (from decoded
// pixels: the browser's decoding is outside its timing, ours inside).
func pipelineNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	return wholePhotoNative(p)
}

// identifyPeople is the gallery size of the identify-100k bench.
const identifyPeople = 100_000

// identifyNative times face.Gallery's search among identifyPeople people,
// each a random descriptor (as visage.mjs's fillGallery makes them: uniform
// in ±0.1), for a probe next to the middle one, who must be found.
func identifyNative() (func() error, error) {
	g := face.NewGallery()
	rng := rand.New(rand.NewPCG(1, 2))
	var probe []float32
	for i := range identifyPeople {
		d := make([]float32, face.DescriptorLen)
		for j := range d {
			d[j] = float32(rng.Float64()-0.5) * 0.2
		}
		if err := g.Enroll(fmt.Sprintf("p%d", i), d); err != nil {
			return nil, err
		}
		if i == identifyPeople/2 {
			probe = slices.Clone(d)
			probe[0] += 0.001
		}
	}
	want := fmt.Sprintf("p%d", identifyPeople/2)
	return func() error {
		if name, dist, _ := g.Identify(probe); name != want {
			return fmt.Errorf("identify among %d people found %q at %v, want %s", identifyPeople, name, dist, want)
		}
		return nil
	}, nil
}

// decisionNative is pipelineNative in the decision setting: four chips a
// face (face.Pipeline.ForDecisions), as enroll, verify and identify encode.
func decisionNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	return wholePhotoNative(p.ForDecisions())
}

// wholePhotoNative times p's Faces over the bench photos, decoding included.
func wholePhotoNative(p *face.Pipeline) (func() error, error) {
	_, raw, err := decodedPhotos()
	if err != nil {
		return nil, err
	}
	return func() error {
		for _, data := range raw {
			img, err := imageio.Decode(bytes.NewReader(data))
			if err != nil {
				return err
			}
			if _, err := p.Faces(img); err != nil && !errors.Is(err, face.ErrNoFace) {
				return err
			}
		}
		return nil
	}, nil
}

// vgg loads the VGG-19 weights once.
var vgg = sync.OnceValues(func() (*vgg19.Net, error) {
	dir, err := assets.VGG19Dir()
	if err != nil {
		return nil, err
	}
	return vgg19.Load(os.DirFS(dir))
})

// nstImages returns the style-transfer bench's content, style and initial
// generated image at size×size (art.FitPair, art.InitImage with the course's
// noise ratio).
func nstImages(size int) (content, style, generated *tensor.Tensor, err error) {
	var imgs [2]*tensor.Tensor
	for i, rel := range []string{nstContent, nstStyle} {
		data, err := readShared(rel)
		if err != nil {
			return nil, nil, nil, err
		}
		if imgs[i], err = imageio.Decode(bytes.NewReader(data)); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", rel, err)
		}
	}
	content, style, err = art.FitPair(imgs[0], imgs[1], size)
	if err != nil {
		return nil, nil, nil, err
	}
	opt := art.DefaultOptions()
	return content, style, art.InitImage(content, opt.NoiseRatio, opt.Seed), nil
}

// nstNative returns one Adam step of art.Stylizer (the course's costs).
func nstNative(size int) (func() error, error) {
	net, err := vgg()
	if err != nil {
		return nil, err
	}
	content, style, _, err := nstImages(size)
	if err != nil {
		return nil, err
	}
	s, err := art.NewStylizer(net, content, style, art.DefaultOptions())
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := s.Step()
		return err
	}, nil
}

// nstPreparePeer sets up nst.mjs's steps in the tab with the same pixels,
// and says how far the fast step's cost and gradient are from tfjs's own
// (nst.mjs refuses more than 1e-5).
func nstPreparePeer(ctx context.Context, size int) (string, error) {
	content, style, generated, err := nstImages(size)
	if err != nil {
		return "", err
	}
	check, err := peer.Call[struct {
		Backend            string
		CostDiff, GradDiff float64
	}](ctx, "nst.mjs", "setup", map[string]any{
		"shape": content.Shape, "content": float32Base64(content), "style": float32Base64(style),
		"generated": float32Base64(generated), "lr": art.DefaultOptions().LR})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("nst%d peer on tfjs-%s: the hand-written gradients' step is %.1e (cost) and %.1e (gradient) from tfjs's own, relative",
		size, check.Backend, check.CostDiff, check.GradDiff), nil
}

// float32Base64 encodes t's values as base64 little-endian float32.
func float32Base64(t *tensor.Tensor) string {
	buf := make([]byte, 4*len(t.Data))
	for i, v := range t.Data {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// vggStepFLOPs counts the convolution FLOPs of one style-transfer step on an
// h×w image: VGG-19's 3×3 'same' convolutions up to conv5_1 forward, and
// their input gradients backward (the same count again; no weight
// gradients). Grams, costs, pooling and Adam are left out (a few %).
func vggStepFLOPs(h, w int) float64 {
	layers := []struct {
		out  int
		pool bool // a 2×2/2 pool comes before this conv
	}{{64, false}, {64, false}, {128, true}, {128, false}, {256, true}, {256, false}, {256, false}, {256, false},
		{512, true}, {512, false}, {512, false}, {512, false}, {512, true}}
	in, flops := 3, 0.0
	for _, l := range layers {
		if l.pool {
			h, w = (h+1)/2, (w+1)/2
		}
		flops += float64(2 * 9 * in * l.out * h * w)
		in = l.out
	}
	return 2 * flops
}
