package face

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"visage/models/assets"
)

// TestLoadFaceEncoder: dlib is loaded elsewhere (nil), an unknown name and
// a folder without the graph model are errors naming them, and the
// human-models folder gives each encoder with its name and width.
func TestLoadFaceEncoder(t *testing.T) {
	if enc, err := LoadFaceEncoder(fstest.MapFS{}, EncoderDlib); enc != nil || err != nil {
		t.Errorf("dlib: %v, %v; want nil, nil", enc, err)
	}
	if _, err := LoadFaceEncoder(fstest.MapFS{}, "vgg"); err == nil || !strings.Contains(err.Error(), "vgg") {
		t.Errorf("an unknown encoder: %v, want an error naming it", err)
	}
	for _, name := range []string{EncoderMobileFaceNet, EncoderFaceRes} {
		if _, err := LoadFaceEncoder(fstest.MapFS{}, name); err == nil || !strings.Contains(err.Error(), name+".json") {
			t.Errorf("%s from an empty folder: %v, want an error naming %s.json", name, err, name)
		}
	}
	dir, err := assets.HumanModelsDir()
	if err != nil {
		t.Skipf("human-models not installed (npm ci): %v", err)
	}
	for name, dim := range map[string]int{EncoderMobileFaceNet: MobileFaceNetDim, EncoderFaceRes: FaceResDim} {
		enc, err := LoadFaceEncoder(os.DirFS(dir), name)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Name() != name || enc.Dim() != dim {
			t.Errorf("%s: loaded %s of %d numbers", name, enc.Name(), enc.Dim())
		}
	}
}
