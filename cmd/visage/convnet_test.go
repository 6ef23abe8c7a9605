package main

import (
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"visage/core/art"
	"visage/core/face"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/facerec"
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

// TestCLIConvnetUnitsFaceRec runs convnet-units --net facerec on five LFW
// photos and a picture without a face: the faceless one is skipped and
// counted, and every unit's patches are the brute-force ranking of the
// images by the unit's largest activation in their chips (recomputed here
// image by image), with windows of the layer's receptive field clipped to
// the 150×150 chip.
func TestCLIConvnetUnitsFaceRec(t *testing.T) {
	assettest.FaceModels(t, facerec.Manifest)
	lfw := assettest.Shared(t, "data/lfw/images_deepfunneled")
	dir := t.TempDir()
	for _, p := range []string{"Colin_Powell/Colin_Powell_0001.jpg", "Colin_Powell/Colin_Powell_0002.jpg",
		"George_W_Bush/George_W_Bush_0001.jpg", "Serena_Williams/Serena_Williams_0001.jpg", "Tony_Blair/Tony_Blair_0001.jpg"} {
		b, err := os.ReadFile(filepath.Join(lfw, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	blank, err := os.ReadFile(writeGreyPNG(t, 90, 70))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "no_face.png"), blank, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "faces.png")
	const k = 3
	layers := []string{"conv32_down", "conv64_1"}
	r := visage(t, "convnet-units", "--net", "facerec", "--dir", dir, "--out", out, "--layers", strings.Join(layers, ","), "--units", "4", "--k", "3", "--cell", "8")
	if r.code != 0 {
		t.Fatalf("convnet-units --net facerec: exit %d: %s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(strings.TrimSuffix(out, ".png") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var rep unitsReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Net != "facerec" || rep.Size != facerec.Size || rep.Images != 5 || rep.Skipped != 1 || len(rep.Layers) != 2 {
		t.Fatalf("report: net %s, size %d, %d images, %d skipped, %d layers; want facerec, 150, 5, 1, 2", rep.Net, rep.Size, rep.Images, rep.Skipped, len(rep.Layers))
	}

	// Brute force: every image's chip through the network, and per channel
	// the images ranked by their largest activation.
	net, err := faceRecUnits("")
	if err != nil {
		t.Fatal(err)
	}
	files, err := imageFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var acts [][]*tensor.Tensor // per image with a face, per layer
	var names []string
	for _, f := range files {
		chip, err := net.input(f)
		if errors.Is(err, face.ErrNoFace) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		a, err := net.activations(chip, layers...)
		if err != nil {
			t.Fatal(err)
		}
		acts, names = append(acts, a), append(names, f)
	}
	for j, l := range rep.Layers {
		if want, _ := art.FaceRecField(layers[j]); l.Layer != layers[j] || l.Field != want || len(l.Units) != 4 {
			t.Errorf("layer %d: %s, field %+v, %d units; want %s, %+v, 4", j, l.Layer, l.Field, len(l.Units), layers[j], want)
		}
		for _, u := range l.Units {
			var want []unitPatch
			for i, a := range acts {
				a := a[j]
				best, at := float32(0), -1
				for p := range a.Shape[0] * a.Shape[1] {
					if v := a.Data[p*a.Shape[2]+u.Channel]; v > best {
						best, at = v, p
					}
				}
				if at >= 0 {
					y, x := at/a.Shape[1], at%a.Shape[1]
					top, left, bottom, right := l.Field.Window(y, x, facerec.Size, facerec.Size)
					want = append(want, unitPatch{names[i], y, x, best, top, left, bottom, right})
				}
			}
			sort.SliceStable(want, func(a, b int) bool { return want[a].Value > want[b].Value })
			if want = want[:min(k, len(want))]; !slices.Equal(u.Patches, want) {
				t.Errorf("%s unit %d: patches %+v, brute force %+v", l.Layer, u.Channel, u.Patches, want)
			}
		}
	}
	wantError(t, visage(t, "convnet-units", "--net", "facerec", "--dir", dir, "--out", out, "--layers", "conv1_1"), 2, "convnet-units", "unknown face encoder layer")
	wantError(t, visage(t, "convnet-units", "--net", "alexnet", "--dir", dir, "--out", out), 2, "convnet-units", "want vgg19 or facerec")
}
