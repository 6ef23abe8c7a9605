package e2e

import (
	"strings"
	"testing"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

// The F16 precision's bounds (webgpu.F16: weights stored as float16, tiles
// staged as float16, sums in float32): a descriptor within 1e-2 of the
// CPU's, a style-transfer gradient within 1e-2 relative.
const (
	maxHalfDescriptorDiff = 1e-2
	maxHalfGradientRelErr = 1e-2
)

// TestWebGPUHalfPrecision runs the face recognition and style-transfer
// checks with the device's precision set to F16, on an adapter with
// shader-f16; without it (SwiftShader) it checks that the device stayed at
// f32 and skips.
func TestWebGPUHalfPrecision(t *testing.T) {
	models, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	for _, r := range runGPUPage(t, "?precision=f16", models, "") {
		if r.Error != "" {
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
			continue
		}
		switch {
		case strings.HasPrefix(r.Op, "f16 facerec") && !(r.MaxAbsDiff <= maxHalfDescriptorDiff):
			t.Errorf("%s %s: descriptors differ by %.3g, want ≤ %g", r.Op, r.Case, r.MaxAbsDiff, maxHalfDescriptorDiff)
		case strings.HasPrefix(r.Op, "f16 nst") && !(r.RelErr <= maxHalfGradientRelErr):
			t.Errorf("%s %s: relative error %.3g, want ≤ %g", r.Op, r.Case, r.RelErr, maxHalfGradientRelErr)
		}
		t.Logf("%s %s: max diff %.2e, rel %.2e; GPU %.0f ms, CPU %.0f ms", r.Op, r.Case, r.MaxAbsDiff, r.RelErr, r.GPUMillis, r.CPUMillis)
	}
}
