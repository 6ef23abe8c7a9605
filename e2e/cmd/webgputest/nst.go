//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"visage/core/art"
	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/tensor"
	"visage/models/vgg19"
)

// checkNST compares the style-transfer gradient on the GPU with
// art.Objective.Evaluate's, on a small random VGG-19 (vgg19.FromWeights
// takes any channel counts) and odd-sized images: the course's costs with
// both poolings, and the content and total-variation costs alone (which
// the style cost would otherwise drown).
func checkNST(d *webgpu.Device, rng *rand.Rand) []Result {
	w := tinyVGG(rng)
	const h, wd = 19, 23
	content, style := pixels(rng, h, wd), pixels(rng, h, wd)
	g := art.InitImage(content, 0.6, 1)
	contentOnly := art.DefaultCostOptions()
	contentOnly.StyleLayers = nil
	tvOnly := contentOnly
	tvOnly.Alpha, tvOnly.TV = 0, 0.5
	var results []Result
	for _, c := range []struct {
		name string
		opts art.CostOptions
		pool vgg19.Pooling
	}{
		{"J", art.DefaultCostOptions(), vgg19.AvgPool},
		{"J", art.DefaultCostOptions(), vgg19.MaxPool},
		{"J_content", contentOnly, vgg19.AvgPool},
		{"J_TV", tvOnly, vgg19.AvgPool},
	} {
		pool, opts := c.pool, c.opts
		r := Result{Op: "nst", Case: fmt.Sprintf("gradient of %s, %dx%d, %v pooling, random tiny VGG-19", c.name, h, wd, pool)}
		cpuNet, err := vgg19.FromWeights(w)
		if err != nil {
			r.Error = err.Error()
			results = append(results, r)
			continue
		}
		cpuNet.Pool = pool
		start := time.Now()
		cpuCosts, cpu, cpuErr := cpuGradient(cpuNet, content, style, g, opts)
		r.CPUMillis = float64(time.Since(start).Microseconds()) / 1000
		gpuCosts, gpu, gpuErr := gpuGradient(d, cpuNet, content, style, g, opts, &r)
		errText := r.Error // the pass counts, which compare would overwrite
		compare(&r, gpu, cpu, errors.Join(cpuErr, gpuErr))
		if r.Error == "" {
			r.Error = errText
		}
		results = append(results, r, compareCosts(strings.Replace(r.Case, "gradient", "costs", 1), gpuCosts, cpuCosts, errors.Join(cpuErr, gpuErr)))
	}
	return append(results, checkRun(d, w, content, style)...)
}

// checkRun runs art.Stylizer for 3 steps on the CPU, and an art.Run on
// the GPU for Step(2) then Step(1), whose first call must cost one
// submission and one read-back: the costs of every step must agree, and
// the pixels' changes after 3 steps. (A Run's move to the CPU when its
// device is lost is tested natively, core/art's TestRunSurvivesGPUFailure,
// and in the page, e2e's TestArtWebGPU.)
func checkRun(d *webgpu.Device, w map[string]*tensor.Tensor, content, style *tensor.Tensor) []Result {
	opts := art.DefaultOptions()
	start := art.InitImage(content, opts.NoiseRatio, opts.Seed)
	costs := Result{Op: "nst", Case: "Run.Step(2), Step(1): costs of each step"}
	image := Result{Op: "nst", Case: "Run.Step: pixel changes after 3 steps"}
	fail := func(err error) []Result {
		costs.Error, image.Error = err.Error(), err.Error()
		return []Result{costs, image}
	}
	cpuNet, err := vgg19.FromWeights(w)
	if err != nil {
		return fail(err)
	}
	st, err := art.NewStylizer(cpuNet, content, style, opts)
	if err != nil {
		return fail(err)
	}
	var cpuCosts []art.Costs
	for range 3 {
		c, err := st.Step()
		if err != nil {
			return fail(err)
		}
		cpuCosts = append(cpuCosts, c)
	}
	gpuNet := vgg19.On(cpuNet, backend.Differentiable[*webgpu.Buffer](d))
	defer gpuNet.Release()
	run, err := art.NewRun(backend.OnGPU(d.Adapter(), true, nil), cpuNet, gpuNet, content, style, opts)
	if err != nil {
		return fail(err)
	}
	defer run.Release()
	if err := d.Flush(); err != nil {
		return fail(err)
	}
	pass := count(d)
	first, err := run.Step(2)
	pass.check(&costs, 1, 1)
	if err != nil {
		return fail(err)
	}
	third, err := run.Step(1)
	if err != nil {
		return fail(err)
	}
	if !run.GPU() {
		return fail(errors.New("the run left the GPU"))
	}
	for i, c := range append(first, third...) {
		r := compareCosts("", c, cpuCosts[i], nil)
		costs.RelErr, costs.MaxAbsDiff = max(costs.RelErr, r.RelErr), max(costs.MaxAbsDiff, r.MaxAbsDiff)
	}
	changes := func(t *tensor.Tensor) *tensor.Tensor {
		out := t.Clone()
		for i, s := range start.Data {
			out.Data[i] -= s
		}
		return out
	}
	compare(&image, changes(run.Image()), changes(st.Image()), nil)
	return []Result{costs, image}
}

