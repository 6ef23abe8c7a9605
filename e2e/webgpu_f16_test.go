package e2e

import (
	"strings"
	"testing"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

// The F16 precision's bounds (webgpu.F16: weights stored as float16, tiles
// staged as float16, sums in float32): a face descriptor within 1e-2 of the
// CPU's, and more than 1e-5 from it (f32 gives ~2e-7), or F16 did not run.
// VGG-19 keeps f32 weights under F16 (see nstgpu), so the style-transfer
// checks keep the f32 bound, maxGradientRelErr.
const (
	maxHalfDescriptorDiff = 1e-2
	minHalfDescriptorDiff = 1e-5
)

// TestWebGPUHalfPrecision runs the face recognition and style-transfer
// checks with the device's precision set to F16; on an adapter without
// shader-f16 (SwiftShader) the page checks that F16 is refused and then
// emulates it (F16's numbers, in f32 shaders).
func TestWebGPUHalfPrecision(t *testing.T) {
	models, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	for _, r := range runGPUPage(t, "?precision=f16", models, "") {
		if r.Error != "" {
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
			continue
		}
		switch {
		case strings.HasPrefix(r.Op, "f16 facerec") && !(r.MaxAbsDiff <= maxHalfDescriptorDiff && r.MaxAbsDiff > minHalfDescriptorDiff):
			t.Errorf("%s %s: descriptors differ by %.3g, want in (%g, %g]", r.Op, r.Case, r.MaxAbsDiff, minHalfDescriptorDiff, maxHalfDescriptorDiff)
		case strings.HasPrefix(r.Op, "f16 nst") && !(r.RelErr <= maxGradientRelErr):
			t.Errorf("%s %s: relative error %.3g, want ≤ %g (VGG-19 stays f32)", r.Op, r.Case, r.RelErr, maxGradientRelErr)
		}
		t.Logf("%s %s: max diff %.2e, rel %.2e; GPU %.0f ms, CPU %.0f ms", r.Op, r.Case, r.MaxAbsDiff, r.RelErr, r.GPUMillis, r.CPUMillis)
	}
}
