//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall/js"
	"time"

	"visage/core/face"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
	"visage/wasm/webgpu"
	"visage/wasm/webgpu/facerecgpu"
	"visage/wasm/webgpu/landmarksgpu"
	"visage/wasm/webgpu/ssdgpu"
	"visage/wasm/webgpu/tinyfacegpu"
)

// What load's backend option may ask for.
const (
	backendAuto   = "auto"   // WebGPU when the browser gives an adapter, else the CPU (the default)
	backendWebGPU = "webgpu" // WebGPU, or load fails saying why not
	backendCPU    = "cpu"    // the pure Go kernels, WebGPU untouched
)

// backend is where the networks run: on gpu, a WebGPU device, or on the CPU
// when gpu is nil. Every network with a WebGPU version asks device() before
// a pass and runs on the CPU when it is nil; when a pass fails, fallBack(err)
// says whether to redo it on the CPU (the device was lost or ran out of
// memory), and from then on device() is nil for every network, so that the
// page keeps working, with its state, on the CPU. A nil *backend is the CPU.
type backend struct {
	gpu     *webgpu.Device
	adapter string // the GPU's "vendor architecture", while gpu runs
	// required is set when load asked for backendWebGPU: a network that
	// cannot be set up on the GPU is then an error, not a move to the CPU.
	required bool
	// why says why the CPU runs: asked for, no adapter, or the GPU's
	// failure; "" while the GPU runs.
	why string
}

// openBackend opens the backend that choice (backendAuto, backendWebGPU,
// backendCPU) asks for. Auto settles for the CPU, saying why, when the
// browser gives no WebGPU adapter (WebGPU fails then) or only a software
// one (webgpu.Device.Software; WebGPU takes it).
func openBackend(choice string) (*backend, error) {
	switch choice {
	case backendCPU:
		return &backend{why: "the CPU was asked for (backend: 'cpu')"}, nil
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
		return &backend{why: err.Error()}, nil
	}
	if choice == backendAuto && d.Software() {
		d.Destroy()
		return &backend{why: "the only WebGPU adapter, " + d.Adapter() + ", is a software one, slower than the CPU path (backend 'webgpu' uses it anyway)"}, nil
	}
	return &backend{gpu: d, adapter: d.Adapter(), required: choice == backendWebGPU}, nil
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
	if b == nil {
		return nil
	}
	return b.gpu
}

// fallBack reports whether err, from a pass on device(), means the GPU is
// gone (webgpu.ErrDeviceLost, webgpu.ErrOutOfMemory); then it moves every
// network to the CPU for good, and the caller redoes the pass there. Other
// errors are the pass's own (bad input, a bug) and leave the GPU in use.
func (b *backend) fallBack(err error) bool {
	if b == nil || b.gpu == nil || !(errors.Is(err, webgpu.ErrDeviceLost) || errors.Is(err, webgpu.ErrOutOfMemory)) {
		return false
	}
	b.gpu.Destroy() // an out-of-memory device may still hold the weights
	b.gpu, b.adapter = nil, ""
	b.why = "WebGPU failed, so the CPU took over: " + err.Error()
	return true
}

// info is the backend as the JS API reports it: {backend: 'webgpu'|'cpu',
// adapter, reason, submissions, readBacks}, adapter "" on the CPU and
// reason "" on the GPU; submissions and readBacks count the GPU's queue
// submissions and buffer read-backs since load (0 on the CPU), so that a
// caller can tell what one pass costs; precision is the GPU's 'f32' or
// 'f16' (see precision.go), 'f32' on the CPU; kernels is the CPU's kernel
// build (ops.KernelBuild: the SIMD module attached, or "go").
func (b *backend) info() map[string]any {
	if b.device() == nil {
		why := "load has not run"
		if b != nil {
			why = b.why
		}
		return map[string]any{"backend": backendCPU, "adapter": "", "reason": why, "submissions": 0, "readBacks": 0, "precision": precisionOn(b),
			"kernels": ops.KernelBuild()}
	}
	subs, reads := b.gpu.Stats()
	return map[string]any{"backend": backendWebGPU, "adapter": b.adapter, "reason": "", "submissions": subs, "readBacks": reads,
		"precision": precisionOn(b), "kernels": ops.KernelBuild()}
}

// onBackend runs a pass with gpu while b has a GPU and onGPU says the
// network was set up there, else with cpu; a pass whose GPU died
// (b.fallBack) is redone with cpu. Every network with a WebGPU version
// runs its passes through it.
func onBackend[T any](b *backend, onGPU bool, gpu, cpu func() (T, error)) (T, error) {
	if onGPU && b.device() != nil {
		v, err := gpu()
		if err == nil || !b.fallBack(err) {
			return v, err
		}
	}
	return cpu()
}

