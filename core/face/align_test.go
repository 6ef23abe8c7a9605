package face

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

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

// fitSimilarityQR is the reference for FitSimilarity: the same least-squares
// problem written as the overdetermined system
//
//	[x −y 1 0; y x 0 1]·(A, B, TX, TY)ᵀ = (X, Y)ᵀ, one pair of rows a point,
//
// solved by gonum's QR (mat.Dense.Solve on a tall matrix).
func fitSimilarityQR(from, to []landmarks.Point) (Similarity, error) {
	n := len(from)
	m, rhs := mat.NewDense(2*n, 4, nil), mat.NewVecDense(2*n, nil)
	for i, p := range from {
		m.SetRow(2*i, []float64{p.X, -p.Y, 1, 0})
		m.SetRow(2*i+1, []float64{p.Y, p.X, 0, 1})
		rhs.SetVec(2*i, to[i].X)
		rhs.SetVec(2*i+1, to[i].Y)
	}
	var sol mat.VecDense
	if err := sol.SolveVec(m, rhs); err != nil {
		return Similarity{}, err
	}
	return Similarity{A: sol.AtVec(0), B: sol.AtVec(1), TX: sol.AtVec(2), TY: sol.AtVec(3)}, nil
}

// randomFit returns n random image points and their noisy images under a
// random similarity, the shape of a landmark fit.
func randomFit(rng *rand.Rand, n int) (from, to []landmarks.Point) {
	want := Similarity{A: 2 * rng.NormFloat64(), B: 2 * rng.NormFloat64(), TX: 100 * rng.NormFloat64(), TY: 100 * rng.NormFloat64()}
	for range n {
		p := landmarks.Point{X: 150 * rng.Float64(), Y: 150 * rng.Float64()}
		q := want.Apply(p)
		q.X += 3 * rng.NormFloat64()
		q.Y += 3 * rng.NormFloat64()
		from, to = append(from, p), append(to, q)
	}
	return from, to
}

// TestFitSimilarityMatchesQR compares the closed form with gonum's QR
// least squares on noisy fits of 2 to 68 points (ChipTransform fits 35, the
// ArcFace template 5).
func TestFitSimilarityMatchesQR(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2, 3, 5, 35, 68} {
		for range 20 {
			from, to := randomFit(rng, n)
			want, err := fitSimilarityQR(from, to)
			if err != nil {
				t.Fatal(err)
			}
			got := FitSimilarity(from, to)
			for _, d := range [][2]float64{{got.A, want.A}, {got.B, want.B}, {got.TX, want.TX}, {got.TY, want.TY}} {
				if math.Abs(d[0]-d[1]) > 1e-9*max(1, math.Abs(d[1])) {
					t.Fatalf("%d points: got %+v, QR gives %+v", n, got, want)
				}
			}
		}
	}
}

// BenchmarkFitSimilarity times the closed form against gonum's QR on the
// chip fit's 35 points.
func BenchmarkFitSimilarity(b *testing.B) {
	from, to := randomFit(rand.New(rand.NewPCG(5, 6)), 35)
	b.Run("closed-form", func(b *testing.B) {
		for b.Loop() {
			FitSimilarity(from, to)
		}
	})
	b.Run("mat-QR", func(b *testing.B) {
		for b.Loop() {
			if _, err := fitSimilarityQR(from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
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

// dlibTemplate is the part of dlib's mean face that get_face_chip_details
// (dlib/image_transforms/interpolation.h) aligns 68-landmark faces on, typed
// from dlib's mean_face_shape_x and mean_face_shape_y: landmark index, then
// x and y in dlib's unit square. dlib skips the jaw (0–16, which the table
// does not even list), the eyebrows (17–26) and the lower lip (55–59, 65–67).
// The test keeps its own copy so that an edit to landmarks.DlibMeanFace, to
// the points used or to the padding is caught, not reproduced.
var dlibTemplate = [...]struct {
	i    int
	x, y float64
}{
	{27, 0.490127, 0.203352}, {28, 0.490127, 0.307009}, {29, 0.490127, 0.409805},
	{30, 0.490127, 0.515625}, {31, 0.36688, 0.587326}, {32, 0.426036, 0.609345},
	{33, 0.490127, 0.628106}, {34, 0.554217, 0.609345}, {35, 0.613373, 0.587326},
	{36, 0.121737, 0.216423}, {37, 0.187122, 0.178758}, {38, 0.265825, 0.179852},
	{39, 0.334606, 0.231733}, {40, 0.260918, 0.245099}, {41, 0.182743, 0.244077},
	{42, 0.645647, 0.231733}, {43, 0.714428, 0.179852}, {44, 0.793132, 0.178758},
	{45, 0.858516, 0.216423}, {46, 0.79751, 0.244077}, {47, 0.719335, 0.245099},
	{48, 0.254149, 0.780233}, {49, 0.340985, 0.745405}, {50, 0.428858, 0.727388},
	{51, 0.490127, 0.742578}, {52, 0.551395, 0.727388}, {53, 0.639268, 0.745405},
	{54, 0.726104, 0.780233}, {60, 0.290379, 0.784792}, {61, 0.428096, 0.778746},
	{62, 0.490127, 0.785343}, {63, 0.552157, 0.778746}, {64, 0.689874, 0.784792},
}

func TestChipTransformPutsTemplateOnLandmarks(t *testing.T) {
	// Landmarks that are exactly dlib's template, as dlib's face recognition
	// example places it (get_face_chip_details(shape, 150, 0.25): chip pixel
	// (0.25 + x) / 1.5 * 150), rotated, scaled and shifted by want; every
	// other landmark is far off, so using one of them would spoil the fit.
	want := Similarity{A: 2 * math.Cos(0.3), B: 2 * math.Sin(0.3), TX: 30, TY: 40}
	pts := make([]landmarks.Point, landmarks.NumPoints)
	for i := range pts {
		pts[i] = landmarks.Point{X: -1000 * float64(i), Y: 500}
	}
	for _, p := range dlibTemplate {
		pts[p.i] = want.Apply(landmarks.Point{X: (0.25 + p.x) / 1.5 * 150, Y: (0.25 + p.y) / 1.5 * 150})
	}
	got := ChipTransform(pts)
	if d := math.Abs(got.A-want.A) + math.Abs(got.B-want.B) + math.Abs(got.TX-want.TX) + math.Abs(got.TY-want.TY); d > 1e-9 {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
