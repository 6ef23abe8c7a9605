// Package backendtest has a fake GPU backend for testing code that must
// survive a device's failure: the CPU's kernels, and a read that fails on
// demand as a lost or exhausted GPU does.
package backendtest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// Faulty is the CPU backend whose ReadAll fails with the error set by Fail,
// as a WebGPU device's read does once it is lost (backend.ErrDeviceLost)
// or out of memory (backend.ErrOutOfMemory). It counts its reads.
type Faulty struct {
	*backend.CPU
	mu    sync.Mutex
	err   error
	reads int
}

// NewFaulty returns a Faulty that works until Fail is called.
func NewFaulty() *Faulty { return &Faulty{CPU: backend.NewCPU()} }

// Fail makes every later ReadAll fail with err (nil: succeed again).
func (f *Faulty) Fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// Reads returns how many ReadAll calls there were, failed ones included.
func (f *Faulty) Reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// ReadAll is CPU.ReadAll, or fails with Fail's error.
func (f *Faulty) ReadAll(xs ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	f.mu.Lock()
	f.reads++
	err := f.err
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.CPU.ReadAll(xs...)
}

// GPU is the backend a network's On is given by CheckFallback.
type GPU = backend.Backend[*tensor.Tensor]

// CheckFallback checks that the network n survives its GPU's loss as a
// product runs it: put by on (the network's On) on the CPU and on a Faulty
// GPU, and placed through a backend.Placement, its pass over in (pass,
// such as the method expression (*Runner[*tensor.Tensor]).Encode) must
// give want, the CPU's result, on the GPU, then again when the GPU is lost
// mid-pass (the pass redone on the CPU), and again after, on the CPU. diff
// says how a result differs from want, "" when it does not; nil asks for
// results equal as reflect.DeepEqual has it. what names the network. It
// returns want, for the caller to check that the pass found something.
func CheckFallback[N, R, In, Out any](t testing.TB, what string, n N, on func(N, GPU) R, pass func(R, In) (Out, error), in In, diff func(got, want Out) string) Out {
	t.Helper()
	run := func(r R) (Out, error) { return pass(r, in) }
	cpu := on(n, backend.NewCPU())
	want, err := run(cpu)
	if err != nil {
		t.Fatalf("%s on the CPU: %v", what, err)
	}
	if diff == nil {
		diff = equal
	}
	gpu := NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	placed, err := backend.Place(p, what, cpu, func() (R, error) { return on(n, gpu), nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, fail := range []error{nil, fmt.Errorf("webgpu: %w", backend.ErrDeviceLost), nil} {
		gpu.Fail(fail)
		got, err := backend.Run(placed, run)
		if err != nil {
			t.Fatalf("%s, pass %d (GPU failing with %v): %v", what, i, fail, err)
		}
		if d := diff(got, want); d != "" {
			t.Fatalf("%s, pass %d (GPU failing with %v): %s", what, i, fail, d)
		}
	}
	if gpu.Reads() != 2 || p.GPU() {
		t.Fatalf("%s: %d GPU reads, on the GPU %v; want 2 (the second failed) and the CPU from then on", what, gpu.Reads(), p.GPU())
	}
	return want
}

// equal is CheckFallback's diff when none is given.
func equal[Out any](got, want Out) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	return fmt.Sprintf("%v, want the CPU's %v", got, want)
}
