package mobilefacenet

import (
	"fmt"
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/encodertest"
)

func load(t testing.TB) *Net { return assettest.HumanModel(t, ModelFile, Load) }

// TestEncodeIsUnitLength checks the embedding with either preprocessing.
func TestEncodeIsUnitLength(t *testing.T) {
	n := load(t)
	for _, in := range []Preprocess{Symmetric, Unit} {
		n.Input = in
		t.Run(fmt.Sprintf("input %d", in), func(t *testing.T) { encodertest.CheckUnitLength(t, n, Dim, Size) })
	}
}

// BenchmarkMobileFaceNet times one embedding of a 112×112 chip, natively
// (the graph runtime on core/ops's pure Go kernels).
func BenchmarkMobileFaceNet(b *testing.B) { encodertest.Bench(b, load(b), Size) }

// TestEncodeOnBackend runs the network through On on a fake GPU: the
// descriptor is the CPU's and a device failure surfaces from Encode.
func TestEncodeOnBackend(t *testing.T) {
	encodertest.CheckOn(t, load(t), On[*tensor.Tensor], Size)
}
