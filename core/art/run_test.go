package art

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// runPair returns a tiny random network and a 10×9 content and style.
func runPair() (*vgg19.Net, *tensor.Tensor, *tensor.Tensor) {
	rng := rand.New(rand.NewPCG(7, 8))
	return vgg19test.Net(11, vgg19.AvgPool), randTensor(rng, 0, 255, 10, 9, 3), randTensor(rng, 0, 255, 10, 9, 3)
}

// chunks takes the chunks of steps of r, failing the test on an error, and
// returns the costs of every step.
func chunks(t *testing.T, r *Run, sizes ...int) []Costs {
	t.Helper()
	var all []Costs
	for _, n := range sizes {
		c, err := r.Step(n)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, c...)
	}
	return all
}

// TestRunSurvivesGPUFailure runs a stylization on a fake GPU through a
// backend.Placement, as the browser does: the device is lost in the second
// of three chunks, which is redone on the CPU from the first chunk's image
// and Adam moments, and the run ends where a CPU-only run (and the CPU
// Stylizer) ends. A run that kept the image but lost the moments would not.
func TestRunSurvivesGPUFailure(t *testing.T) {
	net, content, style := runPair()
	opts := DefaultOptions()
	cpuRun, err := NewRun[*tensor.Tensor](backend.OnCPU("test"), net, nil, content, style, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := chunks(t, cpuRun, 2, 2, 2)
	st, err := NewStylizer(net, content, style, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		c, err := st.Step()
		if err != nil || c != want[i] {
			t.Fatalf("Stylizer step %d: costs %+v, %v; the CPU Run's %+v", i, c, err, want[i])
		}
	}
	if d := tensor.MaxAbsDiff(st.Image(), cpuRun.Image()); d != 0 {
		t.Fatalf("the Stylizer ends %g from the CPU Run, want the same loop", d)
	}

	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	run, err := NewRun(p, net, vgg19.On(net, backend.Differentiable[*tensor.Tensor](gpu)), content, style, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := chunks(t, run, 2)
	if !run.GPU() || gpu.Reads() != 1 {
		t.Fatalf("after a chunk on the GPU: on the GPU %v after %d reads; want true after 1", run.GPU(), gpu.Reads())
	}
	afterOne := run.Image().Clone()
	gpu.Fail(fmt.Errorf("webgpu: %w", backend.ErrDeviceLost))
	got = append(got, chunks(t, run, 2, 2)...)
	if run.GPU() || p.GPU() || gpu.Reads() != 2 || run.Steps() != 6 {
		t.Fatalf("after the loss: on the GPU %v (placement %v), %d GPU reads, %d steps; want the CPU, 2 reads (the second failed), 6 steps",
			run.GPU(), p.GPU(), gpu.Reads(), run.Steps())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d: costs %+v, the CPU-only run's %+v", i, got[i], want[i])
		}
	}
	d := tensor.MaxAbsDiff(run.Image(), cpuRun.Image())
	t.Logf("the run that lost its GPU ends %g from the CPU-only run", d)
	if d > 1e-4 {
		t.Errorf("the run that lost its GPU ends %g from the CPU-only run, want ≤ 1e-4 (rounding)", d)
	}

	// The control: the same image after the first chunk, without Adam's
	// moments, ends elsewhere.
	fresh := &Run{p: backend.OnCPU("test"), net: net, content: content, style: style, opts: opts, state: State{Image: afterOne, Steps: 2}}
	if err := fresh.toCPU(); err != nil {
		t.Fatal(err)
	}
	chunks(t, fresh, 2, 2)
	if d := tensor.MaxAbsDiff(fresh.Image(), cpuRun.Image()); d < 0.1 {
		t.Errorf("a run resumed without its moments ends only %g from the uninterrupted one: the test cannot tell", d)
	}
}

// TestRunFollowsPlacement checks that a run leaves the GPU, without reading
// it again, once another network's failure has moved the Placement to the
// CPU; and that an error that is not the device's is the Step's own.
func TestRunFollowsPlacement(t *testing.T) {
	net, content, style := runPair()
	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	runner := vgg19.On(net, backend.Differentiable[*tensor.Tensor](gpu))
	run, err := NewRun(p, net, runner, content, style, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	chunks(t, run, 1)
	p.Failed(backend.ErrOutOfMemory) // another network's pass
	chunks(t, run, 1)
	if run.GPU() || gpu.Reads() != 1 || run.Steps() != 2 {
		t.Errorf("on the GPU %v after %d GPU reads and %d steps; want the CPU after 1 read and 2 steps", run.GPU(), gpu.Reads(), run.Steps())
	}
	p = backend.OnGPU("fake", false, nil)
	if run, err = NewRun(p, net, runner, content, style, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	gpu.Fail(errors.New("a bug"))
	if _, err := run.Step(1); err == nil || !p.GPU() {
		t.Errorf("a chunk failing with a bug: error %v, placement on the GPU %v; want the error and the GPU kept", err, p.GPU())
	}
	if _, err := NewRun(p, net, runner, content, style, Options{Cost: DefaultCostOptions(), LR: 2, Optimizer: "lbfgs"}); err == nil {
		t.Error("a Run took L-BFGS")
	}
	if _, err := run.Step(0); err == nil {
		t.Error("a Run took 0 steps")
	}
}
