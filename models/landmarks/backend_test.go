package landmarks

import (
	"fmt"
	"slices"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// detector is what a product calls on the network, wherever it runs.
type detector interface {
	Detect(*tensor.Tensor) ([]Point, error)
}

// TestDetectSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same points, and that later
// passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	crop := tensor.New(120, 97, 3)
	for i := range crop.Data {
		crop.Data[i] = float32((i * 37) % 256)
	}
	want, err := n.Detect(crop)
	if err != nil {
		t.Fatal(err)
	}
	backendtest.CheckFallback(t, "landmark network", detector(n),
		func(gpu backend.Backend[*tensor.Tensor]) detector { return On(n, gpu) },
		func(d detector) ([]Point, error) { return d.Detect(crop) },
		want, func(got, want []Point) string {
			if !slices.Equal(got, want) {
				return fmt.Sprintf("points %v, want the CPU's %v", got, want)
			}
			return ""
		})
}
