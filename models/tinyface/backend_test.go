package tinyface

import (
	"testing"

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
	// detect is d's pass over an image with the default options.
	detect := func(d detector) backendtest.Pass[*tensor.Tensor, []ssd.Detection] {
		return func(img *tensor.Tensor) ([]ssd.Detection, error) { return d.Detect(img, opt) }
	}
	want := backendtest.CheckFallback(t, "tiny face detector", detect(n),
		func(gpu backendtest.GPU) backendtest.Pass[*tensor.Tensor, []ssd.Detection] { return detect(On(n, gpu)) }, img, nil)
	if len(want) == 0 {
		t.Error("no face found on the CPU: the comparison checked nothing")
	}
}
