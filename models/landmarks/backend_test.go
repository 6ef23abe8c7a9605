package landmarks

import (
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// TestDetectSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same points, and that later
// passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	crop := tensor.New(120, 97, 3)
	for i := range crop.Data {
		crop.Data[i] = float32((i * 37) % 256)
	}
	n := assettest.FaceModel(t, Manifest, Load)
	backendtest.CheckFallback(t, "landmark network", n, On, (*Runner[*tensor.Tensor]).Detect, crop, nil)
}
