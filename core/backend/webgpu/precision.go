package webgpu

import (
	"errors"
	"fmt"
)

// Precision is how the matrix kernels (convolutions, their data gradients,
// fully connected layers, matrix products) store and stage their operands.
type Precision string

const (
	// F32 keeps every value in float32: the default, the CPU kernels'
	// results within float32 rounding.
	F32 Precision = "f32"
	// F16 stores the weights uploaded with UploadWeights as float16, half
	// the memory and bandwidth, and the matrix kernels that use them stage
	// both operands' tiles in workgroup memory as float16; products are
	// summed in float32. It needs the adapter's shader-f16 feature (see
	// EmulateF16ForTesting).
	F16 Precision = "f16"
)

// ParsePrecision returns the Precision named s ("f32" or "f16").
func ParsePrecision(s string) (Precision, error) {
	switch p := Precision(s); p {
	case F32, F16:
		return p, nil
	}
	return "", fmt.Errorf("webgpu: precision %q, want 'f32' or 'f16'", s)
}

// ErrNoF16 is SetPrecision's error on an adapter without shader-f16.
var ErrNoF16 = errors.New("webgpu: the adapter lacks the shader-f16 feature")
