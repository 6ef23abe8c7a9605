// Command bench times Visage's networks natively (in this process) and in
// headless Chromium (Go compiled to wasm, in the page's Web Worker), and
// prints the median milliseconds per run and the effective GFLOP/s.
//
//	VISAGE_SITE=build/site go run ./e2e/cmd/bench [--json] [--runs N] [--warmup N]
//
// ./build.sh bench runs it after building the site. With --json it prints one
// JSON object per line: {"bench":"encode","where":"native"|"wasm","ms":median,"runs":n}.
// Each bench is one entry of the benches table.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"visage/core/imageio"
	"visage/e2e"
	"visage/models/assets"
	"visage/models/facerec"
)

// bench is one thing to time, natively and in the browser.
type bench struct {
	name  string
	flops float64 // floating-point operations per run, for GFLOP/s; 0 if unknown
	// native returns a function doing one run in this process.
	native func() (run func() error, err error)
	// wasm times warmup+runs runs in the page open in ctx and returns the
	// milliseconds of the last runs.
	wasm func(ctx context.Context, warmup, runs int) ([]float64, error)
}

var benches = []bench{
	{name: "encode", flops: encoderFLOPs(), native: encodeNative, wasm: encodeWasm},
}

// result is one line of output.
type result struct {
	Bench string  `json:"bench"`
	Where string  `json:"where"` // "native" or "wasm"
	MS    float64 `json:"ms"`    // median milliseconds per run
	Runs  int     `json:"runs"`
	flops float64
}

func main() {
	asJSON := flag.Bool("json", false, "print one JSON object per line instead of a table")
	runs := flag.Int("runs", 20, "timed runs per bench and place (the median is reported)")
	warmup := flag.Int("warmup", 3, "untimed runs before the timed ones")
	flag.Parse()
	if *runs < 1 || *warmup < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: bench [--json] [--runs N ≥ 1] [--warmup N ≥ 0]")
		os.Exit(2)
	}
	results, err := runAll(*warmup, *runs)
	if !*asJSON {
		fmt.Printf("%-10s %-7s %12s %8s %5s\n", "bench", "where", "median ms", "GFLOP/s", "runs")
	}
	for _, r := range results {
		report(r, *asJSON)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// runAll times every bench natively, then in one browser, and returns the
// results so far with the first error.
func runAll(warmup, runs int) ([]result, error) {
	var results []result
	for _, b := range benches {
		ms, err := timeNative(b, warmup, runs)
		if err != nil {
			return results, fmt.Errorf("%s native: %w", b.name, err)
		}
		results = append(results, result{b.name, "native", roundMS(median(ms)), runs, b.flops})
	}

	ctx, stop, err := openSite()
	if err != nil {
		return results, err
	}
	defer stop()
	for _, b := range benches {
		ms, err := b.wasm(ctx, warmup, runs)
		if err != nil {
			return results, fmt.Errorf("%s wasm: %w", b.name, err)
		}
		results = append(results, result{b.name, "wasm", roundMS(median(ms)), runs, b.flops})
	}
	return results, nil
}

// timeNative returns the milliseconds of runs runs of b after warmup ones.
func timeNative(b bench, warmup, runs int) ([]float64, error) {
	run, err := b.native()
	if err != nil {
		return nil, err
	}
	ms := make([]float64, 0, runs)
	for i := range warmup + runs {
		start := time.Now()
		if err := run(); err != nil {
			return nil, err
		}
		if i >= warmup {
			ms = append(ms, float64(time.Since(start))/float64(time.Millisecond))
		}
	}
	return ms, nil
}

// openSite serves the built site and opens it in headless Chromium; stop
// closes both.
func openSite() (ctx context.Context, stop func(), err error) {
	site, err := e2e.SiteDir()
	if err != nil {
		return nil, nil, err
	}
	chromium, err := e2e.ChromiumPath()
	if err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp("", "visage-bench-")
	if err != nil {
		return nil, nil, err
	}
	srv, err := e2e.Serve(site, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	ctx, closeBrowser := e2e.Browser(chromium, filepath.Join(tmp, "profile"))
	stop = func() {
		closeBrowser()
		srv.Close()
		os.RemoveAll(tmp)
	}
	if err := e2e.OpenPage(ctx, srv.URL, 2*time.Minute); err != nil {
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// report prints one result as a table row or a JSON line.
func report(r result, asJSON bool) {
	if asJSON {
		line, _ := json.Marshal(r) // a struct of strings and numbers always marshals
		fmt.Println(string(line))
		return
	}
	gflops := "–"
	if r.flops > 0 {
		gflops = fmt.Sprintf("%.2f", r.flops/(r.MS*1e6))
	}
	fmt.Printf("%-10s %-7s %12.2f %8s %5d\n", r.Bench, r.Where, r.MS, gflops, r.Runs)
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

// benchChip returns the bytes of the face chip the encode bench uses.
func benchChip() ([]byte, error) {
	shared, err := assets.SharedDir()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(shared, "data", "faces-dev", "dlib_johns", "John_Salley", "000179_02159509.jpg"))
}

// encodeNative decodes the chip and encodes it with facerec, as the browser's
// encode(bytes) does.
func encodeNative() (func() error, error) {
	chip, err := benchChip()
	if err != nil {
		return nil, err
	}
	dir, err := assets.FaceModelsDir()
	if err != nil {
		return nil, err
	}
	net, err := facerec.Load(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	return func() error {
		img, err := imageio.Decode(bytes.NewReader(chip))
		if err != nil {
			return err
		}
		_, err = net.Encode(img)
		return err
	}, nil
}

// encodeWasm times visage.js's encode of the chip's bytes, worker round trip
// included.
func encodeWasm(ctx context.Context, warmup, runs int) ([]float64, error) {
	chip, err := benchChip()
	if err != nil {
		return nil, err
	}
	enc, err := e2e.EncodeInPage(ctx, [][]byte{chip}, warmup, runs)
	if err != nil {
		return nil, err
	}
	return enc[0].MS, nil
}

// encoderFLOPs counts the floating-point operations of one facerec forward
// pass: 2 per multiply-add of its convolutions and its fully connected layer
// (bias, scale, ReLU and pooling are left out, < 1%). The walk follows
// face-api.js's FaceRecognitionNet: a 7×7/2 valid conv and a 3×3/2 max pool,
// then stages of residual blocks (two 3×3 same convs), each stage after the
// first opened by a down block (a 3×3/2 valid conv, then a 3×3 same conv).
func encoderFLOPs() float64 {
	side, ch := facerec.Size, 3
	flops := 0.0
	conv := func(k, out int) {
		flops += float64(2 * k * k * ch * out * side * side)
		ch = out
	}
	side = (side-7)/2 + 1
	conv(7, 32)
	side = (side-3)/2 + 1 // max pool
	stages := []struct{ channels, residuals int }{{32, 3}, {64, 3}, {128, 2}, {256, 2}, {256, 0}}
	for i, s := range stages {
		if i > 0 {
			side = (side-3)/2 + 1
			conv(3, s.channels)
			conv(3, s.channels)
		}
		for range 2 * s.residuals {
			conv(3, ch)
		}
	}
	return flops + 2*float64(ch*facerec.Dim)
}
