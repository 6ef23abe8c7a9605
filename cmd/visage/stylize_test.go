package main

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"visage/models/assets/assettest"
	"visage/models/vgg19"
)

// writeGreyPNG writes a w×h greyscale gradient PNG and returns its path.
func writeGreyPNG(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetGray(x, y, color.Gray{uint8(255 * (x + y) / (w + h))})
		}
	}
	path := filepath.Join(t.TempDir(), "grey.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStylizeUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--style", "s.jpg", "--out", "o.png"}, "--content"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--pool", "min"}, "--pool"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--every", "5"}, "--frames"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--size", "0"}, "--size"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--steps", "0"}, "--steps"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--beta", "-1"}, "--beta"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--lr", "0"}, "--lr"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--noise", "NaN"}, "--noise"},
		{[]string{"--content", "c", "--style", "s", "--out", "o.png", "--optimizer", "sgd"}, "--optimizer"},
	} {
		wantError(t, visage(t, append([]string{"stylize"}, c.args...)...), exitUsage, "stylize", c.want)
	}
}

func TestStylizeCorruptWeightsNamesTheFile(t *testing.T) {
	real := assettest.VGG19(t, vgg19.ManifestName)
	dir := t.TempDir()
	entries, err := os.ReadDir(real)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join(real, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(dir, "conv2_2_bias"))
	if err := os.WriteFile(filepath.Join(dir, "conv2_2_bias"), make([]byte, 128), 0o644); err != nil {
		t.Fatal(err)
	}
	grey := writeGreyPNG(t, 20, 10)
	r := visage(t, "stylize", "--content", grey, "--style", grey, "--out", filepath.Join(t.TempDir(), "o.png"), "--vgg", dir)
	wantError(t, r, exitError, "stylize", "conv2_2_bias", "MD5")
}

// TestStylizeRefusesSizesOverTheMemoryBudget replays the hardening report's
// `stylize --size 2048`, which grew past 2.4 GB without finishing a step:
// now a usage error with the estimate, the budget and a size that fits.
func TestStylizeRefusesSizesOverTheMemoryBudget(t *testing.T) {
	assettest.VGG19(t, vgg19.ManifestName)
	grey := writeGreyPNG(t, 20, 10)
	r := visage(t, "stylize", "--content", grey, "--style", grey, "--out", filepath.Join(t.TempDir(), "o.png"), "--size", "2048")
	wantError(t, r, exitUsage, "stylize", "--size 2048", "2048×1024 needs about", "more than the 4.0 GiB budget", "use a size of at most")
}

// TestStylizeRuns stylizes a greyscale, landscape content with a portrait
// painting at a tiny size for a few steps: the cost goes down, the PNG has the
// content's aspect ratio, and --every/--frames and --preserve-color work.
func TestStylizeRuns(t *testing.T) {
	assettest.VGG19(t, vgg19.ManifestName)
	style := assettest.Shared(t, "data/nst/style/the_scream.jpg")
	out := filepath.Join(t.TempDir(), "out.png")
	frames := filepath.Join(t.TempDir(), "frames")
	r := visage(t, "stylize", "--content", writeGreyPNG(t, 60, 30), "--style", style, "--out", out,
		"--size", "32", "--steps", "4", "--every", "2", "--frames", frames, "--preserve-color", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res stylizeResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("stdout %q: %v", r.stdout, err)
	}
	if res.Steps != 4 || len(res.Loss) != 4 || !(res.Loss[3] < res.Loss[0]) || res.MsPerStep <= 0 {
		t.Errorf("result %+v: want 4 steps, a falling loss, a positive ms_per_step", res)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 32 || b.Dy() != 16 {
		t.Errorf("output %v, want 32×16 (the content's 2:1 at --size 32)", b)
	}
	// A grey content with --preserve-color stays grey.
	if r, g, b, _ := img.At(7, 5).RGBA(); r != g || g != b {
		t.Errorf("pixel (7,5) = %d,%d,%d; want grey", r>>8, g>>8, b>>8)
	}
	for _, name := range []string{"frame-00002.png", "frame-00004.png"} {
		if _, err := os.Stat(filepath.Join(frames, name)); err != nil {
			t.Error(err)
		}
	}
}
