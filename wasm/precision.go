//go:build js && wasm

package main

import (
	"syscall/js"

	"visage/core/backend/webgpu"
)

// precisionOf reads load's precision option: 'f32' (the default) or 'f16'
// (see webgpu.F16: it applies to the networks that upload their weights
// with UploadWeights: the matrix kernels' filters).
func precisionOf(opts js.Value) (webgpu.Precision, error) {
	v := opts.Get("precision")
	if v.IsUndefined() {
		return webgpu.F32, nil
	}
	s, err := stringOf(v, "load: precision")
	if err != nil {
		return "", err
	}
	return webgpu.ParsePrecision(s)
}

// usePrecision sets p on b's GPU, if it has one, before the networks upload
// their weights. F16 on an adapter without shader-f16 stays F32, which
// backend() reports as its precision.
func usePrecision(b *backend, p webgpu.Precision) {
	if d := b.device(); d != nil {
		_ = d.SetPrecision(p) // webgpu.ErrNoF16 leaves F32
	}
}

// precisionOn is the precision the networks run at on backend b: the
// GPU's, or "f32" on the CPU.
func precisionOn(b *backend) string {
	if d := b.device(); d != nil {
		return string(d.Precision())
	}
	return string(webgpu.F32)
}
