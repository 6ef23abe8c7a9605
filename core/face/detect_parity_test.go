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
	"visage/core/tight"
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

// Bounds of the detection parity test, each a few times (at most
// tight.Slack times, which the test checks) the worst value measured over
// the parity photos (face-api.js 1.7.15 on tfjs-cpu 4.22.0,
// reference values written with 9 significant digits): what is left is
// float32 summation order, so a real difference in the pipeline (a padding,
// a resize, an offset of half a pixel) is orders of magnitude above them.
const (
	// parityBoxPx bounds each box coordinate (x, y, width, height), in
	// pixels, of both detectors: measured 2.7e-5 px.
	parityBoxPx = 2e-4
	// parityScore bounds the detectors' scores: worst measured 6.0e-7 with
	// the pure Go kernels, 4.0e-7 with the AVX2+FMA ones (SSD and Tiny Face
	// Detector together).
	parityScore = 3e-6
	// parityLandmarkPx bounds the distance of each of the 68 landmarks:
	// measured 7.8e-5 px.
	parityLandmarkPx = 5e-4
	// parityDescriptor bounds the Euclidean distance between descriptors:
	// measured 1.25e-6.
	parityDescriptor = 1e-5
)

// TestDetectionParityWithFaceAPI runs the whole pipeline with face-api.js's
// settings (SSD defaults, its landmark crop, AlignFaceAPI) and the Tiny Face
// Detector on the parity photos and compares with face-api.js's own output
// on the same pixels: the same number of faces, and every box, score,
// landmark and descriptor within the bounds above.
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
	if len(ref.Faces) != len(parityPhotos) || len(ref.Tiny) != len(parityPhotos) {
		t.Fatalf("reference has %d photos (%d for the Tiny Face Detector), want %d: regenerate it", len(ref.Faces), len(ref.Tiny), len(parityPhotos))
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
	var worst struct{ box, score, landmark, descriptor float64 }
	faces, tinyFaces := 0, 0
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
				db, ds := boxDiff(d.Box, w.box()), math.Abs(d.Score-w.Score)
				if db > parityBoxPx || ds > parityScore {
					t.Errorf("%s: Tiny Face Detector face %d %+v, face-api.js %+v: box off by %.2g px (limit %g), score by %.2g (limit %g)", ph.key, i, d, w.box(), db, parityBoxPx, ds, parityScore)
				}
				worst.box, worst.score = max(worst.box, db), max(worst.score, ds)
				tinyFaces++
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
			db := boxDiff(g.Box, w.box())
			if db > parityBoxPx {
				t.Errorf("%s face %d: box %+v, face-api.js %+v: off by %.2g px (limit %g)", ph.key, i, g.Box, w.box(), db, parityBoxPx)
			}
			ds := math.Abs(g.Score - w.Score)
			if ds > parityScore {
				t.Errorf("%s face %d: score %.7f, face-api.js %.7f (limit %g)", ph.key, i, g.Score, w.Score, parityScore)
			}
			if len(g.Landmarks) != 68 || len(w.Landmarks) != 68 {
				t.Fatalf("%s face %d: %d landmarks, face-api.js %d, want 68", ph.key, i, len(g.Landmarks), len(w.Landmarks))
			}
			var lm float64
			for k, p := range g.Landmarks {
				lm = max(lm, math.Hypot(p.X-w.Landmarks[k][0], p.Y-w.Landmarks[k][1]))
			}
			if lm > parityLandmarkPx {
				t.Errorf("%s face %d: a landmark is %.2g px from face-api.js's (limit %g)", ph.key, i, lm, parityLandmarkPx)
			}
			if len(g.Encoding) != facerec.Dim || len(w.Descriptor) != facerec.Dim {
				t.Fatalf("%s face %d: descriptor of %d values, face-api.js %d, want %d", ph.key, i, len(g.Encoding), len(w.Descriptor), facerec.Dim)
			}
			d := Distance(g.Encoding, w.Descriptor)
			if d > parityDescriptor {
				t.Errorf("%s face %d: descriptor %.2g from face-api.js's (limit %g)", ph.key, i, d, parityDescriptor)
			}
			worst.box, worst.score = max(worst.box, db), max(worst.score, ds)
			worst.landmark, worst.descriptor = max(worst.landmark, lm), max(worst.descriptor, d)
			faces++
			t.Logf("%s face %d: score %.4f (ref %.4f), landmarks ≤ %.2g px, descriptor distance %.2g", ph.key, i, g.Score, w.Score, lm, d)
		}
	}
	// Every reference face was compared: no photo skipped, none found empty.
	if wantFaces, wantTiny := referenceCount(ref.Faces), referenceCount(ref.Tiny); faces != wantFaces || tinyFaces != wantTiny || faces == 0 || tinyFaces == 0 {
		t.Errorf("compared %d SSD faces and %d Tiny Face Detector faces, the reference has %d and %d", faces, tinyFaces, wantFaces, wantTiny)
	}
	t.Logf("worst over %d+%d faces: box %.2g px, score %.2g, landmark %.2g px, descriptor %.2g", faces, tinyFaces, worst.box, worst.score, worst.landmark, worst.descriptor)
	// Each bound within tight.Slack of the worst measured: loosening one
	// tenfold fails here.
	tight.Bound(t, "box (px)", worst.box, parityBoxPx)
	tight.Bound(t, "score", worst.score, parityScore)
	tight.Bound(t, "landmark (px)", worst.landmark, parityLandmarkPx)
	tight.Bound(t, "descriptor distance", worst.descriptor, parityDescriptor)
}

// box returns the reference face's box in this package's type.
func (f referenceFace) box() Box {
	return Box{X: f.Box.X, Y: f.Box.Y, W: f.Box.Width, H: f.Box.Height}
}

// boxDiff is the largest difference, in pixels, between a's and b's
// coordinates (x, y, width, height).
func boxDiff(a, b Box) float64 {
	return max(math.Abs(a.X-b.X), math.Abs(a.Y-b.Y), math.Abs(a.W-b.W), math.Abs(a.H-b.H))
}

// referenceCount is the number of faces in a reference map.
func referenceCount(m map[string][]referenceFace) int {
	n := 0
	for _, fs := range m {
		n += len(fs)
	}
	return n
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
