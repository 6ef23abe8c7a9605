//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"visage/core/art"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/wasm/webgpu"
	"visage/wasm/webgpu/nstgpu"
)

// checkNST compares the style-transfer gradient on the GPU with
// art.Objective.Evaluate's, on a small random VGG-19 (vgg19.FromWeights
// takes any channel counts) and odd-sized images: the course's costs with
// both poolings, and the content cost alone (which the style cost would
// otherwise drown).
func checkNST(d *webgpu.Device, rng *rand.Rand) []Result {
	w := tinyVGG(rng)
	const h, wd = 19, 23
	content, style := pixels(rng, h, wd), pixels(rng, h, wd)
	g := art.InitImage(content, 0.6, 1)
	contentOnly := art.DefaultCostOptions()
	contentOnly.StyleLayers = nil
	var results []Result
	for _, c := range []struct {
		name string
		opts art.CostOptions
		pool vgg19.Pooling
	}{
		{"J", art.DefaultCostOptions(), vgg19.AvgPool},
		{"J", art.DefaultCostOptions(), vgg19.MaxPool},
		{"J_content", contentOnly, vgg19.AvgPool},
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
		cpu, cpuErr := cpuGradient(cpuNet, content, style, g, opts)
		r.CPUMillis = float64(time.Since(start).Microseconds()) / 1000
		gpu, gpuErr := gpuGradient(d, w, pool, content, style, g, opts, &r)
		compare(&r, gpu, cpu, errors.Join(cpuErr, gpuErr))
		results = append(results, r)
	}
	return results
}

func cpuGradient(net *vgg19.Net, content, style, g *tensor.Tensor, opts art.CostOptions) (*tensor.Tensor, error) {
	obj, err := art.NewObjective(net, content, style, opts)
	if err != nil {
		return nil, err
	}
	_, grad, err := obj.Evaluate(g)
	return grad, err
}

// gpuGradient computes the gradient on d, recording in r the submissions,
// read-backs and time of the gradient pass alone.
func gpuGradient(d *webgpu.Device, w map[string]*tensor.Tensor, pool vgg19.Pooling, content, style, g *tensor.Tensor,
	opts art.CostOptions, r *Result) (*tensor.Tensor, error) {
	net, err := nstgpu.FromWeights(d, w, pool)
	if err != nil {
		return nil, err
	}
	defer net.Release()
	obj, err := nstgpu.NewObjective(net, content, style, opts)
	if err != nil {
		return nil, err
	}
	defer obj.Release()
	gg := d.Upload(g)
	defer gg.Release()
	if err := d.Flush(); err != nil { // the objective's set-up, outside the measured pass
		return nil, err
	}
	sub0, read0 := d.Stats()
	start := time.Now()
	grad, err := obj.Gradient(gg)
	if err != nil {
		return nil, err
	}
	out, err := d.Read(grad)
	grad.Release()
	r.GPUMillis = float64(time.Since(start).Microseconds()) / 1000
	sub1, read1 := d.Stats()
	r.Submissions, r.ReadBacks = sub1-sub0, read1-read0
	return out, err
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
