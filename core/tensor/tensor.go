// Package tensor holds Visage's dense float32 array: a shape and row-major data.
//
// Images and activations are stored channels-last (HWC for one image, NHWC for a
// batch; a 1-D signal is WC and a volume DHWC), the layout TensorFlow.js and the
// published weights use. The zero value is an empty, shapeless tensor.
package tensor

import (
	"fmt"
	"math"
)

// Tensor is a dense row-major float32 array. Data has exactly Size(Shape)
// elements; the tensor owns Data unless it was built with FromData.
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zero-filled tensor of the given shape. It panics on a negative
// dimension, which is a programming error.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, Size(shape))}
}

// FromData wraps data (not copied) as a tensor of the given shape. It returns an
// error when len(data) does not equal the product of shape.
func FromData(data []float32, shape ...int) (*Tensor, error) {
	if n := Size(shape); n != len(data) {
		return nil, fmt.Errorf("tensor: shape %v needs %d values, got %d", shape, n, len(data))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}, nil
}

// Size returns the number of elements of a tensor of the given shape (1 for a
// scalar shape). It panics on a negative dimension.
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.Shape) }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// Reshape returns a tensor sharing t's data with a new shape of the same size.
func (t *Tensor) Reshape(shape ...int) (*Tensor, error) {
	return FromData(t.Data, shape...)
}

// Offset returns the index into Data of the element at idx. It panics when idx
// has the wrong rank or is out of range.
func (t *Tensor) Offset(idx ...int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("tensor: index %v for shape %v", idx, t.Shape))
	}
	off := 0
	for i, v := range idx {
		if v < 0 || v >= t.Shape[i] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, t.Shape))
		}
		off = off*t.Shape[i] + v
	}
	return off
}

// At returns the element at idx.
func (t *Tensor) At(idx ...int) float32 { return t.Data[t.Offset(idx...)] }

// Set stores v at idx.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[t.Offset(idx...)] = v }

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b *Tensor) bool {
	if len(a.Shape) != len(b.Shape) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	return true
}

// MaxAbsDiff returns max |a_i - b_i|, or +Inf when the shapes differ. Tests use
// it to compare kernels against their references.
func MaxAbsDiff(a, b *Tensor) float64 {
	if !SameShape(a, b) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range a.Data {
		if d := math.Abs(float64(a.Data[i]) - float64(b.Data[i])); d > m || d != d {
			m = d
		}
	}
	return m
}
