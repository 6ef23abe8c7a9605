package backend

import (
	"fmt"
	"time"
)

// What a product may ask of the GPU (Choose's choice).
const (
	ChoiceAuto = "auto"   // the GPU when there is a hardware one, else the CPU (the default)
	ChoiceGPU  = "webgpu" // the GPU, software or not, or an error saying why not
	ChoiceCPU  = "cpu"    // the CPU, the GPU untouched
)

// GPU is what Choose needs of an opened device.
type GPU interface {
	Adapter() string // the adapter's name, for Placement.Info
	Software() bool  // a software rasterizer, slower than the CPU path
	Destroy()        // frees the device
}

// Choose returns the Placement choice asks for and, when it is on the
// GPU, the device open opened. Auto settles for the CPU, saying why, when
// open fails, takes longer than timeout (its goroutine is then abandoned)
// or gives a software adapter; ChoiceGPU fails instead, except on a
// software adapter, which it takes. On the GPU, the Placement destroys the
// device when it gives it up, and requires it (Place's errors) under
// ChoiceGPU. Any other choice is an error naming the three.
func Choose[G GPU](choice string, open func() (G, error), timeout time.Duration) (*Placement, G, error) {
	var none G
	switch choice {
	case ChoiceCPU:
		return OnCPU("the CPU was asked for (backend: 'cpu')"), none, nil
	case ChoiceAuto, ChoiceGPU:
	default:
		return nil, none, fmt.Errorf("backend must be 'auto', 'webgpu' or 'cpu', found %q", choice)
	}
	d, err := openWithin(open, timeout)
	switch {
	case err != nil && choice == ChoiceGPU:
		return nil, none, fmt.Errorf("backend 'webgpu' is unavailable: %w", err)
	case err != nil:
		return OnCPU(err.Error()), none, nil
	case choice == ChoiceAuto && d.Software():
		d.Destroy()
		return OnCPU("the only WebGPU adapter, " + d.Adapter() + ", is a software one, slower than the CPU path (backend 'webgpu' uses it anyway)"), none, nil
	}
	return OnGPU(d.Adapter(), choice == ChoiceGPU, d.Destroy), d, nil
}

// openWithin is open, failing when it takes longer than timeout: some
// browser configurations never settle WebGPU's requestAdapter promise.
func openWithin[G any](open func() (G, error), timeout time.Duration) (G, error) {
	type opened struct {
		d   G
		err error
	}
	done := make(chan opened, 1)
	go func() {
		d, err := open()
		done <- opened{d, err}
	}()
	select {
	case o := <-done:
		return o.d, o.err
	case <-time.After(timeout):
		var none G
		return none, fmt.Errorf("webgpu: no adapter and device after %v", timeout)
	}
}
