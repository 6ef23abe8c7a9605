package faceres

import (
	"testing"

	"visage/models/assets/assettest"
	"visage/models/encodertest"
)

// TestEncode checks the descriptor's length and norm, and its run on a
// failing fake GPU through On.
func TestEncode(t *testing.T) {
	encodertest.Check(t, assettest.HumanModel(t, ModelFile, Load), On, Dim, Size)
}

// BenchmarkFaceRes times one descriptor of a 224×224 chip, natively
// (the graph runtime on core/ops's pure Go kernels).
func BenchmarkFaceRes(b *testing.B) {
	encodertest.Bench(b, assettest.HumanModel(b, ModelFile, Load), Size)
}
