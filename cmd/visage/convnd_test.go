package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIConv1DAnd3D runs both demos: they print the shapes as the course
// writes them and write their pictures; conv3d also reads frames from a
// folder and refuses too few.
func TestCLIConv1DAnd3D(t *testing.T) {
	dir := t.TempDir()
	r := visage(t, "conv1d", "--out", filepath.Join(dir, "c1.png"), "--seconds", "2")
	if r.code != 0 || !strings.Contains(r.stdout, "input 500×1 * 3 filters of 9×1 → 492×3  (n samples × 1 channel") {
		t.Errorf("conv1d: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = visage(t, "conv3d", "--out", filepath.Join(dir, "c3.png"))
	if r.code != 0 || !strings.Contains(r.stdout, "14×14×14×1 * 16 filters of 5×5×5 → 10×10×10×16") ||
		!strings.Contains(r.stdout, "this video: 16×48×64×1 * 4 filters of 3×3×3 → 14×46×62×4  (t×h×w×channels") {
		t.Errorf("conv3d: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	f, err := os.Open(filepath.Join(dir, "c3.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if img, err := png.Decode(f); err != nil || img.Bounds().Dx() != 4*62 || img.Bounds().Dy() != 4*46 {
		t.Errorf("conv3d's picture: %v, want 248×184 (the 62×46 map, 4× larger)", err)
	}
	frames := t.TempDir()
	for i := range 3 {
		b, err := os.ReadFile(writeGreyPNG(t, 24+i, 16))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(frames, string(rune('a'+i))+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantError(t, visage(t, "conv3d", "--out", filepath.Join(dir, "x.png"), "--frames", frames), 1, "conv3d", "frames must share a size")
	os.Remove(filepath.Join(frames, "c.png"))
	wantError(t, visage(t, "conv3d", "--out", filepath.Join(dir, "x.png"), "--frames", frames), 1, "conv3d", "2 frames, want at least 3")
}
