package backend

import (
	"errors"
	"fmt"
	"sync"
)

// Placement says where a product's networks run: on a GPU while it works,
// on the CPU otherwise. Every network set up on the GPU (Place) runs its
// passes there until one fails with ErrDeviceLost or ErrOutOfMemory; then
// that pass is redone on the CPU and every network stays on the CPU from
// then on, so that the product keeps working, with its state, on the CPU.
// A Placement may be used from several goroutines at once.
type Placement struct {
	mu       sync.Mutex
	onGPU    bool
	adapter  string // the GPU's name, while it runs
	required bool   // a network that cannot be set up on the GPU is an error
	why      string // why the CPU runs; "" while the GPU does
	release  func() // frees the GPU once given up
}

// OnCPU returns a Placement on the CPU, why saying why (for Info).
func OnCPU(why string) *Placement { return &Placement{why: why} }

// OnGPU returns a Placement on a GPU named adapter; release frees the
// device when the Placement gives it up. When required, a network that
// cannot be set up on the GPU is Place's error instead of a move to the
// CPU.
func OnGPU(adapter string, required bool, release func()) *Placement {
	return &Placement{onGPU: true, adapter: adapter, required: required, release: release}
}

// Info is where the networks run.
type Info struct {
	GPU     bool   // on the GPU
	Adapter string // its name; "" on the CPU
	Why     string // why the CPU runs; "" on the GPU
}

// Info returns where the networks run now.
func (p *Placement) Info() Info {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Info{GPU: p.onGPU, Adapter: p.adapter, Why: p.why}
}

// GPU reports whether the networks run on the GPU.
func (p *Placement) GPU() bool { return p.Info().GPU }

// Failed reports whether err, from a pass on the GPU, means the GPU is gone
// (ErrDeviceLost, ErrOutOfMemory); then it releases the GPU and moves every
// network to the CPU for good. Other errors are the pass's own (bad input,
// a bug) and leave the GPU in use.
func (p *Placement) Failed(err error) bool {
	if !errors.Is(err, ErrDeviceLost) && !errors.Is(err, ErrOutOfMemory) {
		return false
	}
	p.giveUp("the GPU failed, so the CPU took over: " + err.Error())
	return true
}

// giveUp moves the networks to the CPU, saying why, and releases the GPU;
// it reports whether they were on the GPU.
func (p *Placement) giveUp(why string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.onGPU {
		return false
	}
	p.onGPU, p.adapter, p.why = false, "", why
	if p.release != nil {
		p.release() // an out-of-memory device may still hold the weights
	}
	return true
}

// Placed is one network set up on a Placement: the CPU version always, the
// GPU version when it was set up there.
type Placed[N any] struct {
	p        *Placement
	cpu, gpu N
	onGPU    bool
}

// Place sets a network up on p: cpu runs on the CPU, and while p is on the
// GPU, setUp makes the GPU version (what names the network in messages).
// When setUp fails, the network runs on the CPU, and so does every other
// (p moves to the CPU, saying why), unless p requires the GPU: then the
// failure is Place's error.
func Place[N any](p *Placement, what string, cpu N, setUp func() (N, error)) (*Placed[N], error) {
	n := &Placed[N]{p: p, cpu: cpu}
	if !p.GPU() {
		return n, nil
	}
	gpu, err := setUp()
	if err != nil {
		if p.required {
			return nil, fmt.Errorf("the %s on the GPU: %w", what, err)
		}
		p.giveUp("the GPU could not hold the " + what + ": " + err.Error())
		return n, nil
	}
	n.gpu, n.onGPU = gpu, true
	return n, nil
}

// PlaceOn is Place for a network whose GPU version setUp puts on gpu: the
// set-up then waits for its uploads (an empty ReadAll), so that a GPU
// without room for them fails it.
func PlaceOn[N, T any](p *Placement, what string, gpu Backend[T], cpu N, setUp func() (N, error)) (*Placed[N], error) {
	return Place(p, what, cpu, func() (N, error) {
		n, err := setUp()
		if err == nil {
			_, err = gpu.ReadAll()
		}
		return n, err
	})
}

// Run runs pass with the GPU version of n while p is on the GPU, and with
// the CPU version otherwise; a GPU pass that fails as Failed says is redone
// on the CPU.
func Run[N, V any](n *Placed[N], pass func(N) (V, error)) (V, error) {
	if n.onGPU && n.p.GPU() {
		v, err := pass(n.gpu)
		if err == nil || !n.p.Failed(err) {
			return v, err
		}
	}
	return pass(n.cpu)
}
