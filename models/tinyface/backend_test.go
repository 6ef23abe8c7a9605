package tinyface

import (
	"fmt"
	"reflect"
	"testing"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/ssd"
)

// detector is what a product calls on the network, wherever it runs.
type detector interface {
	Detect(*tensor.Tensor, Options) ([]ssd.Detection, error)
}

// TestDetectSurvivesGPUFailure runs the detector on a fake GPU as the
// browser does: a pass whose device is lost is redone on the CPU with the
// same detections, and later passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	opt := DefaultOptions()
	want, err := n.Detect(img, opt)
	if err != nil || len(want) == 0 {
		t.Fatalf("on the CPU: %v, error %v; want a face", want, err)
	}
	backendtest.CheckFallback(t, "tiny face detector", detector(n),
		func(gpu backend.Backend[*tensor.Tensor]) detector { return On(n, gpu) },
		func(d detector) ([]ssd.Detection, error) { return d.Detect(img, opt) },
		want, func(got, want []ssd.Detection) string {
			if reflect.DeepEqual(got, want) {
				return ""
			}
			return fmt.Sprintf("detections %v, want the CPU's %v", got, want)
		})
}
