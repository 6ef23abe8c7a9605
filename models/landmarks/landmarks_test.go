package landmarks

import (
	"math"
	"path/filepath"
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// dlibChipEye returns where dlib's get_face_chip_details(shape, 150, 0.25)
// puts the centre of an eye: the mean of its six points in dlib's mean face
// shape (points 36–41 or 42–47), mapped into the padded chip.
func dlibChipEye(right bool) Point {
	xs := []float64{0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743}
	ys := []float64{0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077}
	if right {
		xs = []float64{0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335}
		ys = []float64{0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099}
	}
	var p Point
	for i := range xs {
		p.X += (0.25 + xs[i]) / 1.5 * 150 / 6
		p.Y += (0.25 + ys[i]) / 1.5 * 150 / 6
	}
	return p
}

func eyeCentre(pts []Point, first int) Point {
	var c Point
	for _, p := range pts[first : first+6] {
		c.X += p.X / 6
		c.Y += p.Y / 6
	}
	return c
}

// On dlib's own aligned chips the eyes must land where dlib's alignment
// template put them (an independent reference), within a few pixels.
func TestEyesOnDlibChipsMatchDlibTemplate(t *testing.T) {
	n := assettest.FaceModel(t, Manifest, Load)
	files, _ := filepath.Glob(filepath.Join(assettest.Shared(t, "data/faces-dev/dlib_johns"), "*/*.jpg"))
	if len(files) == 0 {
		t.Fatal("no dlib chips found")
	}
	wantL, wantR := dlibChipEye(false), dlibChipEye(true)
	for _, f := range files[:min(8, len(files))] {
		img, err := imageio.DecodeFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pts, err := n.Detect(img)
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != NumPoints {
			t.Fatalf("%d points, want %d", len(pts), NumPoints)
		}
		l, r := eyeCentre(pts, 36), eyeCentre(pts, 42)
		t.Logf("%s: eyes %.1f and %.1f px from dlib's", filepath.Base(f), math.Hypot(l.X-wantL.X, l.Y-wantL.Y), math.Hypot(r.X-wantR.X, r.Y-wantR.Y))
		if d := math.Hypot(l.X-wantL.X, l.Y-wantL.Y); d > 6 {
			t.Errorf("%s: first eye at %+v, %.1f px from dlib's %+v", filepath.Base(f), l, d, wantL)
		}
		if d := math.Hypot(r.X-wantR.X, r.Y-wantR.Y); d > 6 {
			t.Errorf("%s: second eye at %+v, %.1f px from dlib's %+v", filepath.Base(f), r, d, wantR)
		}
	}
}

func TestDetectRejectsBadShapes(t *testing.T) {
	n := &Net{}
	for _, shape := range [][]int{{10, 10}, {10, 10, 4}, {0, 10, 3}} {
		if _, err := n.Detect(tensor.New(shape...)); err == nil {
			t.Errorf("shape %v: expected an error", shape)
		}
	}
}

// TestDetectSurvivesGPUFailure runs the network on a fake GPU through a
// backend.Placement, as the browser does, and checks that a pass whose
// device is lost is redone on the CPU with the same points, and that later
// passes stay there.
func TestDetectSurvivesGPUFailure(t *testing.T) {
	crop := tensor.New(120, 97, 3)
	for i := range crop.Data {
		crop.Data[i] = float32((i * 37) % 256)
	}
	n := assettest.FaceModel(t, Manifest, Load)
	backendtest.CheckFallback(t, "landmark network", n, On, (*Runner[*tensor.Tensor]).Detect, crop, nil)
}

// BenchmarkDetect times the landmarks of one 97x120 crop (padded and
// resized to 112x112) and reports ms/face and the arithmetic rate (GFLOP/s
// of FLOPs a pass).
func BenchmarkDetect(b *testing.B) {
	n := assettest.FaceModel(b, Manifest, Load)
	flops := FLOPs()
	face := tensor.New(120, 97, 3)
	for i := range face.Data {
		face.Data[i] = float32(i % 256)
	}
	for b.Loop() {
		if _, err := n.Detect(face); err != nil {
			b.Fatal(err)
		}
	}
	perFace := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perFace*1e3, "ms/face")
	b.ReportMetric(flops/perFace/1e9, "GFLOP/s")
}
