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
	"visage/core/backend/webgpu"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/wasm/webgpu/nstgpu"
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
		gpuCosts, gpu, gpuErr := gpuGradient(d, w, pool, content, style, g, opts, &r)
		errText := r.Error // the pass counts, which compare would overwrite
		compare(&r, gpu, cpu, errors.Join(cpuErr, gpuErr))
		if r.Error == "" {
			r.Error = errText
		}
		results = append(results, r, compareCosts(strings.Replace(r.Case, "gradient", "costs", 1), gpuCosts, cpuCosts, errors.Join(cpuErr, gpuErr)))
	}
	results = append(results, checkStylizer(d, w, content, style))
	return append(results, checkStylizerSteps(d, w, content, style)...)
}

// checkStylizer runs three steps of the GPU Stylizer and of art.Stylizer
// and compares how far each moved the pixels from the common start; a step
// must cost one submission and no read-back.
func checkStylizer(d *webgpu.Device, w map[string]*tensor.Tensor, content, style *tensor.Tensor) Result {
	const steps = 3
	opts := art.DefaultOptions()
	r := Result{Op: "nst", Case: fmt.Sprintf("Stylizer, %d Adam steps, pixel changes", steps)}
	start := art.InitImage(content, opts.NoiseRatio, opts.Seed)
	cpuNet, err := vgg19.FromWeights(w)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	cpuSt, err := art.NewStylizer(cpuNet, content, style, opts)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	gpuNet, err := nstgpu.FromNet(d, cpuNet) // the weights as vgg19.Net.Weights gives them back
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer gpuNet.Release()
	gpuSt, err := nstgpu.NewStylizer(gpuNet, content, style, opts)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer gpuSt.Release()
	var errs []error
	for i := range steps {
		_, err := cpuSt.Step()
		step := count(d)
		errs = append(errs, err, gpuSt.Step())
		if i == steps-1 {
			step.check(&r, 1, 0)
		}
	}
	gpu, err := gpuSt.Image()
	errs = append(errs, err)
	cpu := cpuSt.Image().Clone()
	if err := errors.Join(errs...); err != nil {
		r.Error = err.Error()
		return r
	}
	for i, s := range start.Data {
		gpu.Data[i] -= s
		cpu.Data[i] -= s
	}
	errText := r.Error
	compare(&r, gpu, cpu, nil)
	r.Error = errText
	return r
}

// checkStylizerSteps runs art.Stylizer for 3 steps, and the GPU
// Stylizer's Steps(2) then Steps(1), whose first call must cost one
// submission and one read-back: the costs of every step must agree, and
// the pixels' changes after 3 steps; and art.Stylizer.Resume from the state
// that Steps(2) read back must take the third step as the uninterrupted CPU
// run does (the CPU fallback of a lost device).
func checkStylizerSteps(d *webgpu.Device, w map[string]*tensor.Tensor, content, style *tensor.Tensor) []Result {
	opts := art.DefaultOptions()
	start := art.InitImage(content, opts.NoiseRatio, opts.Seed)
	costs := Result{Op: "nst", Case: "Stylizer.Steps(2), Steps(1): costs of each step"}
	image := Result{Op: "nst", Case: "Stylizer.Steps: pixel changes after 3 steps"}
	resumed := Result{Op: "nst", Case: "art.Stylizer.Resume from Steps(2)'s state, 1 CPU step: pixel changes"}
	fail := func(err error) []Result {
		costs.Error, image.Error, resumed.Error = err.Error(), err.Error(), err.Error()
		return []Result{costs, image, resumed}
	}
	cpuNet, err := vgg19.FromWeights(w)
	if err != nil {
		return fail(err)
	}
	var stylizers [2]*art.Stylizer // uninterrupted, resumed
	for i := range stylizers {
		if stylizers[i], err = art.NewStylizer(cpuNet, content, style, opts); err != nil {
			return fail(err)
		}
	}
	var cpuCosts []art.Costs
	for range 3 {
		c, err := stylizers[0].Step()
		if err != nil {
			return fail(err)
		}
		cpuCosts = append(cpuCosts, c)
	}
	gpuNet, err := nstgpu.FromNet(d, cpuNet)
	if err != nil {
		return fail(err)
	}
	defer gpuNet.Release()
	gpuSt, err := nstgpu.NewStylizer(gpuNet, content, style, opts)
	if err != nil {
		return fail(err)
	}
	defer gpuSt.Release()
	if err := d.Flush(); err != nil {
		return fail(err)
	}
	pass := count(d)
	first, state, err := gpuSt.Steps(2)
	pass.check(&costs, 1, 1)
	if err != nil {
		return fail(err)
	}
	third, last, err := gpuSt.Steps(1)
	if err != nil {
		return fail(err)
	}
	for i, c := range append(first, third...) {
		r := compareCosts("", c, cpuCosts[i], nil)
		costs.RelErr, costs.MaxAbsDiff = max(costs.RelErr, r.RelErr), max(costs.MaxAbsDiff, r.MaxAbsDiff)
	}
	if err := stylizers[1].Resume(state.Image, state.M.Data, state.V.Data, state.Steps); err != nil {
		return fail(err)
	}
	if _, err := stylizers[1].Step(); err != nil {
		return fail(err)
	}
	changes := func(t *tensor.Tensor) *tensor.Tensor {
		out := t.Clone()
		for i, s := range start.Data {
			out.Data[i] -= s
		}
		return out
	}
	want := changes(stylizers[0].Image())
	compare(&image, changes(last.Image), want, nil)
	compare(&resumed, changes(stylizers[1].Image()), want, nil)
	return []Result{costs, image, resumed}
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
func gpuGradient(d *webgpu.Device, w map[string]*tensor.Tensor, pool vgg19.Pooling, content, style, g *tensor.Tensor,
	opts art.CostOptions, r *Result) (art.Costs, *tensor.Tensor, error) {
	var costs art.Costs
	net, err := nstgpu.FromWeights(d, w, pool)
	if err != nil {
		return costs, nil, err
	}
	defer net.Release()
	obj, err := nstgpu.NewObjective(net, content, style, opts)
	if err != nil {
		return costs, nil, err
	}
	defer obj.Release()
	gg := d.Upload(g)
	defer gg.Release()
	if err := d.Flush(); err != nil { // the objective's set-up, outside the measured pass
		return costs, nil, err
	}
	pass := count(d)
	start := time.Now()
	grad, err := obj.Gradient(gg)
	if err != nil {
		return costs, nil, err
	}
	out, err := d.Read(grad)
	grad.Release()
	r.GPUMillis = float64(time.Since(start).Microseconds()) / 1000
	pass.check(r, 1, 1)
	if err != nil {
		return costs, nil, err
	}
	costs, err = obj.Costs()
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
