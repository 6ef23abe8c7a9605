package landmarks

import (
	"maps"
	"os"
	"strings"
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/weights"
)

// TestLoadRejectsOtherWeights checks that the real weights pass
// checkWeights and that a missing, misshapen or extra weight, or another
// network's manifest, fails with an error naming it.
func TestLoadRejectsOtherWeights(t *testing.T) {
	dir := assettest.FaceModels(t, Manifest)
	w, err := weights.Load(os.DirFS(dir), Manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkWeights(w); err != nil {
		t.Fatalf("the real weights: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(map[string]*tensor.Tensor)
		want string
	}{
		{"missing", func(m map[string]*tensor.Tensor) { delete(m, "dense2/conv3/bias") }, `"dense2/conv3/bias" missing`},
		{"wrong shape", func(m map[string]*tensor.Tensor) { m["dense1/conv0/depthwise_filter"] = tensor.New(3, 3, 64, 1) },
			`"dense1/conv0/depthwise_filter": expected shape [3 3 32 1], found [3 3 64 1]`},
		{"too few points", func(m map[string]*tensor.Tensor) { m["fc/weights"] = tensor.New(256, 10) }, `"fc/weights": expected shape [256 136]`},
		{"extra", func(m map[string]*tensor.Tensor) { m["dense4/conv0/bias"] = tensor.New(1) }, "1 weights beyond"},
	} {
		m := maps.Clone(w)
		tc.edit(m)
		if err := checkWeights(m); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	other, err := weights.Load(os.DirFS(dir), "face_landmark_68_tiny_model-weights_manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkWeights(other); err == nil {
		t.Error("the tiny landmark model's weights were accepted")
	}
}
