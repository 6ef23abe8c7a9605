//go:build js && wasm

package main

import (
	"visage/core/art"
	"visage/core/backend/webgpu"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/wasm/webgpu/nstgpu"
)

// artRun is one stylization in progress: on the backend's GPU while it has
// one (nstgpu), else on the CPU (core/art). The GPU run reads its state
// back after every chunk of steps, so that when the device is lost or runs
// out of memory the run goes on on the CPU from the end of the last chunk,
// with its image and Adam's moments: the failed chunk is redone there.
type artRun struct {
	b              *backend
	net            *vgg19.Net // the CPU network, for the fallback
	content, style *tensor.Tensor
	opts           art.Options
	steps          int // Adam steps taken
	gpu            *nstgpu.Stylizer
	dev            *webgpu.Device // gpu's device
	saved          nstgpu.State   // gpu's state after its last chunk
	cpu            *art.Stylizer  // nil while gpu runs
}

// gpuNetOn returns VGG-19 on d, uploading r.net's weights the first time
// (and again after a new load or device). The caller flushes d.
func (r *artAPI) gpuNetOn(d *webgpu.Device) (*nstgpu.Net, error) {
	if r.gpu == nil || r.gpuDev != d {
		net, err := nstgpu.FromNet(d, r.net)
		if err != nil {
			return nil, err
		}
		r.gpu, r.gpuDev = net, d
	}
	r.gpu.Pool = r.net.Pool
	return r.gpu, nil
}

// newRun starts a stylization of r's pair with opts on the backend's GPU,
// or on the CPU when it has none or the GPU fails for lack of memory or a
// lost device (which moves the backend to the CPU).
func (r *artAPI) newRun(opts art.Options) (*artRun, error) {
	var b *backend
	if r.backend != nil {
		b = r.backend()
	}
	run := &artRun{b: b, net: r.net, content: r.content, style: r.style, opts: opts}
	if d := b.device(); d != nil {
		err := run.startOnGPU(r, d)
		if err == nil {
			return run, nil
		}
		if !b.fallBack(err) {
			return nil, err
		}
	}
	return run, run.toCPU()
}

func (run *artRun) startOnGPU(r *artAPI, d *webgpu.Device) error {
	net, err := r.gpuNetOn(d)
	if err != nil {
		return err
	}
	st, err := nstgpu.NewStylizer(net, run.content, run.style, run.opts)
	if err != nil {
		return err
	}
	if err := d.Flush(); err != nil { // the uploads' and the style Grams' errors
		st.Release()
		return err
	}
	run.gpu, run.dev = st, d
	run.saved = nstgpu.State{Image: art.InitImage(run.content, run.opts.NoiseRatio, run.opts.Seed)}
	return nil
}

// toCPU moves the run to the CPU, resuming from the GPU's last state when
// it had taken steps.
func (run *artRun) toCPU() error {
	st, err := art.NewStylizer(run.net, run.content, run.style, run.opts)
	if err != nil {
		return err
	}
	if s := run.saved; s.Steps > 0 {
		if err := st.Resume(s.Image, s.M.Data, s.V.Data, s.Steps); err != nil {
			return err
		}
	}
	run.cpu, run.gpu, run.dev, run.saved, run.steps = st, nil, nil, nstgpu.State{}, run.saved.Steps
	return nil
}

// step takes n Adam steps and returns the costs before each. A GPU chunk
// that fails for a lost device or lack of memory is redone on the CPU.
func (run *artRun) step(n int) ([]art.Costs, error) {
	if run.gpu != nil {
		if run.b.device() != run.dev { // another network found the GPU gone
			if err := run.toCPU(); err != nil {
				return nil, err
			}
		} else {
			costs, state, err := run.gpu.Steps(n)
			if err == nil {
				run.saved, run.steps = state, state.Steps
				return costs, nil
			}
			if !run.b.fallBack(err) {
				return nil, err
			}
			if err := run.toCPU(); err != nil {
				return nil, err
			}
		}
	}
	costs := make([]art.Costs, n)
	for i := range costs {
		c, err := run.cpu.Step()
		if err != nil {
			return nil, err
		}
		costs[i] = c
		run.steps++
	}
	return costs, nil
}

// image returns the current generated image [H,W,3], RGB 0..255 (the
// run's own: Clone it to keep it).
func (run *artRun) image() *tensor.Tensor {
	if run.gpu != nil {
		return run.saved.Image
	}
	return run.cpu.Image()
}

// where says where the run's steps run now: backendWebGPU or backendCPU.
func (run *artRun) where() string {
	if run.gpu != nil {
		return backendWebGPU
	}
	return backendCPU
}

// release frees the run's GPU memory.
func (run *artRun) release() {
	if run.gpu != nil {
		run.gpu.Release()
		run.gpu = nil
	}
}