func cpuGradient(net *vgg19.Net, content, style, g *tensor.Tensor, opts art.CostOptions) (art.Costs, *tensor.Tensor, error) {
	obj, err := art.NewObjective(net, content, style, opts)
	if err != nil {
		return art.Costs{}, nil, err
	}
	return obj.Evaluate(g)
}

// compareCosts compares the content, style, TV and total costs one by one:
// its RelErr is the largest |gpu/cpu − 1| (a zero CPU cost must be zero on
// the GPU too).
func compareCosts(name string, gpu, cpu art.Costs, err error) Result {
	r := Result{Op: "nst", Case: name}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	for _, c := range [][2]float64{{gpu.Content, cpu.Content}, {gpu.Style, cpu.Style}, {gpu.TV, cpu.TV}, {gpu.Total, cpu.Total}} {
		e := math.Abs(c[0] - c[1])
		if c[1] != 0 {
			e /= math.Abs(c[1])
		}
		r.RelErr = math.Max(r.RelErr, e)
		r.MaxAbsDiff = math.Max(r.MaxAbsDiff, math.Abs(c[0]-c[1]))
	}
	return r
}

// gpuGradient computes the costs and the gradient on d, recording in r the
// submissions, read-backs and time of the gradient pass alone.
func gpuGradient(d *webgpu.Device, net *vgg19.Net, content, style, g *tensor.Tensor,
	opts art.CostOptions, r *Result) (art.Costs, *tensor.Tensor, error) {
	gpuNet := vgg19.On(net, backend.Differentiable[*webgpu.Buffer](d))
	defer gpuNet.Release()
	obj, err := art.ObjectiveOn(gpuNet, content, style, opts)
	if err != nil {
		return art.Costs{}, nil, err
	}
	defer obj.Release()
	gg := d.Upload(g)
	defer gg.Release()
	if err := d.Flush(); err != nil { // the objective's set-up, outside the measured pass
		return art.Costs{}, nil, err
	}
	pass := count(d)
	start := time.Now()
	costs, out, err := obj.Evaluate(gg)
	r.GPUMillis = float64(time.Since(start).Microseconds()) / 1000
	pass.check(r, 1, 1)
	return costs, out, err
}

// tinyVGG returns random weights for VGG-19's layers with a few channels
// each (not multiples of 4) and one 5×5 kernel, scaled to keep activations
// near the input's magnitude.
func tinyVGG(rng *rand.Rand) map[string]*tensor.Tensor {
	w := map[string]*tensor.Tensor{}
	cin := 3
	for i, name := range vgg19.Layers() {
		cout := 4 + i%4
		k := 3
		if name == "conv3_2" {
			k = 5
		}
		kernel := random(rng, k, k, cin, cout)
		scale := float32(math.Sqrt(3 / float64(k*k*cin)))
		for j := range kernel.Data {
			kernel.Data[j] *= scale
		}
		w[name+"/kernel"], w[name+"/bias"] = kernel, random(rng, cout)
		cin = cout
	}
	return w
}

// pixels returns a random RGB image, values 0..255.
func pixels(rng *rand.Rand, h, w int) *tensor.Tensor {
	t := tensor.New(h, w, 3)
	for i := range t.Data {
		t.Data[i] = 255 * rng.Float32()
	}
	return t
}
