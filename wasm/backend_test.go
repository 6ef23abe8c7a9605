//go:build js && wasm

package main

import (
	"strings"
	"testing"
)

// Under Node there is no WebGPU: load's options are read and checked
// before anything loads, and backend 'webgpu' is refused with openGPU's
// reason. core/engine's tests cover the choice and the fallback natively,
// e2e/backend_test.go WebGPU itself in Chromium.
func TestLoadOptions(t *testing.T) {
	a := newAPI()
	for _, c := range []struct {
		options map[string]any
		want    string
	}{
		{map[string]any{"backend": 42}, "load: backend must be a string, found number"},
		{map[string]any{"precision": 16}, "load: precision must be a string, found number"},
		{map[string]any{"precision": "f64"}, `precision "f64", want 'f32' or 'f16'`},
		{map[string]any{"backend": "webgpu"}, "load: backend 'webgpu' is unavailable: "},
	} {
		c.options["files"] = map[string]any{}
		if got := call(a, "load", c.options); !strings.Contains(got.rejected, c.want) {
			t.Errorf("load(%v): rejected with %q, want %q", c.options, got.rejected, c.want)
		}
	}
}
