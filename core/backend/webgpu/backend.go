//go:build js && wasm

package webgpu

import "visage/core/backend"

// A Device is a backend.Differentiable: the networks of visage/models run
// on it as on the CPU.
var _ backend.Differentiable[*Buffer] = (*Device)(nil)

// NewTensor is NewBuffer: a new [shape] tensor of zeros.
func (d *Device) NewTensor(shape ...int) *Buffer { return d.NewBuffer(shape...) }

// Shape returns b's shape.
func (*Device) Shape(b *Buffer) []int { return b.Shape }

// Reshape is b.Reshape: b itself, with another shape of the same size.
func (*Device) Reshape(b *Buffer, shape ...int) *Buffer { return b.Reshape(shape...) }

// Release is b.Release.
func (*Device) Release(b *Buffer) { b.Release() }
