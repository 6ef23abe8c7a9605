//go:build js && wasm

package webgpu

// ReLUCopy is backend.Backend's ReLUCopy: ops.ReLU into a new tensor, x
// left alone. It is binary.wgsl's ReLU gradient taken of x by itself, x
// where x > 0 and 0 elsewhere, which is max(x, 0) exactly.
func (d *Device) ReLUCopy(x *Buffer) *Buffer { return d.binary("ReLUCopy", x, x, 1, 0) }
