package faceres

import (
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/encodertest"
)

func load(t testing.TB) *Net { return assettest.HumanModel(t, ModelFile, Load) }

func TestEncodeIsUnitLength(t *testing.T) {
	encodertest.CheckUnitLength(t, load(t), Dim, Size)
}

// BenchmarkFaceRes times one descriptor of a 224×224 chip, natively
// (the graph runtime on core/ops's pure Go kernels).
func BenchmarkFaceRes(b *testing.B) { encodertest.Bench(b, load(b), Size) }

// TestEncodeOnBackend runs the network through On on a fake GPU: the
// descriptor is the CPU's and a device failure surfaces from Encode.
func TestEncodeOnBackend(t *testing.T) {
	encodertest.CheckOn(t, load(t), On[*tensor.Tensor], Size)
}
