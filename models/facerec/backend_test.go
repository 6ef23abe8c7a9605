package facerec

import (
	"fmt"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// encoder is what a product calls on the network, wherever it runs.
type encoder interface {
	Encode(*tensor.Tensor) ([]float32, error)
}

// TestEncodeSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does: a pass whose device is lost is
// redone on the CPU with the same descriptor, and later passes stay there.
func TestEncodeSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := seq(Size, Size, 3)
	want, err := n.Encode(img)
	if err != nil {
		t.Fatal(err)
	}
	backendtest.CheckFallback(t, "face network", encoder(n),
		func(gpu backend.Backend[*tensor.Tensor]) encoder { return On(n, gpu) },
		func(e encoder) ([]float32, error) { return e.Encode(img) },
		want, func(got, want []float32) string {
			if d := distance(got, want); d != 0 {
				return fmt.Sprintf("descriptor %v from the CPU's", d)
			}
			return ""
		})
}
