//go:build js && wasm

package webgpu

import "visage/core/tensor"

// Weights is a network's parameters uploaded to one Device, released
// together. The networks keep the Buffers it returns for their lifetime.
type Weights struct {
	d    *Device
	bufs []*Buffer
}

// NewWeights returns an empty set of weights on d.
func (d *Device) NewWeights() *Weights { return &Weights{d: d} }

// Tensor uploads t.
func (w *Weights) Tensor(t *tensor.Tensor) *Buffer {
	b := w.d.Upload(t)
	w.bufs = append(w.bufs, b)
	return b
}

// Vector uploads v as a [len(v)] tensor, or returns nil, an absent
// operand, when v is nil.
func (w *Weights) Vector(v []float32) *Buffer {
	if v == nil {
		return nil
	}
	return w.Tensor(&tensor.Tensor{Shape: []int{len(v)}, Data: v})
}

// Release frees every uploaded weight; their Buffers must not be used
// afterwards.
func (w *Weights) Release() {
	for _, b := range w.bufs {
		b.Release()
	}
	w.bufs = nil
	w.d.Trim()
}
