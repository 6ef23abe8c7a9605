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
	"visage/core/tensor"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
	"visage/wasm/webgpu/ssdgpu"
	"visage/wasm/webgpu/tinyfacegpu"
)

// What load's backend option may ask for.
const (
	backendAuto   = "auto"   // WebGPU when the browser gives an adapter, else the CPU (the default)
	backendWebGPU = "webgpu" // WebGPU, or load fails saying why not
	backendCPU    = "cpu"    // the pure Go kernels, WebGPU untouched
)

// backend is where the networks run: a backend.Placement (the GPU while it
// works, else the CPU; fallback on device loss is its job) and, while the
// Placement is on the GPU, the WebGPU device the networks are set up on.
// A nil *backend is the CPU.
type backend struct {
	placement *cb.Placement
	gpu       *webgpu.Device
}

// openBackend opens the backend that choice (backendAuto, backendWebGPU,
// backendCPU) asks for. Auto settles for the CPU, saying why, when the
// browser gives no WebGPU adapter (WebGPU fails then) or only a software
// one (webgpu.Device.Software; WebGPU takes it).
func openBackend(choice string) (*backend, error) {
	switch choice {
	case backendCPU:
		return &backend{placement: cb.OnCPU("the CPU was asked for (backend: 'cpu')")}, nil
	case backendAuto, backendWebGPU:
	default:
		return nil, fmt.Errorf("load: backend must be 'auto', 'webgpu' or 'cpu', found %q", choice)
	}
	var d *webgpu.Device
	err := errors.New("no navigator object (not a browser)")
	if nav := js.Global().Get("navigator"); nav.Type() == js.TypeObject {
		d, err = openWithin(openTimeout)
	}
	if err != nil {
		if choice == backendWebGPU {
			return nil, fmt.Errorf("load: backend 'webgpu' is unavailable: %w", err)
		}
		return &backend{placement: cb.OnCPU(err.Error())}, nil
	}
	if choice == backendAuto && d.Software() {
		d.Destroy()
		return &backend{placement: cb.OnCPU("the only WebGPU adapter, " + d.Adapter() + ", is a software one, slower than the CPU path (backend 'webgpu' uses it anyway)")}, nil
	}
	return &backend{placement: cb.OnGPU(d.Adapter(), choice == backendWebGPU, d.Destroy), gpu: d}, nil
}

// openTimeout bounds the wait for an adapter and a device: some browser
// configurations never settle requestAdapter's promise (e2e.WebGPUFlags
// names one), and load must not hang on them.
const openTimeout = 15 * time.Second

// openWithin is webgpu.Open, failing when it takes longer than timeout (the
// request is then abandoned, its goroutine left waiting).
func openWithin(timeout time.Duration) (*webgpu.Device, error) {
	type opened struct {
		d   *webgpu.Device
		err error
	}
	done := make(chan opened, 1)
	go func() {
		d, err := webgpu.Open()
		done <- opened{d, err}
	}()
	select {
	case o := <-done:
		return o.d, o.err
	case <-time.After(timeout):
		return nil, fmt.Errorf("webgpu: no adapter and device after %v", timeout)
	}
}

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

// faceEncoder is face.Encoder on the backend.
type faceEncoder struct{ *cb.Placed[face.Encoder] }

func (e faceEncoder) Encode(img *tensor.Tensor) ([]float32, error) {
	return cb.Run(e.Placed, func(n face.Encoder) ([]float32, error) { return n.Encode(img) })
}

// newFaceEncoder puts the face network on b's GPU, if it has one.
func newFaceEncoder(b *backend, cpu *facerec.Net) (face.Encoder, error) {
	p, err := place[face.Encoder](b, "face network", cpu, func(d *webgpu.Device) face.Encoder {
		return facerec.On(cpu, cb.Backend[*webgpu.Buffer](d))
	})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return faceEncoder{p}, nil
}

// faceNetsOnBackend gives p, as face.LoadPipeline made it, a detector and
// a landmark net that run on b's GPU while it has one and on the CPU
// otherwise, and returns tiny (nil when there is none) made the same way,
// for the pipeline's fallbacks. Setting a network up on the GPU fails as
// backend.Place says.
func faceNetsOnBackend(b *backend, p *face.Pipeline, tiny *tinyface.Net) (face.TinyDetector, error) {
	if det, isCPU := p.Detector.(*ssd.Net); isCPU {
		d, err := place[face.Detector](b, "face detector", det, func(dev *webgpu.Device) face.Detector { return ssdgpu.Load(dev, det) })
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		p.Detector = faceDetector{d}
	}
	if lm, isCPU := p.Landmarks.(*landmarks.Net); isCPU {
		l, err := place[face.LandmarkNet](b, "landmark network", lm, func(dev *webgpu.Device) face.LandmarkNet {
			return landmarks.On(lm, cb.Backend[*webgpu.Buffer](dev))
		})
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		p.Landmarks = landmarkNet{l}
	}
	if tiny == nil {
		return nil, nil
	}
	t, err := place[face.TinyDetector](b, "tiny face detector", tiny, func(dev *webgpu.Device) face.TinyDetector { return tinyfacegpu.Load(dev, tiny) })
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return tinyDetector{t}, nil
}

// faceDetector, landmarkNet and tinyDetector are the pipeline's networks
// on the backend (see faceNetsOnBackend).
type (
	faceDetector struct{ *cb.Placed[face.Detector] }
	landmarkNet  struct{ *cb.Placed[face.LandmarkNet] }
	tinyDetector struct{ *cb.Placed[face.TinyDetector] }
)

func (f faceDetector) Run(img *tensor.Tensor) (*ssd.Output, error) {
	return cb.Run(f.Placed, func(n face.Detector) (*ssd.Output, error) { return n.Run(img) })
}

func (l landmarkNet) Detect(crop *tensor.Tensor) ([]landmarks.Point, error) {
	return cb.Run(l.Placed, func(n face.LandmarkNet) ([]landmarks.Point, error) { return n.Detect(crop) })
}

func (t tinyDetector) Detect(img *tensor.Tensor, opt tinyface.Options) ([]ssd.Detection, error) {
	return cb.Run(t.Placed, func(n face.TinyDetector) ([]ssd.Detection, error) { return n.Detect(img, opt) })
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
