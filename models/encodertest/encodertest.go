// Package encodertest checks a face encoder, a network that turns a chip
// into a descriptor of unit length (faceres, mobilefacenet), the same way
// for every such network: the descriptor's length and norm, the error for a
// chip of the wrong size, its run on a failing fake GPU, and its benchmark.
package encodertest

import (
	"errors"
	"math"
	"slices"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
)

// Encoder is a face encoder: a chip to a descriptor.
type Encoder interface {
	Encode(chip *tensor.Tensor) ([]float32, error)
}

// Chip returns a smooth synthetic size×size RGB chip (values 0..255).
func Chip(size int) *tensor.Tensor {
	c := tensor.New(size, size, 3)
	for y := range size {
		for x := range size {
			for k := range 3 {
				c.Data[(y*size+x)*3+k] = float32(127.5 + 120*math.Sin(float64(x*(k+1))/17+float64(y)/23))
			}
		}
	}
	return c
}

// Check checks a face encoder net, which takes size×size chips, and its
// network's On (see the two subtests, "unit length" and "on a failing GPU").
func Check[N, R Encoder](t *testing.T, net N, on func(N, backend.Backend[*tensor.Tensor]) (R, error), dim, size int) {
	t.Run("unit length", func(t *testing.T) { checkUnitLength(t, net, dim, size) })
	t.Run("on a failing GPU", func(t *testing.T) { checkOn(t, net, on, size) })
}

// checkUnitLength checks that e, which takes size×size chips, encodes
// Chip(size) into dim numbers of norm 1 (within 1e-4 on the square), and
// that a chip of half that size is an error.
func checkUnitLength(t *testing.T, e Encoder, dim, size int) {
	d, err := e.Encode(Chip(size))
	if err != nil {
		t.Fatal(err)
	}
	var sq float64
	for _, v := range d {
		sq += float64(v) * float64(v)
	}
	if len(d) != dim || math.Abs(sq-1) > 1e-4 {
		t.Errorf("%d numbers of norm² %v, want %d of norm 1", len(d), sq, dim)
	}
	if _, err := e.Encode(tensor.New(size/2, size/2, 3)); err == nil {
		t.Errorf("Encode of a %d×%d chip: no error", size/2, size/2)
	}
}

// checkOn checks a face encoder net placed by on (the network's On) on a
// backendtest.Faulty: its descriptor of Chip(size) is net's, value for
// value (a Faulty runs the CPU's kernels), and once the device is lost
// Encode reports an error wrapping backend.ErrDeviceLost.
func checkOn[N, R Encoder](t *testing.T, net N, on func(N, backend.Backend[*tensor.Tensor]) (R, error), size int) {
	chip := Chip(size)
	f := backendtest.NewFaulty()
	placed, err := on(net, f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := placed.Encode(chip)
	if err != nil {
		t.Fatal(err)
	}
	want, err := net.Encode(chip)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("descriptor on the backend differs from the CPU's")
	}
	f.Fail(backend.ErrDeviceLost)
	if _, err := placed.Encode(chip); !errors.Is(err, backend.ErrDeviceLost) {
		t.Errorf("Encode on a lost device: error %v, want one wrapping ErrDeviceLost", err)
	}
}

// Bench times e's descriptor of Chip(size), one per iteration.
func Bench(b *testing.B, e Encoder, size int) {
	c := Chip(size)
	for b.Loop() {
		if _, err := e.Encode(c); err != nil {
			b.Fatal(err)
		}
	}
}
