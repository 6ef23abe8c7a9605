package liveness

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/models/landmarks"
)

// rotation returns Rz(roll)·Ry(yaw)·Rx(pitch) (degrees), written out from
// the axis rotations: pitch about X (positive brings the nose up, −Y), yaw
// about Y (positive brings the nose to +X), roll in the image plane
// (positive is clockwise on screen, Y being down).
func rotation(yaw, pitch, roll float64) [3][3]float64 {
	sy, cy := math.Sincos(yaw * math.Pi / 180)
	sp, cp := math.Sincos(pitch * math.Pi / 180)
	sr, cr := math.Sincos(roll * math.Pi / 180)
	rx := [3][3]float64{{1, 0, 0}, {0, cp, sp}, {0, -sp, cp}}
	ry := [3][3]float64{{cy, 0, -sy}, {0, 1, 0}, {sy, 0, cy}}
	rz := [3][3]float64{{cr, -sr, 0}, {sr, cr, 0}, {0, 0, 1}}
	return mul3(rz, mul3(ry, rx))
}

func mul3(a, b [3][3]float64) [3][3]float64 {
	var c [3][3]float64
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

// syntheticFace returns 68 landmarks of the 3D mean face rotated by yaw,
// pitch and roll (degrees) about its centre, `width` pixels wide, centred
// at (cx, cy) and projected in perspective from a camera `dist` face widths
// away (dist 0: orthographic), with Gaussian noise of sd pixels on each
// coordinate. The points EstimatePose does not use (jaw, eyelids, lips) get
// the same treatment at depth 0.15, so that blink and motion tests can move
// them.
func syntheticFace(yaw, pitch, roll, width, cx, cy, dist, sd float64, rng *rand.Rand) []Point {
	r := rotation(yaw, pitch, roll)
	pts := make([]Point, landmarks.NumPoints)
	for i := range pts {
		x, y, z := templateXY(i)
		if d, ok := modelDepth[i]; ok {
			z = d
		}
		x, y, z = x-0.5, y-0.45, z-0.15
		rx := r[0][0]*x + r[0][1]*y + r[0][2]*z
		ry := r[1][0]*x + r[1][1]*y + r[1][2]*z
		rz := r[2][0]*x + r[2][1]*y + r[2][2]*z
		f := 1.0
		if dist > 0 {
			f = dist / (dist + rz)
		}
		pts[i] = Point{X: cx + width*rx*f, Y: cy + width*ry*f}
		if sd > 0 {
			pts[i].X += rng.NormFloat64() * sd
			pts[i].Y += rng.NormFloat64() * sd
		}
	}
	return pts
}

// templateXY is dlib's mean-face position of landmark i (17..67); the jaw
// (0..16), which dlib's template lacks, is put on an arc below it.
func templateXY(i int) (x, y, z float64) {
	if i >= 17 {
		return landmarks.DlibMeanFace[0][i-17], landmarks.DlibMeanFace[1][i-17], 0.15
	}
	a := math.Pi * float64(i) / 16 // 0 at the person's right ear, π at the left
	return 0.5 - 0.5*math.Cos(a), 0.3 + 0.75*math.Sin(a), 0.3 - 0.2*math.Sin(a)
}

// TestEstimatePoseKnownAngles rotates the mean face by known angles,
// projects it in perspective from 5 face widths (a face 200 px wide, a
// webcam at arm's length) with 1 px of landmark noise, and requires each
// estimate within 7° of the truth (measured over this grid: at most 5.8°
// yaw, 4.5° pitch, 3.4° roll; perspective makes weak perspective
// overestimate turns by about a fifth, 24-25° for 20°). Orthographic and
// without noise, the estimate is exact (1e-9).
func TestEstimatePoseKnownAngles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var worst [3]float64
	for _, yaw := range []float64{-35, -20, -10, 0, 10, 20, 35} {
		for _, pitch := range []float64{-20, -10, 0, 10, 20} {
			for _, roll := range []float64{-15, 0, 15} {
				exact, err := EstimatePose(syntheticFace(yaw, pitch, roll, 200, 320, 240, 0, 0, nil))
				if err != nil {
					t.Fatal(err)
				}
				if e := math.Max(math.Abs(exact.Yaw-yaw), math.Max(math.Abs(exact.Pitch-pitch), math.Abs(exact.Roll-roll))); e > 1e-9 {
					t.Errorf("orthographic, no noise: yaw %v pitch %v roll %v estimated as %+v (error %.3g°)", yaw, pitch, roll, exact, e)
				}
				if math.Abs(exact.Scale-200) > 1e-6 || exact.Residual > 1e-9 {
					t.Errorf("orthographic, no noise: scale %v residual %v, want 200 and 0", exact.Scale, exact.Residual)
				}
				got, err := EstimatePose(syntheticFace(yaw, pitch, roll, 200, 320, 240, 5, 1, rng))
				if err != nil {
					t.Fatal(err)
				}
				errs := [3]float64{math.Abs(got.Yaw - yaw), math.Abs(got.Pitch - pitch), math.Abs(got.Roll - roll)}
				for k, e := range errs {
					worst[k] = math.Max(worst[k], e)
					if e > 7 {
						t.Errorf("yaw %v pitch %v roll %v (perspective, 1 px noise) estimated as yaw %.1f pitch %.1f roll %.1f: error %.1f° > 7°",
							yaw, pitch, roll, got.Yaw, got.Pitch, got.Roll, e)
					}
				}
			}
		}
	}
	t.Logf("largest errors: yaw %.2f°, pitch %.2f°, roll %.2f°", worst[0], worst[1], worst[2])
}

