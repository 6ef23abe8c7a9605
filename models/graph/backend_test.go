package graph

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
)

// kernelsOnly is the CPU with backend.Backend's kernels and none of
// backend.Elementwise's, as a backend that has not registered them.
type kernelsOnly struct {
	backend.Backend[*tensor.Tensor]
}

// TestOnRefusesMissingKernels: a model whose op needs a kernel the backend
// lacks is refused when placed, naming the node, the op, the kernel and the
// backend; one that needs only Backend's kernels runs there as on the CPU.
func TestOnRefusesMissingKernels(t *testing.T) {
	m, err := Load(tinyFS(tinyModel), "m/model.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = On(m, backend.Backend[*tensor.Tensor](kernelsOnly{backend.NewCPU()}))
	for _, part := range []string{`node "y"`, "op AddV2", "kernel Binary Add", "graph.kernelsOnly"} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("On(tiny model, kernelsOnly): error %v, want one naming %s", err, part)
		}
	}

	convOnly := strings.Replace(tinyModel, `"op": "AddV2", "input": ["conv", "c:0"]`, `"op": "Identity", "input": ["conv"]`, 1)
	m, err = Load(tinyFS(convOnly), "m/model.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := On(m, backend.Backend[*tensor.Tensor](kernelsOnly{backend.NewCPU()}))
	if err != nil {
		t.Fatal(err)
	}
	x := tt([]int{1, 2, 2, 1}, 1, -1, 2, 0)
	got, err := r.Run(map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "conv only", got["y"], []int{1, 2, 2, 2}, 1.5, 0, 0, 1, 2.5, 0, 0.5, 0)
	// A batch of two needs Unstack and Stack, which it lacks: a Run error.
	if _, err := r.Run(map[string]*tensor.Tensor{"x": tensor.New(2, 2, 2, 1)}); err == nil || !strings.Contains(err.Error(), "batch of 2") {
		t.Errorf("Run(batch 2) on kernelsOnly: error %v, want one about the batch", err)
	}
}

// poisoning is the CPU backend with memory discipline checked: it uploads
// copies, fills every released tensor with NaN (so a later read of it, or
// of a view of it, shows in the results) and counts releases of memory
// already released.
type poisoning struct {
	*backend.CPU
	released map[*float32]bool
	twice    int
}

func (p *poisoning) Upload(x *tensor.Tensor) *tensor.Tensor { return x.Clone() }
func (p *poisoning) UploadWeights(w *tensor.Tensor) *tensor.Tensor {
	return p.CPU.UploadWeights(w.Clone())
}
func (p *poisoning) Release(x *tensor.Tensor) {
	if len(x.Data) == 0 {
		return
	}
	if p.released[&x.Data[0]] {
		p.twice++
	}
	p.released[&x.Data[0]] = true
	for i := range x.Data {
		x.Data[i] = float32(math.NaN())
	}
}

// TestRunOnBackendReleasesSafely runs the four human-models graphs through
// On on a poisoning backend: every output equals the CPU Run's exactly, so
// no tensor was read or overwritten after its release, and none was
// released twice.
func TestRunOnBackendReleasesSafely(t *testing.T) {
	dir := humanModels(t)
	ref := loadReference(t)
	for _, name := range []string{"mobilefacenet", "faceres", "antispoof", "liveness"} {
		m, err := Load(os.DirFS(dir), name+".json")
		if err != nil {
			t.Fatal(err)
		}
		p := &poisoning{CPU: backend.NewCPU(), released: map[*float32]bool{}}
		r, err := On(m, backend.Backend[*tensor.Tensor](p))
		if err != nil {
			t.Fatal(err)
		}
		rm := ref.Models[name]
		in := map[string]*tensor.Tensor{rm.Input: lcgImage(rm.Seed, rm.InputShape)}
		want, err := m.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		for k, w := range want {
			if d := tensor.MaxAbsDiff(got[k], w); !(d == 0) {
				t.Errorf("%s: output %s differs from the CPU Run's by %g", name, k, d)
			}
		}
		if len(p.released) == 0 || p.twice > 0 {
			t.Errorf("%s: %d tensors released, %d of them more than once", name, len(p.released), p.twice)
		}
	}
}

// TestRunReportsBackendFailure: a device failure surfaces from Run, with
// its cause, after the one read of the run.
func TestRunReportsBackendFailure(t *testing.T) {
	m, err := Load(tinyFS(tinyModel), "m/model.json")
	if err != nil {
		t.Fatal(err)
	}
	f := backendtest.NewFaulty()
	r, err := On(m, backend.Backend[*tensor.Tensor](f))
	if err != nil {
		t.Fatal(err)
	}
	x := map[string]*tensor.Tensor{"x": tensor.New(1, 2, 2, 1)}
	if _, err := r.Run(x); err != nil {
		t.Fatal(err)
	}
	f.Fail(backend.ErrDeviceLost)
	if _, err := r.Run(x); !errors.Is(err, backend.ErrDeviceLost) || f.Reads() != 2 {
		t.Errorf("Run on a lost device: error %v after %d reads, want ErrDeviceLost after 2", err, f.Reads())
	}
}
