//go:build js && wasm

package webgpu

import "visage/core/tensor"

// SetPrecision sets the precision of the matrix kernels recorded, and of
// the weights uploaded, from now on. F16 fails with ErrNoF16, leaving the
// precision as it was, when the adapter lacks shader-f16.
func (d *Device) SetPrecision(p Precision) error {
	if _, err := ParsePrecision(string(p)); err != nil {
		return err
	}
	if p == F16 && !d.hasF16 && !d.emulateF16 {
		return ErrNoF16
	}
	d.precision = p
	return nil
}

// Precision returns the precision set (F32 unless SetPrecision changed it).
func (d *Device) Precision() Precision {
	if d.precision == "" {
		return F32
	}
	return d.precision
}

// UploadWeights is Upload for a tensor that is only ever the weights
// operand of the matrix kernels (Conv2D's and ConvBackwardInput's filters,
// FullyConnected's and MatMul's right operand): under F16 it is stored as
// float16 (rounded to nearest), and no other kernel may read it.
func (d *Device) UploadWeights(t *tensor.Tensor) *Buffer {
	if d.Precision() != F16 {
		return d.Upload(t)
	}
	b := &Buffer{d: d, Shape: append([]int(nil), t.Shape...), half: true}
	b.buf = d.createBuffer(b.bytes(), storageUsages)
	if t.Len() > 0 {
		bits := make([]uint32, (t.Len()+1)/2) // two float16 a word, the first in the low half
		for i, v := range t.Data {
			bits[i/2] |= uint32(float16Bits(v)) << (16 * (i % 2))
		}
		d.queue.Call("writeBuffer", b.buf, 0, toJSBytes(uint32Bytes(bits)))
	}
	return b
}

// matmulShader names matmul.wgsl's variant, and sets its constants, for the
// weights operand b: a product runs at F16 (float16 tiles) exactly when its
// weights were uploaded at F16, so that a network whose weights stay f32
// (VGG-19's, see vgg19.On) runs wholly at f32 on an F16 device.
func (d *Device) matmulShader(b *Buffer, constants map[string]any) string {
	constants["HALF_B"], constants["ROUND_TILES"] = b2i(b.half), b2i(b.half && !d.hasF16)
	if b.half && d.hasF16 {
		return "matmul:TileT=f16"
	}
	return "matmul"
}

// EmulateF16ForTesting lets SetPrecision(F16) succeed on an adapter without
// shader-f16: the weights are stored as float16 as on one with it, and the
// tiles, f32 there, hold values rounded to float16, so that the results
// are F16's (up to the rounding of ties, which WGSL leaves to the
// implementation) and its accuracy can be measured anywhere. The speed is
// not F16's. For tests only.
func (d *Device) EmulateF16ForTesting() { d.emulateF16 = true }
