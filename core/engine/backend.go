package engine

import (
	"fmt"
	"time"

	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/ops"
)

// What Load's backend option may ask for (backend.Choose).
const (
	ChoiceAuto   = backend.ChoiceAuto
	ChoiceWebGPU = backend.ChoiceGPU
	ChoiceCPU    = backend.ChoiceCPU
)

// Device is a GPU the networks run on, as *webgpu.Device is one: the
// networks' kernels, what backend.Choose needs, and what BackendInfo and
// the Art view ask of it.
type Device[T any] interface {
	backend.Differentiable[T]
	backend.GPU
	// SetPrecision sets the matrix kernels' precision; webgpu.ErrNoF16
	// leaves F32.
	SetPrecision(webgpu.Precision) error
	Precision() webgpu.Precision
	// Stats counts the queue submissions and buffer read-backs so far.
	Stats() (submissions, readBacks int)
	// MaxRows is the largest pixel count of a convolution's input or
	// output that the device runs.
	MaxRows() int
	// Trim frees the memory of released tensors, kept for reuse.
	Trim()
	// OutOfMemoryForTesting makes the next read report ErrOutOfMemory.
	OutOfMemoryForTesting()
}

// placed is where the networks run: a backend.Placement (the GPU while it
// works, else the CPU; fallback on device loss is its job) and, while the
// Placement is on the GPU, the device the networks are set up on. A nil
// *placed is the CPU.
type placed[T any] struct {
	placement *backend.Placement
	gpu       Device[T]
}

// openTimeout bounds the wait for an adapter and a device: some browser
// configurations never settle requestAdapter's promise (e2e.WebGPUFlags
// names one), and Load must not hang on them.
const openTimeout = 15 * time.Second

// openBackend opens the backend that choice asks for, as backend.Choose
// says, with the GPU's matrix kernels at precision p where the device has
// it (F16 without it stays F32, which info reports).
func (e *Engine[T]) openBackend(choice string, p webgpu.Precision) (*placed[T], error) {
	placement, d, err := backend.Choose(choice, e.open, openTimeout)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if d != nil {
		_ = d.SetPrecision(p) // webgpu.ErrNoF16 leaves F32
	}
	return &placed[T]{placement: placement, gpu: d}, nil
}

// device returns the device the networks should run on, nil for the CPU.
func (b *placed[T]) device() Device[T] {
	if b == nil || !b.placement.GPU() {
		return nil
	}
	return b.gpu
}

// gpuBackend is b's device as the networks' backend (nil, unused, on the
// CPU).
func (b *placed[T]) gpuBackend() backend.Differentiable[T] { return b.gpu }

// BackendInfo is the backend as Backend reports it (BackendInfo in
// web/visage.d.ts): adapter "" on the CPU and reason "" on the GPU;
// submissions and readBacks count the GPU's queue submissions and buffer
// read-backs since Load (0 on the CPU); kernels is the CPU's kernel build
// (ops.KernelBuild) and threads the threads its matrix products use
// (ops.KernelThreads).
type BackendInfo struct {
	Backend     string `js:"backend"`
	Adapter     string `js:"adapter"`
	Reason      string `js:"reason"`
	Submissions int    `js:"submissions"`
	ReadBacks   int    `js:"readBacks"`
	Precision   string `js:"precision"`
	Kernels     string `js:"kernels"`
	Threads     int    `js:"threads"`
}

// info is Backend's result for b.
func (b *placed[T]) info() BackendInfo {
	info := BackendInfo{Backend: ChoiceCPU, Reason: "load has not run", Precision: string(webgpu.F32), Kernels: ops.KernelBuild(), Threads: ops.KernelThreads()}
	if b == nil {
		return info
	}
	where := b.placement.Info()
	info.Reason = where.Why
	if d := b.device(); d != nil {
		info.Backend, info.Adapter = ChoiceWebGPU, where.Adapter
		info.Submissions, info.ReadBacks = d.Stats()
		info.Precision = string(d.Precision())
	}
	return info
}

// Backend says where the networks run.
func (e *Engine[T]) Backend(*None) (BackendInfo, error) { return e.backend.info(), nil }

// LoseGPUArgs says how LoseGPUForTesting fails the GPU: "lost" or
// "out-of-memory".
type LoseGPUArgs struct {
	How string `js:"how,omitempty"`
}

func (in *LoseGPUArgs) Defaults() { in.How = "lost" }

func (in *LoseGPUArgs) Check() error {
	if in.How != "lost" && in.How != "out-of-memory" {
		return fmt.Errorf("loseGPUForTesting: how must be 'lost' or 'out-of-memory', found %q", in.How)
	}
	return nil
}

// LoseGPUForTesting fails the GPU as a browser may: the backend still
// reports WebGPU until a call meets the failure.
func (e *Engine[T]) LoseGPUForTesting(in *LoseGPUArgs) (BackendInfo, error) {
	switch d := e.backend.device(); {
	case d == nil:
	case in.How == "lost":
		d.Destroy()
	default:
		d.OutOfMemoryForTesting()
	}
	return e.backend.info(), nil
}
