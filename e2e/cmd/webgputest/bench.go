//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"io/fs"

	"visage/core/art"
	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/tensor"
	"visage/models/facerec"
	"visage/models/vgg19"
)

// benchRuns is how many timed passes each bench line takes the median of,
// after one untimed pass (which compiles the pipelines).
const benchRuns = 5

// benchGPU times, on the GPU alone, a face descriptor pass and an Art view
// style-transfer step (art.Run.Step(1), the real VGG-19) at 128 and 256
// pixels (or sizes, "S,S,…"), at F32 and, where the adapter has shader-f16, F16: the median
// wall time (GPUMillis) and the submissions and read-backs of one pass.
// With both precisions it also reports how far F16's results are from
// F32's on the same inputs: the descriptor (MaxAbsDiff) and the gradient
// of J at the initial image (RelErr, max|Δ|/max|f32|). The weights come from the page's files (the
// face network's and VGG-19's manifests and shards).
func benchGPU(d *webgpu.Device, rng *rand.Rand, sizes string) []Result {
	sides := []int{128, 256}
	if sizes != "" {
		sides = nil
		for _, f := range strings.Split(sizes, ",") {
			n, err := strconv.Atoi(f)
			if err != nil || n < 8 {
				return []Result{{Op: "bench", Error: fmt.Sprintf("image size %q, want a whole number ≥ 8", f)}}
			}
			sides = append(sides, n)
		}
	}
	fsys, err := pageFiles()
	if err != nil {
		return []Result{{Op: "bench", Error: err.Error()}}
	}
	vgg, err := vgg19.Load(fsys)
	if err != nil {
		return []Result{{Op: "bench", Error: err.Error()}}
	}
	chip := pixels(rng, facerec.Size, facerec.Size)
	pairs := map[int][2]*tensor.Tensor{}
	for _, size := range sides {
		pairs[size] = [2]*tensor.Tensor{pixels(rng, size, size), pixels(rng, size, size)}
	}
	var results []Result
	type key struct {
		op string
		p  webgpu.Precision
	}
	outputs := map[key]*tensor.Tensor{} // for F16 against F32
	for _, p := range []webgpu.Precision{webgpu.F32, webgpu.F16} {
		if err := d.SetPrecision(p); err != nil {
			results = append(results, Result{Op: "bench", Case: string(p), Error: err.Error()})
			continue
		}
		add := func(r Result, out *tensor.Tensor) {
			r.Case += ", " + string(p)
			results, outputs[key{r.Op, p}] = append(results, r), out
		}
		add(benchFaceRec(d, fsys, chip))
		for _, size := range sides {
			add(benchStep(d, vgg, pairs[size][0], pairs[size][1]))
		}
	}
	ops := []string{"bench facerec"}
	for _, size := range sides {
		ops = append(ops, fmt.Sprintf("bench nst%d", size))
	}
	for _, op := range ops {
		f32, f16 := outputs[key{op, webgpu.F32}], outputs[key{op, webgpu.F16}]
		if f32 != nil && f16 != nil {
			c := Result{Op: "f16 vs f32", Case: op}
			compare(&c, f16, f32, nil)
			results = append(results, c)
		}
	}
	return results
}

// benchFaceRec times the face network's Encode on d on chip and returns the
// descriptor.
func benchFaceRec(d *webgpu.Device, fsys fs.FS, chip *tensor.Tensor) (Result, *tensor.Tensor) {
	r := Result{Op: "bench facerec", Case: "descriptor 150x150"}
	cpu, err := facerec.Load(fsys)
	if err != nil {
		r.Error = err.Error()
		return r, nil
	}
	net := facerec.On(cpu, backend.Backend[*webgpu.Buffer](d))
	defer net.Release()
	var desc []float32
	r.GPUMillis, err = timePasses(d, &r, func() (err error) {
		desc, err = net.Encode(chip)
		return err
	})
	if err != nil {
		r.Error = err.Error()
		return r, nil
	}
	return r, vector(desc)
}

// benchStep times one Art view step (art.Run.Step(1) on the GPU: the
// gradient, Adam, and the read-back of the costs and the state) and
// returns the gradient of J at the initial image, for F16 against F32.
func benchStep(d *webgpu.Device, vgg *vgg19.Net, content, style *tensor.Tensor) (Result, *tensor.Tensor) {
	size := content.Shape[0]
	r := Result{Op: fmt.Sprintf("bench nst%d", size), Case: "Run.Step(1)"}
	fail := func(err error) (Result, *tensor.Tensor) {
		r.Error = err.Error()
		return r, nil
	}
	net := vgg19.On(vgg, backend.Differentiable[*webgpu.Buffer](d))
	defer net.Release()
	opts := art.DefaultOptions()
	obj, err := art.ObjectiveOn(net, content, style, opts.Cost)
	if err != nil {
		return fail(err)
	}
	start := d.Upload(art.InitImage(content, opts.NoiseRatio, opts.Seed))
	_, gradient, err := obj.Evaluate(start)
	start.Release()
	obj.Release()
	if err != nil {
		return fail(err)
	}
	run, err := art.NewRun(backend.OnGPU(d.Adapter(), true, nil), vgg, net, content, style, opts)
	if err != nil {
		return fail(err)
	}
	defer run.Release()
	if err := d.Flush(); err != nil {
		return fail(err)
	}
	r.GPUMillis, err = timePasses(d, &r, func() error {
		_, err := run.Step(1)
		return err
	})
	if err != nil {
		return fail(err)
	}
	return r, gradient
}

// timePasses runs pass once untimed, then benchRuns times, and returns the
// median milliseconds; r gets the submissions and read-backs of the last.
func timePasses(d *webgpu.Device, r *Result, pass func() error) (float64, error) {
	if err := pass(); err != nil {
		return 0, err
	}
	var ms []float64
	var errs []error
	for range benchRuns {
		c := count(d)
		start := time.Now()
		errs = append(errs, pass())
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
		s, rb := d.Stats()
		r.Submissions, r.ReadBacks = s-c.submissions, rb-c.reads
	}
	slices.Sort(ms)
	return ms[len(ms)/2], errors.Join(errs...)
}
