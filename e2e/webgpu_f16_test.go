package e2e

import (
	"strings"
	"testing"

	"visage/core/tight"
	"visage/models/assets"
	"visage/models/assets/assettest"
)

// maxHalfDescriptorDiff bounds max|f16 − cpu| between face descriptors under
// the F16 precision (webgpu.F16: weights stored as float16, tiles staged as
// float16, sums in float32). Measured with F16's rounding emulated on
// SwiftShader: 1.75e-4 on a faces-dev chip (the bound is 4.6 times that),
// 2.0e-4 on noise and 4.0e-4 on a disc on a ramp; f32 gives ~2e-7. Each case
// must also be within tight.Slack of the bound, which shows that F16 ran.
// VGG-19 keeps f32 weights under F16 (see vgg19.On), so the style-transfer
// checks keep the f32 bound, maxGradientRelErr.
const maxHalfDescriptorDiff = 8e-4

// TestWebGPUHalfPrecision runs the face recognition checks (a face chip
// first) and the style-transfer checks with the device's precision set to
// F16; on an adapter without shader-f16 (SwiftShader) the page checks that
// F16 is refused and then emulates it (F16's numbers, in f32 shaders).
func TestWebGPUHalfPrecision(t *testing.T) {
	models, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	faces := 0
	for _, r := range runGPUPage(t, "?precision=f16", models, chipPaths(t)[0]) {
		t.Logf("%s %s: max diff %.2e, rel %.2e; GPU %.0f ms, CPU %.0f ms", r.Op, r.Case, r.MaxAbsDiff, r.RelErr, r.GPUMillis, r.CPUMillis)
		switch {
		case r.Error != "":
			t.Errorf("%s %s: %s", r.Op, r.Case, r.Error)
		case strings.HasPrefix(r.Op, "f16 facerec"):
			tight.Bound(t, r.Op+" "+r.Case+": max |f16 − cpu|", r.MaxAbsDiff, maxHalfDescriptorDiff)
			if strings.HasPrefix(r.Case, "face chip") {
				faces++
			}
		case strings.HasPrefix(r.Op, "f16 nst") && !(r.RelErr <= maxGradientRelErr):
			t.Errorf("%s %s: relative error %.3g, want ≤ %g (VGG-19 stays f32)", r.Op, r.Case, r.RelErr, maxGradientRelErr)
		}
	}
	if faces != 1 {
		t.Errorf("the page encoded %d face chips at F16, want 1", faces)
	}
}
