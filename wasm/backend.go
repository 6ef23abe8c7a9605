//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall/js"
	"time"

	cb "visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/ops"
)

// What load's backend option may ask for (backend.Choose).
const (
	backendAuto   = cb.ChoiceAuto
	backendWebGPU = cb.ChoiceGPU
	backendCPU    = cb.ChoiceCPU
)

// backend is where the networks run: a backend.Placement (the GPU while it
// works, else the CPU; fallback on device loss is its job) and, while the
// Placement is on the GPU, the WebGPU device the networks are set up on.
// A nil *backend is the CPU.
type backend struct {
	placement *cb.Placement
	gpu       *webgpu.Device
}

// openBackend opens the backend that choice ('auto', 'webgpu', 'cpu')
// asks for, as backend.Choose says, with the GPU's matrix kernels at
// precision p where the adapter has it (webgpu.Device.SetPrecision; F16
// without shader-f16 stays F32, which info reports).
func openBackend(choice string, p webgpu.Precision) (*backend, error) {
	open := func() (*webgpu.Device, error) {
		if nav := js.Global().Get("navigator"); nav.Type() != js.TypeObject {
			return nil, errors.New("no navigator object (not a browser)")
		}
		return webgpu.Open()
	}
	placement, d, err := cb.Choose(choice, open, openTimeout)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if d != nil {
		_ = d.SetPrecision(p) // webgpu.ErrNoF16 leaves F32
	}
	return &backend{placement: placement, gpu: d}, nil
}

// openTimeout bounds the wait for an adapter and a device: some browser
// configurations never settle requestAdapter's promise (e2e.WebGPUFlags
// names one), and load must not hang on them.
const openTimeout = 15 * time.Second

// device returns the WebGPU device the networks should run on, nil for the
// CPU.
func (b *backend) device() *webgpu.Device {
	if b == nil || !b.placement.GPU() {
		return nil
	}
	return b.gpu
}

// backendInfo is the backend as backend() reports it (BackendInfo in
// web/visage.d.ts): adapter "" on the CPU and reason "" on the GPU;
// submissions and readBacks count the GPU's queue submissions and buffer
// read-backs since load (0 on the CPU); kernels is the CPU's kernel build
// (ops.KernelBuild) and threads the threads its matrix products use
// (ops.KernelThreads).
type backendInfo struct {
	Backend     string `js:"backend"`
	Adapter     string `js:"adapter"`
	Reason      string `js:"reason"`
	Submissions int    `js:"submissions"`
	ReadBacks   int    `js:"readBacks"`
	Precision   string `js:"precision"`
	Kernels     string `js:"kernels"`
	Threads     int    `js:"threads"`
}

// info is backend()'s result for b.
func (b *backend) info() backendInfo {
	info := backendInfo{Backend: backendCPU, Reason: "load has not run", Precision: string(webgpu.F32), Kernels: ops.KernelBuild(), Threads: ops.KernelThreads()}
	if b == nil {
		return info
	}
	where := b.placement.Info()
	info.Reason = where.Why
	if d := b.device(); d != nil {
		info.Backend, info.Adapter = backendWebGPU, where.Adapter
		info.Submissions, info.ReadBacks = d.Stats()
		info.Precision = string(d.Precision())
	}
	return info
}

// gpuBackend is b's WebGPU device as the networks' backend (nil, unused,
// on the CPU).
func (b *backend) gpuBackend() cb.Differentiable[*webgpu.Buffer] { return b.gpu }

func (a *api) backendInfo(*none) (any, error) { return a.backend.info(), nil }

type loseGPUArgs struct {
	How string `js:"how,omitempty"`
}

func (in *loseGPUArgs) defaults() { in.How = "lost" }

// loseGPUForTesting: the backend still reports WebGPU until a call meets
// the failure.
func (a *api) loseGPUForTesting(in *loseGPUArgs) (any, error) {
	d := a.backend.device()
	switch {
	case in.How != "lost" && in.How != "out-of-memory":
		return nil, fmt.Errorf("loseGPUForTesting: how must be 'lost' or 'out-of-memory', found %q", in.How)
	case d == nil:
	case in.How == "lost":
		d.Destroy()
	default:
		d.OutOfMemoryForTesting()
	}
	return a.backend.info(), nil
}

// crashForTesting ends the Go program with exit status 2, as a fatal
// runtime error (out of memory, say) does.
func (a *api) crashForTesting(*none) (any, error) {
	println("fatal error: crashForTesting")
	os.Exit(2)
	return nil, nil
}
