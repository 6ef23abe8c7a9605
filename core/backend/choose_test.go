package backend_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"visage/core/backend"
)

type fakeGPU struct {
	software  bool
	destroyed *int
}

func (g fakeGPU) Adapter() string { return "fake adapter" }
func (g fakeGPU) Software() bool  { return g.software }
func (g fakeGPU) Destroy()        { *g.destroyed++ }

func TestChoose(t *testing.T) {
	never := make(chan struct{})
	defer close(never)
	for _, c := range []struct {
		name, choice string
		open         func(*int) (fakeGPU, error)
		wantGPU      bool
		wantErr, why string
		destroyed    int
	}{
		{"cpu", backend.ChoiceCPU, nil, false, "", "asked for", 0},
		{"auto, hardware", backend.ChoiceAuto, func(n *int) (fakeGPU, error) { return fakeGPU{false, n}, nil }, true, "", "", 0},
		{"auto, software", backend.ChoiceAuto, func(n *int) (fakeGPU, error) { return fakeGPU{true, n}, nil }, false, "", "is a software one", 1},
		{"auto, none", backend.ChoiceAuto, func(*int) (fakeGPU, error) { return fakeGPU{}, errors.New("no adapter") }, false, "", "no adapter", 0},
		{"auto, hangs", backend.ChoiceAuto, func(*int) (fakeGPU, error) { <-never; return fakeGPU{}, nil }, false, "", "no adapter and device after", 0},
		{"webgpu, software", backend.ChoiceGPU, func(n *int) (fakeGPU, error) { return fakeGPU{true, n}, nil }, true, "", "", 0},
		{"webgpu, none", backend.ChoiceGPU, func(*int) (fakeGPU, error) { return fakeGPU{}, errors.New("no adapter") }, false, "backend 'webgpu' is unavailable: no adapter", "", 0},
		{"bad", "gpu", nil, false, `backend must be 'auto', 'webgpu' or 'cpu', found "gpu"`, "", 0},
	} {
		destroyed := 0
		open := func() (fakeGPU, error) {
			if c.open == nil {
				t.Fatalf("%s: opened a device", c.name)
			}
			return c.open(&destroyed)
		}
		p, d, err := backend.Choose(c.choice, open, 10*time.Millisecond)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		info := p.Info()
		if info.GPU != c.wantGPU || (d.destroyed != nil) != c.wantGPU || !strings.Contains(info.Why, c.why) || destroyed != c.destroyed {
			t.Errorf("%s: %+v, device returned %v, destroyed %d times; want GPU %v, why %q, destroyed %d", c.name, info, d.destroyed != nil, destroyed, c.wantGPU, c.why, c.destroyed)
		}
		if c.wantGPU {
			p.Failed(backend.ErrDeviceLost)
			if destroyed != 1 {
				t.Errorf("%s: giving the GPU up destroyed it %d times, want 1", c.name, destroyed)
			}
		}
	}
}
