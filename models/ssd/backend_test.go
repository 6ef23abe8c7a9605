package ssd

import (
	"fmt"
	"math"
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// TestRunSurvivesGPUFailure runs the detector on a fake GPU as the browser
// does: a pass whose device is lost is redone on the CPU with the same
// boxes and scores, and later passes stay there.
func TestRunSurvivesGPUFailure(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	backendtest.CheckFallback(t, "face detector", n, On, (*Runner[*tensor.Tensor]).Run, img,
		func(got, want *Output) string {
			if d := maxDiff(got, want); d != 0 {
				return fmt.Sprintf("boxes and scores differ from the CPU's by up to %v", d)
			}
			return ""
		})
}

// maxDiff is the largest difference between two outputs' anchor boxes and
// scores (+Inf when their anchors differ in number).
func maxDiff(a, b *Output) float64 {
	ab, as := a.Anchors()
	bb, bs := b.Anchors()
	if len(ab) != len(bb) || len(as) != len(bs) || len(as) == 0 {
		return math.Inf(1)
	}
	d := 0.0
	for i := range as {
		d = max(d, math.Abs(as[i]-bs[i]))
		for k := range 4 {
			d = max(d, math.Abs(ab[i][k]-bb[i][k]))
		}
	}
	return d
}
