//go:build js && wasm

package main

import (
	"strings"
	"testing"
)

// Under Node there is no GPU: a bad precision is rejected before anything
// loads, and the CPU reports f32 whatever was asked for (SwiftShader in
// Chromium lacks shader-f16 and reports f32 too: e2e TestArtWebGPU).
func TestLoadPrecision(t *testing.T) {
	a := &api{}
	for _, c := range []struct {
		precision any
		want      string
	}{
		{"f64", `precision "f64", want 'f32' or 'f16'`},
		{16, "load: precision must be a string, found number"},
	} {
		got := call(a, "load", map[string]any{"files": map[string]any{}, "precision": c.precision})
		if !strings.Contains(got.rejected, c.want) {
			t.Errorf("load with precision %v: %q, want %q", c.precision, got.rejected, c.want)
		}
	}
	b, err := openBackend(backendCPU, "f16")
	if err != nil {
		t.Fatal(err)
	}
	if p := b.info().Precision; p != "f32" {
		t.Errorf("the CPU backend asked for f16 reports precision %v, want f32", p)
	}
}
