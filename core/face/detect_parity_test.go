package face

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/facerec"
	"visage/models/tinyface"
)

// parityPhotos are the inputs of the detection parity test: LFW photos
// alone and pasted side by side or stacked, so that there are several faces,
// small faces and non-square photos (face-api.js pads those to a square).
var parityPhotos = []struct {
	key   string
	files []string // LFW images, relative to images_deepfunneled
	rows  int      // 1: side by side; 2: stacked (two files)
}{
	{"single", []string{"Aaron_Eckhart/Aaron_Eckhart_0001.jpg"}, 1},
	{"pair-wide", []string{"Abel_Pacheco/Abel_Pacheco_0001.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"}, 1},
	{"pair-tall", []string{"George_W_Bush/George_W_Bush_0001.jpg", "Serena_Williams/Serena_Williams_0001.jpg"}, 2},
	{"strip-of-three", []string{"Amber_Tamblyn/Amber_Tamblyn_0001.jpg", "Tony_Blair/Tony_Blair_0001.jpg", "Colin_Powell/Colin_Powell_0001.jpg"}, 1},
}

// composePhoto decodes files and pastes them in a row (rows=1) or a column (rows=2).
func composePhoto(dir string, files []string, rows int) (*tensor.Tensor, error) {
	var imgs []*tensor.Tensor
	for _, f := range files {
		img, err := imageio.DecodeFile(filepath.Join(dir, f))
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	h, w := imgs[0].Shape[0], imgs[0].Shape[1]
	oh, ow := h, w*len(imgs)
	if rows == 2 {
		oh, ow = h*len(imgs), w
	}
	out := tensor.New(oh, ow, 3)
	for i, img := range imgs {
		if img.Shape[0] != h || img.Shape[1] != w {
			return nil, fmt.Errorf("%s is %v, want %dx%d", files[i], img.Shape, h, w)
		}
		x0, y0 := i*w, 0
		if rows == 2 {
			x0, y0 = 0, i*h
		}
		for y := range h {
			copy(out.Data[((y0+y)*ow+x0)*3:((y0+y)*ow+x0+w)*3], img.Data[y*w*3:(y+1)*w*3])
		}
	}
	return out, nil
}

// referenceFace is one face as testdata/detect/make_reference.mjs writes it.
type referenceFace struct {
	Box        struct{ X, Y, Width, Height float64 }
	Score      float64
	Landmarks  [][2]float64
	Descriptor []float32
}

// TestDetectionParityWithFaceAPI runs the whole pipeline with face-api.js's
// settings (SSD defaults, its landmark crop, AlignFaceAPI) and the Tiny Face
// Detector on the parity photos and compares with face-api.js's own output
// on the same pixels.
//
// With VISAGE_DUMP_DETECT_PIXELS=DIR it instead writes the photos' pixels
// for the reference script (see testdata/detect/make_reference.mjs).
func TestDetectionParityWithFaceAPI(t *testing.T) {
	models := assettest.FaceModels(t, facerec.Manifest)
	lfwDir := assettest.Shared(t, "data/lfw/images_deepfunneled")
	if dump := os.Getenv("VISAGE_DUMP_DETECT_PIXELS"); dump != "" {
		dumpParityPixels(t, lfwDir, dump)
		t.Skip("pixels dumped to " + dump)
	}
	raw, err := os.ReadFile("../../testdata/detect/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Faces map[string][]referenceFace
		Tiny  map[string][]referenceFace // boxes and scores only
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(models)
	enc, err := facerec.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	pipe, err := LoadPipeline(fsys, enc, AlignFaceAPI)
	if err != nil {
		t.Fatal(err)
	}
	tiny, err := tinyface.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range parityPhotos {
		want, ok := ref.Faces[ph.key]
		if !ok {
			t.Fatalf("%s: no reference", ph.key)
		}
		img, err := composePhoto(lfwDir, ph.files, ph.rows)
		if err != nil {
			t.Fatal(err)
		}
		tinyDets, err := tiny.Detect(img, tinyface.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if wantTiny := ref.Tiny[ph.key]; len(tinyDets) != len(wantTiny) {
			t.Errorf("%s: Tiny Face Detector found %d faces, face-api.js %d", ph.key, len(tinyDets), len(wantTiny))
		} else {
			for i, d := range tinyDets {
				w := wantTiny[i]
				if iou := boxIoU(d.Box, Box{X: w.Box.X, Y: w.Box.Y, W: w.Box.Width, H: w.Box.Height}); iou < 0.95 || math.Abs(d.Score-w.Score) > 1e-3 {
					t.Errorf("%s: Tiny Face Detector face %d %+v, face-api.js %+v (IoU %.4f)", ph.key, i, d, w, iou)
				}
			}
		}
		got, err := pipe.Faces(img)
		if err != nil {
			t.Fatalf("%s: %v", ph.key, err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d faces, face-api.js found %d", ph.key, len(got), len(want))
			continue
		}
		for i, g := range got {
			w := want[i]
			wb := Box{X: w.Box.X, Y: w.Box.Y, W: w.Box.Width, H: w.Box.Height}
			if iou := boxIoU(g.Box, wb); iou < 0.95 {
				t.Errorf("%s face %d: box %+v, face-api.js %+v: IoU %.4f < 0.95", ph.key, i, g.Box, wb, iou)
			}
			var worst float64
			for k, p := range g.Landmarks {
				worst = max(worst, math.Hypot(p.X-w.Landmarks[k][0], p.Y-w.Landmarks[k][1]))
			}
			if worst > 1.5 {
				t.Errorf("%s face %d: a landmark is %.3f px from face-api.js's (limit 1.5)", ph.key, i, worst)
			}
			d := Distance(g.Encoding, w.Descriptor)
			if d > 1e-3 {
				t.Errorf("%s face %d: descriptor %.2g from face-api.js's (limit 1e-3)", ph.key, i, d)
			}
			t.Logf("%s face %d: score %.4f (ref %.4f), landmarks ≤ %.3f px, descriptor distance %.2g", ph.key, i, g.Score, w.Score, worst, d)
		}
	}
}

func boxIoU(a, b Box) float64 {
	ix := math.Max(0, math.Min(a.X+a.W, b.X+b.W)-math.Max(a.X, b.X))
	iy := math.Max(0, math.Min(a.Y+a.H, b.Y+b.H)-math.Max(a.Y, b.Y))
	inter := ix * iy
	return inter / (a.W*a.H + b.W*b.H - inter)
}

// dumpParityPixels writes each parity photo as little-endian float32 RGB
// (DIR/<key>.f32) and DIR/index.json listing {key, file, height, width}.
func dumpParityPixels(t *testing.T, lfwDir, dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		Key    string `json:"key"`
		File   string `json:"file"`
		Height int    `json:"height"`
		Width  int    `json:"width"`
	}
	var index []entry
	for _, ph := range parityPhotos {
		img, err := composePhoto(lfwDir, ph.files, ph.rows)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4*img.Len())
		for i, v := range img.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		e := entry{ph.key, ph.key + ".f32", img.Shape[0], img.Shape[1]}
		if err := os.WriteFile(filepath.Join(dir, e.File), buf, 0o644); err != nil {
			t.Fatal(err)
		}
		index = append(index, e)
	}
	js, _ := json.Marshal(index)
	if err := os.WriteFile(filepath.Join(dir, "index.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
}
