package e2e

import (
	_ "embed"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"visage/core/imageio"
	"visage/core/imageio/imageiotest"
)

//go:embed testdata/engine_survives.js
var engineSurvivesJS string

// TestEngineSurvives replays the hardening report in the page: a 20000×20000
// PNG bomb (detect, and encode as the Compare view calls it) and oversized
// pixels reject with the size and the limit, and the engine goes on; then the
// Go program is ended mid-session, as a fatal out-of-memory error ends it:
// the call in flight and the one queued behind it reject saying what
// happened, and the restarted engine has the gallery and threshold back and
// verifies as before.
func TestEngineSurvives(t *testing.T) {
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	args, err := json.Marshal(map[string]any{
		"photoA1": read(lfwPhoto(t, lfwEnrollA)), "photoA2": read(lfwPhoto(t, lfwCameraA)),
		"bomb": imageiotest.PNGBomb(20000, 20000, false),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := openSite(t)
	type verdict struct {
		Match     bool
		Distance  float64
		Threshold float64
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		MaxPixels                                                 int
		DetectBomb, EncodeBomb, DetectHugePixels, DetectHugeImage string
		Before, AfterBombs, VerifyAfter                           verdict
		Crash, Queued                                             string
		GalleryAfter                                              struct {
			Threshold float64
			People    []struct {
				Name    string
				Samples int
			}
		}
	}]("("+engineSurvivesJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got.MaxPixels != imageio.MaxPixels {
		t.Errorf("visage.js MAX_PIXELS = %d, the Go core's imageio.MaxPixels = %d", got.MaxPixels, imageio.MaxPixels)
	}
	wantRejections(t, []rejection{
		{"detect(PNG bomb)", got.DetectBomb, "detect: imageio: PNG image is 20000x20000 (400.0 megapixels), more than the 25.2 megapixels"},
		{"encode(PNG bomb)", got.EncodeBomb, "encode: imageio: PNG image is 20000x20000"},
		{"detect(20000x20000 RGBA)", got.DetectHugePixels, "detect: imageio: RGBA pixels is 20000x20000"},
		{"detect(20000x20000 <img>)", got.DetectHugeImage, "got a 20000x20000 image (400.0 megapixels), more than the 25.2 megapixels"},
		{"crashForTesting", got.Crash, "the engine stopped (fatal error: crashForTesting) during crashForTesting, which was not done; the engine was restarted"},
		{"identify queued behind the crash", got.Queued, "during identify, which was not done; the engine was restarted with the gallery, so try again"},
	})
	if !got.Before.Match || got.Before.Threshold != 0.55 {
		t.Fatalf("verify before the crash: %+v, want a match at threshold 0.55", got.Before)
	}
	for what, v := range map[string]verdict{"after the bombs": got.AfterBombs, "after the restart": got.VerifyAfter} {
		if v.Match != got.Before.Match || v.Threshold != 0.55 || math.Abs(v.Distance-got.Before.Distance) > 1e-6 {
			t.Errorf("verify %s: %+v, want %+v as before", what, v, got.Before)
		}
	}
	g := got.GalleryAfter
	if g.Threshold != 0.55 || len(g.People) != 1 || g.People[0].Name != "A" || g.People[0].Samples != 1 {
		t.Errorf("gallery after the restart: %+v, want A with 1 sample at threshold 0.55", g)
	}
	if strings.Contains(got.Crash, "resolved") {
		t.Error("crashForTesting resolved")
	}
}
