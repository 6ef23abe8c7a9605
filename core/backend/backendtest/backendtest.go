// Package backendtest has a fake GPU backend for testing code that must
// survive a device's failure: the CPU's kernels, and a read that fails on
// demand as a lost or exhausted GPU does.
package backendtest

import (
	"sync"

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
