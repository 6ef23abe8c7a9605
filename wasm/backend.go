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
	"visage/core/face"
	"visage/core/ops"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
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
// asks for, as backend.Choose says.
func openBackend(choice string) (*backend, error) {
	open := func() (*webgpu.Device, error) {
		if nav := js.Global().Get("navigator"); nav.Type() != js.TypeObject {
			return nil, errors.New("no navigator object (not a browser)")
		}
		return webgpu.Open()
	}
	p, d, err := cb.Choose(choice, open, openTimeout)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return &backend{placement: p, gpu: d}, nil
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

// fallBack is backend.Placement.Failed: whether err, from a pass on
// device(), means the GPU is gone, which moves every network to the CPU.
func (b *backend) fallBack(err error) bool { return b != nil && b.placement.Failed(err) }

// info is the backend as the JS API reports it: {backend: 'webgpu'|'cpu',
// adapter, reason, submissions, readBacks}, adapter "" on the CPU and
// reason "" on the GPU; submissions and readBacks count the GPU's queue
// submissions and buffer read-backs since load (0 on the CPU), so that a
// caller can tell what one pass costs; precision is the GPU's 'f32' or
// 'f16' (see precision.go), 'f32' on the CPU; kernels is the CPU's kernel
// build (ops.KernelBuild: the SIMD module attached, or "go").
func (b *backend) info() map[string]any {
	info := map[string]any{"backend": backendCPU, "adapter": "", "reason": "load has not run", "submissions": 0, "readBacks": 0,
		"precision": precisionOn(b), "kernels": ops.KernelBuild()}
	if b == nil {
		return info
	}
	where := b.placement.Info()
	info["reason"] = where.Why
	if d := b.device(); d != nil {
		info["backend"], info["adapter"] = backendWebGPU, where.Adapter
		info["submissions"], info["readBacks"] = d.Stats()
	}
	return info
}

// place sets a network (what, for messages) up on b: cpu on the CPU, and
// the version setUp makes on b's GPU while b has one (see
// backend.Place; the device is flushed to catch the uploads' errors).
func place[N any](b *backend, what string, cpu N, setUp func(*webgpu.Device) N) (*cb.Placed[N], error) {
	return cb.Place(b.placement, what, cpu, func() (N, error) {
		n := setUp(b.gpu)
		return n, b.gpu.Flush()
	})
}

// newFaceEncoder puts the face network on b's GPU, if it has one.
func newFaceEncoder(b *backend, cpu *facerec.Net) (face.Encoder, error) {
	p, err := place[face.Encoder](b, "face network", cpu, func(d *webgpu.Device) face.Encoder {
		return facerec.On(cpu, cb.Backend[*webgpu.Buffer](d))
	})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return face.PlacedEncoder(p), nil
}

// faceNetsOnBackend gives p, as face.LoadPipeline made it, a detector and
// a landmark net that run on b's GPU while it has one and on the CPU
// otherwise, and returns tiny (nil when there is none) made the same way,
// for the pipeline's fallbacks. Setting a network up on the GPU fails as
// backend.Place says.
func faceNetsOnBackend(b *backend, p *face.Pipeline, tiny *tinyface.Net) (face.TinyDetector, error) {
	if det, isCPU := p.Detector.(*ssd.Net); isCPU {
		d, err := place[face.Detector](b, "face detector", det, func(dev *webgpu.Device) face.Detector {
			return ssd.On(det, cb.Backend[*webgpu.Buffer](dev))
		})
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		p.Detector = face.PlacedDetector(d)
	}
	if lm, isCPU := p.Landmarks.(*landmarks.Net); isCPU {
		l, err := place[face.LandmarkNet](b, "landmark network", lm, func(dev *webgpu.Device) face.LandmarkNet {
			return landmarks.On(lm, cb.Backend[*webgpu.Buffer](dev))
		})
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		p.Landmarks = face.PlacedLandmarks(l)
	}
	if tiny == nil {
		return nil, nil
	}
	t, err := place[face.TinyDetector](b, "tiny face detector", tiny, func(dev *webgpu.Device) face.TinyDetector {
		return tinyface.On(tiny, cb.Backend[*webgpu.Buffer](dev))
	})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return face.PlacedTiny(t), nil
}

// backendInfo() → {backend: 'webgpu'|'cpu', adapter, reason}
func (a *api) backendInfo([]js.Value) (any, error) {
	return a.backend.info(), nil
}

// loseGPUForTesting(how?) → backendInfo(): makes the WebGPU device fail,
// so that tests can check that the next call falls back to the CPU: how
// 'lost' (the default) destroys it, as a driver reset would, and
// 'out-of-memory' has the next pass run out of GPU memory
// (webgpu.Device.OutOfMemoryForTesting). The backend still reports WebGPU
// until a call meets the failure.
func (a *api) loseGPUForTesting(args []js.Value) (any, error) {
	how := "lost"
	if v := arg(args, 0); !v.IsUndefined() {
		var err error
		if how, err = stringOf(v, "loseGPUForTesting: how"); err != nil {
			return nil, err
		}
	}
	d := a.backend.device()
	switch {
	case how != "lost" && how != "out-of-memory":
		return nil, fmt.Errorf("loseGPUForTesting: how must be 'lost' or 'out-of-memory', found %q", how)
	case d == nil:
	case how == "lost":
		d.Destroy()
	default:
		d.OutOfMemoryForTesting()
	}
	return a.backend.info(), nil
}

// crashForTesting() never returns: it ends the Go program with exit status
// 2, as a fatal runtime error (out of memory, say) does, so that tests can
// check that visage.js notices, rejects the call in flight and restarts the
// engine with the gallery intact.
func (a *api) crashForTesting([]js.Value) (any, error) {
	println("fatal error: crashForTesting")
	os.Exit(2)
	return nil, nil
}
