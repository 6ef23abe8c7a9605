package backendtest

import (
	"errors"
	"slices"
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// Encoder is a face encoder: a chip to a descriptor.
type Encoder interface {
	Encode(chip *tensor.Tensor) ([]float32, error)
}

// CheckOn checks a face encoder net placed by on (the network's On) on a
// Faulty: its descriptor of chip is net's, value for value (a Faulty runs
// the CPU's kernels), and once the device is lost Encode reports an error
// wrapping backend.ErrDeviceLost.
func CheckOn[N, R Encoder](t testing.TB, net N, on func(N, backend.Backend[*tensor.Tensor]) (R, error), chip *tensor.Tensor) {
	t.Helper()
	f := NewFaulty()
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
