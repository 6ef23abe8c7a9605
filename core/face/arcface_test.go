package face

import (
	"math"
	"testing"

	"visage/core/tensor"
	"visage/models/landmarks"
)

// arcfaceLandmarks returns 68 landmarks whose five ArcFace points are
// five: both eyes' six points on the eye centre, the nose tip and the
// mouth corners on theirs, and every other point far away (unused, so a
// point set that read them would fail).
func arcfaceLandmarks(five [5]landmarks.Point) []landmarks.Point {
	pts := make([]landmarks.Point, landmarks.NumPoints)
	for i := range pts {
		pts[i] = landmarks.Point{X: 1e4 + float64(i), Y: -1e4}
	}
	for i := 36; i < 42; i++ {
		// spread around the centre, mean exactly on it
		d := float64(i-36) - 2.5
		pts[i] = landmarks.Point{X: five[0].X + d, Y: five[0].Y - d/2}
		pts[i+6] = landmarks.Point{X: five[1].X - d, Y: five[1].Y + d/3}
	}
	pts[30], pts[48], pts[54] = five[2], five[3], five[4]
	return pts
}

// The template's own points, typed here (insightface's arcface_dst), give
// the identity: chip pixels are image pixels.
func TestArcFaceTransformIdentity(t *testing.T) {
	template := [5]landmarks.Point{{X: 38.2946, Y: 51.6963}, {X: 73.5318, Y: 51.5014}, {X: 56.0252, Y: 71.7366}, {X: 41.5493, Y: 92.3655}, {X: 70.7299, Y: 92.2041}}
	s := ArcFaceTransform(arcfaceLandmarks(template))
	want := Similarity{A: 1}
	if math.Abs(s.A-want.A) > 1e-9 || math.Abs(s.B) > 1e-9 || math.Abs(s.TX) > 1e-9 || math.Abs(s.TY) > 1e-9 {
		t.Errorf("transform %+v, want the identity", s)
	}
	// The chip of a 112×112 image is then the image itself.
	img := tensor.New(ArcFaceSize, ArcFaceSize, 3)
	for i := range img.Data {
		img.Data[i] = float32(i % 251)
	}
	chip, err := ArcFaceChip(img, arcfaceLandmarks(template))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range chip.Data {
		if math.Abs(float64(v-img.Data[i])) > 1e-3 {
			t.Fatalf("chip value %d = %v, image's %v", i, v, img.Data[i])
		}
	}
}

// Landmarks that are the template rotated by 30°, scaled by 1.7 and moved
// by (100, 50) give back exactly that map, chip → image.
func TestArcFaceTransformRecoversRotationAndScale(t *testing.T) {
	c, s := 1.7*math.Cos(math.Pi/6), 1.7*math.Sin(math.Pi/6)
	known := Similarity{A: c, B: s, TX: 100, TY: 50}
	var five [5]landmarks.Point
	for i, p := range ArcFaceTemplate {
		// by hand: (x, y) ↦ (c·x − s·y + 100, s·x + c·y + 50)
		five[i] = landmarks.Point{X: c*p.X - s*p.Y + 100, Y: s*p.X + c*p.Y + 50}
	}
	got := ArcFaceTransform(arcfaceLandmarks(five))
	for _, d := range []float64{got.A - known.A, got.B - known.B, got.TX - known.TX, got.TY - known.TY} {
		if math.Abs(d) > 1e-9 {
			t.Fatalf("transform %+v, want %+v", got, known)
		}
	}
	if scale, angle := math.Hypot(got.A, got.B), math.Atan2(got.B, got.A)*180/math.Pi; math.Abs(scale-1.7) > 1e-9 || math.Abs(angle-30) > 1e-9 {
		t.Errorf("scale %v angle %v°, want 1.7 and 30°", scale, angle)
	}
}

func TestSimilarityInverse(t *testing.T) {
	s := Similarity{A: 0.8, B: -1.3, TX: 12, TY: -7}
	for _, p := range []landmarks.Point{{X: 0, Y: 0}, {X: 3, Y: -4}, {X: 100, Y: 55}} {
		q := s.Inverse().Apply(s.Apply(p))
		if math.Abs(q.X-p.X) > 1e-12 || math.Abs(q.Y-p.Y) > 1e-12 {
			t.Errorf("s⁻¹(s(%v)) = %v", p, q)
		}
	}
}

func TestFivePointsFrom68(t *testing.T) {
	pts := make([]landmarks.Point, landmarks.NumPoints)
	for i := range pts {
		pts[i] = landmarks.Point{X: float64(i), Y: float64(2 * i)}
	}
	got := FivePoints(pts)
	// eyes: mean of 36..41 = 38.5 and of 42..47 = 44.5
	want := [5]landmarks.Point{{X: 38.5, Y: 77}, {X: 44.5, Y: 89}, {X: 30, Y: 60}, {X: 48, Y: 96}, {X: 54, Y: 108}}
	if got != want {
		t.Errorf("FivePoints = %v, want %v", got, want)
	}
	if _, err := ArcFaceChip(tensor.New(10, 10, 3), pts[:5]); err == nil {
		t.Error("ArcFaceChip with 5 landmarks: no error")
	}
}

func TestSquareChip(t *testing.T) {
	img := tensor.New(4, 2, 1) // 2 wide, 4 high: centred in a 4×4 square
	for i := range img.Data {
		img.Data[i] = float32(i + 1)
	}
	got := SquareChip(img, 4)
	want := []float32{0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0, 0, 7, 8, 0}
	for i := range want {
		if got.Data[i] != want[i] {
			t.Fatalf("SquareChip = %v, want %v", got.Data, want)
		}
	}
	// Halving: each chip pixel is the mean of a 2×2 block.
	img = tensor.New(4, 4, 1)
	for i := range img.Data {
		img.Data[i] = float32(i)
	}
	if got := SquareChip(img, 2); got.Data[0] != 2.5 || got.Data[3] != 12.5 {
		t.Errorf("4→2: %v, want [2.5 4.5 10.5 12.5]", got.Data)
	}
}

// FaceRes's 224 chip holds the template at twice the scale: landmarks on
// the doubled template give the identity; scale 0.5 about the centre maps
// chip pixel 56 to image pixel 56 and the corner to the template's span.
func TestArcFaceTransformAt(t *testing.T) {
	var doubled [5]landmarks.Point
	for i, q := range ArcFaceTemplate {
		doubled[i] = landmarks.Point{X: 2 * q.X, Y: 2 * q.Y}
	}
	s := ArcFaceTransformAt(arcfaceLandmarks(doubled), 224, 1)
	if math.Abs(s.A-1) > 1e-9 || math.Abs(s.B) > 1e-9 || math.Abs(s.TX) > 1e-9 || math.Abs(s.TY) > 1e-9 {
		t.Errorf("224 chip of the doubled template: %+v, want the identity", s)
	}
	// scale 0.5: the template shrinks about (56, 56), so chip → image doubles about it.
	s = ArcFaceTransformAt(arcfaceLandmarks(ArcFaceTemplate), 112, 0.5)
	if p := s.Apply(landmarks.Point{X: 56, Y: 56}); math.Abs(p.X-56) > 1e-9 || math.Abs(p.Y-56) > 1e-9 {
		t.Errorf("centre maps to %v", p)
	}
	if math.Abs(s.A-2) > 1e-9 || math.Abs(s.B) > 1e-9 {
		t.Errorf("scale 0.5: %+v, want A=2", s)
	}
}
