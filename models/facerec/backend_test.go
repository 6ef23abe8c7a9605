package facerec

import (
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// TestEncodeSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does: a pass whose device is lost is
// redone on the CPU with the same descriptor, and later passes stay there.
func TestEncodeSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	backendtest.CheckFallback(t, "face network", n, On, (*Runner[*tensor.Tensor]).Encode, seq(Size, Size, 3), nil)
}
