package face

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
	"visage/models/landmarks"
)

func TestFitSimilarityRecoversAKnownTransform(t *testing.T) {
	want := Similarity{A: 1.3 * math.Cos(0.4), B: 1.3 * math.Sin(0.4), TX: -7, TY: 12.5}
	rng := rand.New(rand.NewPCG(1, 2))
	var from, to []landmarks.Point
	for range 7 {
		p := landmarks.Point{X: rng.Float64() * 100, Y: rng.Float64() * 100}
		from = append(from, p)
		to = append(to, want.Apply(p))
	}
	got := FitSimilarity(from, to)
	if d := math.Abs(got.A-want.A) + math.Abs(got.B-want.B) + math.Abs(got.TX-want.TX) + math.Abs(got.TY-want.TY); d > 1e-9 {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestFitSimilarityIsLeastSquares(t *testing.T) {
	// A cross stretched 2x horizontally and 1x vertically has no exact
	// similarity; least squares gives a = Σf·t/Σ|f|² = (2+2+1+1)/4 = 1.5 and
	// b = Σf×t/Σ|f|² = 0.
	from := []landmarks.Point{{X: -1}, {X: 1}, {Y: 1}, {Y: -1}}
	to := []landmarks.Point{{X: -2}, {X: 2}, {Y: 1}, {Y: -1}}
	got := FitSimilarity(from, to)
	if want := (Similarity{A: 1.5}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestWarpBilinearHandValues(t *testing.T) {
	img, _ := tensor.FromData([]float32{0, 10, 20, 30}, 2, 2, 1)
	// Shift by half a pixel right and down: the first output pixel is the
	// mean of all four, the others read zeros beyond the border.
	out := WarpBilinear(img, Similarity{A: 1, TX: 0.5, TY: 0.5}, 2, 2)
	want := []float32{15, 10, 12.5, 7.5}
	for i := range want {
		if math.Abs(float64(out.Data[i]-want[i])) > 1e-5 {
			t.Fatalf("got %v, want %v", out.Data, want)
		}
	}
	// The identity reproduces the image.
	if d := tensor.MaxAbsDiff(WarpBilinear(img, Similarity{A: 1}, 2, 2), img); d != 0 {
		t.Errorf("identity warp differs by %v", d)
	}
}

func TestCropClipsAndFloors(t *testing.T) {
	img := tensor.New(4, 5, 2)
	for i := range img.Data {
		img.Data[i] = float32(i)
	}
	// x from -1.5 clips to 0, width 3.2 → right 1.7 → width floor(1.7)=1;
	// y 1.9 → 1 (floored), height 5 clips to 4-1.9=2.1 → 2.
	got, err := Crop(img, Box{X: -1.5, Y: 1.9, W: 3.2, H: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.Shape[0] != 2 || got.Shape[1] != 1 {
		t.Fatalf("shape %v, want [2 1 2]", got.Shape)
	}
	if got.At(0, 0, 1) != img.At(1, 0, 1) || got.At(1, 0, 0) != img.At(2, 0, 0) {
		t.Errorf("wrong pixels %v", got.Data)
	}
	if _, err := Crop(img, Box{X: 10, Y: 0, W: 3, H: 3}); err == nil {
		t.Error("a box outside the image must fail")
	}
}

func TestFaceAPIBoxHandComputed(t *testing.T) {
	pts := make([]landmarks.Point, landmarks.NumPoints)
	for i := 36; i < 42; i++ {
		pts[i] = landmarks.Point{X: 40, Y: 50}
	}
	for i := 42; i < 48; i++ {
		pts[i] = landmarks.Point{X: 80, Y: 50}
	}
	for i := 48; i < 68; i++ {
		pts[i] = landmarks.Point{X: 60, Y: 95}
	}
	// Eye–mouth distance hypot(20,45)=49.244; size floor(49.244/0.45)=109;
	// centre (60, 65); x = floor(60-54.5)=5, y = floor(65-46.87)=18.
	got := FaceAPIBox(pts)
	if want := (Box{X: 5, Y: 18, W: 109, H: 109}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestMirrorTwiceIsIdentity(t *testing.T) {
	img := tensor.New(3, 5, 3)
	for i := range img.Data {
		img.Data[i] = float32(i)
	}
	m := Mirror(img)
	if m.At(1, 0, 2) != img.At(1, 4, 2) {
		t.Errorf("mirror does not flip columns")
	}
	if d := tensor.MaxAbsDiff(Mirror(m), img); d != 0 {
		t.Errorf("mirror twice differs by %v", d)
	}
}

func TestChipTransformPutsTemplateOnLandmarks(t *testing.T) {
	// Landmarks that are exactly dlib's template scaled by 2 and shifted:
	// the fitted chip transform is that map.
	pts := make([]landmarks.Point, landmarks.NumPoints)
	for i := 17; i < landmarks.NumPoints; i++ {
		pts[i] = landmarks.Point{
			X: 2*(chipPadding+landmarks.DlibMeanFace[0][i-17])/(1+2*chipPadding)*ChipSize + 30,
			Y: 2*(chipPadding+landmarks.DlibMeanFace[1][i-17])/(1+2*chipPadding)*ChipSize + 40,
		}
	}
	got := ChipTransform(pts)
	if math.Abs(got.A-2) > 1e-9 || math.Abs(got.B) > 1e-9 || math.Abs(got.TX-30) > 1e-9 || math.Abs(got.TY-40) > 1e-9 {
		t.Errorf("got %+v, want scale 2, shift (30,40)", got)
	}
}
