package backend_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
)

// doubler is a one-kernel network: y = x + x, read back.
type doubler[T any] struct{ b backend.Backend[T] }

func (d doubler[T]) run(v float32) (float32, error) {
	x := d.b.Upload(&tensor.Tensor{Shape: []int{1}, Data: []float32{v}})
	y := d.b.Add(x, x)
	out, err := d.b.ReadAll(y)
	d.b.Release(y)
	if err != nil {
		return 0, fmt.Errorf("doubler: %w", err)
	}
	return out[0].Data[0], nil
}

type runner interface {
	run(float32) (float32, error)
}

func TestPlacementFallsBackForGood(t *testing.T) {
	for _, failure := range []error{backend.ErrDeviceLost, backend.ErrOutOfMemory} {
		gpu := backendtest.NewFaulty()
		released := 0
		p := backend.OnGPU("fake", false, func() { released++ })
		n, err := backend.Place[runner](p, "doubler", doubler[*tensor.Tensor]{backend.NewCPU()},
			func() (runner, error) { return doubler[*tensor.Tensor]{gpu}, nil })
		if err != nil {
			t.Fatal(err)
		}
		pass := func(r runner) (float32, error) { return r.run(3) }
		if v, err := backend.Run(n, pass); v != 6 || err != nil || gpu.Reads() != 1 {
			t.Fatalf("on the GPU: %v, %v after %d reads, want 6 after 1", v, err, gpu.Reads())
		}
		gpu.Fail(fmt.Errorf("webgpu: %w", failure))
		if v, err := backend.Run(n, pass); v != 6 || err != nil {
			t.Fatalf("after %v: %v, %v, want 6 redone on the CPU", failure, v, err)
		}
		info := p.Info()
		if info.GPU || info.Adapter != "" || !strings.Contains(info.Why, failure.Error()) || released != 1 {
			t.Fatalf("after %v: %+v, released %d times; want the CPU, saying why, the GPU released once", failure, info, released)
		}
		gpu.Fail(nil) // a GPU that came back is not used again
		if v, err := backend.Run(n, pass); v != 6 || err != nil || gpu.Reads() != 2 {
			t.Fatalf("later: %v, %v after %d GPU reads, want 6 on the CPU", v, err, gpu.Reads())
		}
	}
}

func TestPlacementKeepsGPUOnOtherErrors(t *testing.T) {
	p := backend.OnGPU("fake", false, nil)
	n, _ := backend.Place(p, "net", "cpu", func() (string, error) { return "gpu", nil })
	bad := errors.New("bad input")
	_, err := backend.Run(n, func(which string) (int, error) {
		if which == "gpu" {
			return 0, bad
		}
		return 1, nil
	})
	if !errors.Is(err, bad) || !p.GPU() {
		t.Fatalf("got %v, GPU %v; want the pass's own error and the GPU kept", err, p.GPU())
	}
}

func TestPlaceSetUpFailure(t *testing.T) {
	oom := fmt.Errorf("upload: %w", backend.ErrOutOfMemory)
	p := backend.OnGPU("fake", false, nil)
	n, err := backend.Place(p, "face network", "cpu", func() (string, error) { return "", oom })
	if err != nil || p.GPU() || !strings.Contains(p.Info().Why, "could not hold the face network") {
		t.Fatalf("auto: %v, %+v; want the CPU, saying why", err, p.Info())
	}
	if v, _ := backend.Run(n, func(s string) (string, error) { return s, nil }); v != "cpu" {
		t.Fatalf("ran on %q, want cpu", v)
	}
	req := backend.OnGPU("fake", true, nil)
	if _, err := backend.Place(req, "face network", "cpu", func() (string, error) { return "", oom }); !errors.Is(err, backend.ErrOutOfMemory) {
		t.Fatalf("required: %v, want the set-up's error", err)
	}
	cpu := backend.OnCPU("asked for")
	n, _ = backend.Place(cpu, "net", "cpu", func() (string, error) { t.Fatal("set up on the GPU of a CPU placement"); return "", nil })
	if v, _ := backend.Run(n, func(s string) (string, error) { return s, nil }); v != "cpu" || cpu.Info().Why != "asked for" {
		t.Fatalf("OnCPU ran on %q, %+v", v, cpu.Info())
	}
}

// TestPlaceOnWaitsForTheUploads: a GPU whose uploads fail (its first read
// after the set-up) leaves the network, and the product, on the CPU.
func TestPlaceOnWaitsForTheUploads(t *testing.T) {
	gpu := backendtest.NewFaulty()
	gpu.Fail(fmt.Errorf("webgpu: %w", backend.ErrOutOfMemory))
	p := backend.OnGPU("fake", false, nil)
	n, err := backend.PlaceOn(p, "doubler", gpu, runner(doubler[*tensor.Tensor]{backend.NewCPU()}),
		func() (runner, error) { return doubler[*tensor.Tensor]{gpu}, nil })
	if err != nil || p.GPU() || gpu.Reads() != 1 || !strings.Contains(p.Info().Why, "could not hold the doubler") {
		t.Fatalf("%v, %+v after %d reads; want the CPU, saying the GPU could not hold it", err, p.Info(), gpu.Reads())
	}
	if v, err := backend.Run(n, func(r runner) (float32, error) { return r.run(2) }); v != 4 || err != nil {
		t.Fatalf("ran to %v, %v; want 4 on the CPU", v, err)
	}
}
