//go:build js && wasm

package main

import (
	"strings"
	"testing"
)

// Under Node there is no navigator, so these cover the CPU side of the
// choice; e2e/backend_test.go covers WebGPU in Chromium.
func TestOpenBackendWithoutWebGPU(t *testing.T) {
	for _, c := range []struct {
		choice, wantErr, wantReason string
	}{
		{backendCPU, "", "asked for"},
		{backendAuto, "", ""}, // no navigator (Node 20), or no navigator.gpu (later Nodes)
		{backendWebGPU, "backend 'webgpu' is unavailable: ", ""},
		{"gpu", `backend must be 'auto', 'webgpu' or 'cpu', found "gpu"`, ""},
	} {
		b, err := openBackend(c.choice, "f32")
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("openBackend(%q): error %v, want one containing %q", c.choice, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("openBackend(%q): %v", c.choice, err)
			continue
		}
		info := b.info()
		if b.device() != nil || info.Backend != backendCPU || info.Reason == "" || !strings.Contains(info.Reason, c.wantReason) {
			t.Errorf("openBackend(%q) reports %+v, want the CPU because %q", c.choice, info, c.wantReason)
		}
	}
}

func TestLoadRejectsABadBackend(t *testing.T) {
	a := &api{}
	got := call(a, "load", map[string]any{"files": map[string]any{}, "backend": 42})
	if want := "load: backend must be a string, found number"; !strings.Contains(got.rejected, want) {
		t.Errorf("load with backend 42: %q, want %q", got.rejected, want)
	}
}
