package mobilefacenet

import (
	"fmt"
	"testing"

	"visage/models/assets/assettest"
	"visage/models/encodertest"
)

// TestEncode checks the embedding's length and norm, and its run on a
// failing fake GPU through On, with either preprocessing of the chip.
func TestEncode(t *testing.T) {
	n := assettest.HumanModel(t, ModelFile, Load)
	for _, in := range []Preprocess{Symmetric, Unit} {
		n.Input = in
		t.Run(fmt.Sprintf("input %d", in), func(t *testing.T) { encodertest.Check(t, n, On, Dim, Size) })
	}
}

// BenchmarkMobileFaceNet times one embedding of a 112×112 chip, natively
// (the graph runtime on core/ops's pure Go kernels).
func BenchmarkMobileFaceNet(b *testing.B) {
	encodertest.Bench(b, assettest.HumanModel(b, ModelFile, Load), Size)
}
