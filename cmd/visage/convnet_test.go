package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"visage/models/assets/assettest"
	"visage/models/vgg19"
)

// TestCLIConvnetUnits runs convnet-units on six small images with the real
// VGG-19: the grid has a row per layer and a block per unit, the report
// lists each unit's patches strongest first, from different images, with
// windows inside the scaled images that match the layer's receptive field.
func TestCLIConvnetUnits(t *testing.T) {
	assettest.VGG19(t, vgg19.ManifestName)
	dir := t.TempDir()
	for i := range 6 {
		src := writeGreyPNG(t, 20+7*i, 30-3*i)
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "img"+string(rune('a'+i))+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "grid.png")
	r := visage(t, "convnet-units", "--dir", dir, "--out", out, "--layers", "conv1_1,conv3_1", "--units", "3", "--k", "4", "--size", "32", "--cell", "8")
	if r.code != 0 {
		t.Fatalf("convnet-units: exit %d: %s", r.code, r.stderr)
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
	// Blocks of 2×2 cells of 8 px with 2 px gaps: 3 units wide, 2 layers high.
	if b := img.Bounds(); b.Dx() != 3*(16+2)+2 || b.Dy() != 2*(16+2)+2 {
		t.Errorf("grid is %dx%d, want %dx%d", b.Dx(), b.Dy(), 3*18+2, 2*18+2)
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(out), "grid.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep unitsReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Images != 6 || len(rep.Layers) != 2 || rep.Layers[1].Field.Size != 24 {
		t.Fatalf("report: %d images, %d layers, conv3_1 field %+v; want 6, 2, size 24", rep.Images, len(rep.Layers), rep.Layers[1].Field)
	}
	for _, l := range rep.Layers {
		if len(l.Units) != 3 {
			t.Errorf("%s: %d units, want 3", l.Layer, len(l.Units))
		}
		for _, u := range l.Units {
			seen := map[string]bool{}
			for i, p := range u.Patches {
				if seen[p.Image] || i > 0 && p.Value > u.Patches[i-1].Value || p.Top < 0 || p.Left < 0 || p.Bottom > 32 || p.Right > 32 ||
					p.Bottom-p.Top > l.Field.Size || p.Right-p.Left > l.Field.Size || p.Top >= p.Bottom || p.Left >= p.Right {
					t.Errorf("%s unit %d: patch %d %+v: want distinct images, strongest first, windows within the field and the image", l.Layer, u.Channel, i, p)
				}
				seen[p.Image] = true
			}
			if len(u.Patches) == 0 || len(u.Patches) > 4 {
				t.Errorf("%s unit %d: %d patches, want 1 to 4", l.Layer, u.Channel, len(u.Patches))
			}
		}
	}
	wantError(t, visage(t, "convnet-units", "--dir", dir, "--out", out, "--layers", "fc7"), 2, "convnet-units", "unknown layer")
}