// setUp uploads a network (what, for messages) to b's GPU with load and
// reports whether it is there: false when b has no GPU, or when the upload
// failed, which moves b to the CPU, saying why, unless the GPU was
// required, when it returns the error.
func setUp(b *backend, what string, load func(*webgpu.Device) error) (bool, error) {
	d := b.device()
	if d == nil {
		return false, nil
	}
	err := load(d)
	if err == nil {
		err = d.Flush() // the uploads' out-of-memory errors
	}
	if err != nil {
		if b.required {
			return false, fmt.Errorf("load: the %s on WebGPU: %w", what, err)
		}
		d.Destroy()
		b.gpu, b.adapter, b.why = nil, "", "WebGPU could not hold the "+what+": "+err.Error()
		return false, nil
	}
	return true, nil
}

// faceEncoder computes face descriptors on the backend's GPU while it has
// one (facerecgpu, same descriptors within float32 rounding) and with the
// CPU network otherwise.
type faceEncoder struct {
	b     *backend
	cpu   *facerec.Net
	gpu   *facerecgpu.Net
	onGPU bool // gpu was set up
}

// newFaceEncoder uploads the face network's weights (facerec.Manifest and
// its shard in fsys, which cpu was loaded from) to b's GPU, if it has one
// (see setUp).
func newFaceEncoder(b *backend, cpu *facerec.Net, fsys fs.FS) (*faceEncoder, error) {
	e := &faceEncoder{b: b, cpu: cpu}
	var err error
	e.onGPU, err = setUp(b, "face network", func(d *webgpu.Device) (err error) {
		e.gpu, err = facerecgpu.Load(d, fsys)
		return err
	})
	return e, err
}

// Encode is facerec.Net.Encode, on the GPU when the backend has one.
func (e *faceEncoder) Encode(img *tensor.Tensor) ([]float32, error) {
	return onBackend(e.b, e.onGPU,
		func() ([]float32, error) { return e.gpu.Encode(img) },
		func() ([]float32, error) { return e.cpu.Encode(img) })
}

// faceNetsOnBackend gives p, as face.LoadPipeline made it, a detector and
// a landmark net that run on b's GPU while it has one (ssdgpu,
// landmarksgpu: the same boxes and points within float32 rounding) and on
// the CPU otherwise, and returns tiny (nil when there is none) made the
// same way (tinyfacegpu), for the pipeline's fallbacks. Setting a network
// up on the GPU fails as setUp says.
func faceNetsOnBackend(b *backend, p *face.Pipeline, tiny *tinyface.Net) (face.TinyDetector, error) {
	var err error
	if det, isCPU := p.Detector.(*ssd.Net); isCPU {
		d := &faceDetector{b: b, cpu: det}
		if d.onGPU, err = setUp(b, "face detector", func(dev *webgpu.Device) error { d.gpu = ssdgpu.Load(dev, det); return nil }); err != nil {
			return nil, err
		}
		p.Detector = d
	}
	if lm, isCPU := p.Landmarks.(*landmarks.Net); isCPU {
		l := &landmarkNet{b: b, cpu: lm}
		if l.onGPU, err = setUp(b, "landmark network", func(dev *webgpu.Device) error { l.gpu = landmarksgpu.Load(dev, lm); return nil }); err != nil {
			return nil, err
		}
		p.Landmarks = l
	}
	if tiny == nil {
		return nil, nil
	}
	t := &tinyDetector{b: b, cpu: tiny}
	t.onGPU, err = setUp(b, "tiny face detector", func(dev *webgpu.Device) error { t.gpu = tinyfacegpu.Load(dev, tiny); return nil })
	return t, err
}

// faceDetector is face.Detector on the backend (see faceNetsOnBackend).
type faceDetector struct {
	b     *backend
	cpu   *ssd.Net
	gpu   *ssdgpu.Net
	onGPU bool
}

func (f *faceDetector) Run(img *tensor.Tensor) (*ssd.Output, error) {
	return onBackend(f.b, f.onGPU,
		func() (*ssd.Output, error) { return f.gpu.Run(img) },
		func() (*ssd.Output, error) { return f.cpu.Run(img) })
}

// landmarkNet is face.LandmarkNet on the backend (see faceNetsOnBackend).
type landmarkNet struct {
	b     *backend
	cpu   *landmarks.Net
	gpu   *landmarksgpu.Net
	onGPU bool
}

func (l *landmarkNet) Detect(crop *tensor.Tensor) ([]landmarks.Point, error) {
	return onBackend(l.b, l.onGPU,
		func() ([]landmarks.Point, error) { return l.gpu.Detect(crop) },
		func() ([]landmarks.Point, error) { return l.cpu.Detect(crop) })
}

// tinyDetector is face.TinyDetector on the backend (see faceNetsOnBackend).
type tinyDetector struct {
	b     *backend
	cpu   *tinyface.Net
	gpu   *tinyfacegpu.Net
	onGPU bool
}

func (t *tinyDetector) Detect(img *tensor.Tensor, opt tinyface.Options) ([]ssd.Detection, error) {
	return onBackend(t.b, t.onGPU,
		func() ([]ssd.Detection, error) { return t.gpu.Detect(img, opt) },
		func() ([]ssd.Detection, error) { return t.cpu.Detect(img, opt) })
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
