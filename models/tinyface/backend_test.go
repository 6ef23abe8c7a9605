package tinyface

import (
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/ssd"
)

// TestDetectSurvivesGPUFailure runs the detector on a fake GPU as the
// browser does: a pass whose device is lost is redone on the CPU with the
// same detections, and later passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	detect := func(r *Runner[*tensor.Tensor], img *tensor.Tensor) ([]ssd.Detection, error) {
		return r.Detect(img, DefaultOptions())
	}
	if want := backendtest.CheckFallback(t, "tiny face detector", n, On, detect, img, nil); len(want) == 0 {
		t.Error("no face found on the CPU: the comparison checked nothing")
	}
}