// TestPoseSigns checks the conventions on the picture itself, not through
// rotation: a face whose nose tip is moved right of its eyes' midpoint has
// yaw > 0, and one whose nose is moved up has pitch > 0.
func TestPoseSigns(t *testing.T) {
	front := syntheticFace(0, 0, 0, 200, 320, 240, 0, 0, nil)
	right := syntheticFace(20, 0, 0, 200, 320, 240, 0, 0, nil)
	up := syntheticFace(0, 15, 0, 200, 320, 240, 0, 0, nil)
	mid := func(p []Point) Point { return Point{X: (p[36].X + p[45].X) / 2, Y: (p[36].Y + p[45].Y) / 2} }
	if d0, d := front[30].X-mid(front).X, right[30].X-mid(right).X; d <= d0+5 {
		t.Fatalf("the synthetic yaw 20 face's nose is %.1f px right of its eyes (front %.1f): the generator is wrong", d, d0)
	}
	if d0, d := front[30].Y-mid(front).Y, up[30].Y-mid(up).Y; d >= d0-5 {
		t.Fatalf("the synthetic pitch 15 face's nose is %.1f px below its eyes (front %.1f): the generator is wrong", d, d0)
	}
	if p, _ := EstimatePose(right); p.Yaw < 15 {
		t.Errorf("nose moved to the image's right: yaw %.1f, want ≈ 20", p.Yaw)
	}
	if p, _ := EstimatePose(up); p.Pitch < 10 {
		t.Errorf("nose moved up: pitch %.1f, want ≈ 15", p.Pitch)
	}
}

func TestEstimatePoseErrors(t *testing.T) {
	if _, err := EstimatePose(make([]Point, 5)); err == nil || !contains(err.Error(), "68 landmarks, found 5") {
		t.Errorf("5 points: %v, want an error saying 68 landmarks were expected and 5 found", err)
	}
	pts := syntheticFace(0, 0, 0, 200, 320, 240, 0, 0, nil)
	pts[30].X = math.NaN()
	if _, err := EstimatePose(pts); err == nil || !contains(err.Error(), "landmark 30") {
		t.Errorf("a NaN nose tip: %v, want an error naming landmark 30", err)
	}
}
