package liveness

import (
	"math"
	"math/rand/v2"
	"testing"
)

// flatView maps pts through the 2D affine map (a b; c d) + (tx, ty), as a
// photo of them slid, turned or scaled would be seen.
func flatView(pts []Point, a, b, c, d, tx, ty float64) []Point {
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = Point{X: a*p.X + b*p.Y + tx, Y: c*p.X + d*p.Y + ty}
	}
	return out
}

// flatFace returns the 68 landmarks of a flat picture of the mean face (all
// points in one plane), rotated by yaw and pitch about its centre and seen
// in perspective from dist face widths, 200 px wide at (320, 240): a print
// or a phone tilted in front of the camera.
func flatFace(yaw, pitch, dist float64) []Point {
	r := rotation(yaw, pitch, 0)
	pts := make([]Point, 68)
	for i := range pts {
		x, y, _ := templateXY(i)
		x, y = x-0.5, y-0.45
		rx, ry, rz := r[0][0]*x+r[0][1]*y, r[1][0]*x+r[1][1]*y, r[2][0]*x+r[2][1]*y
		f := dist / (dist + rz)
		pts[i] = Point{X: 320 + 200*rx*f, Y: 240 + 200*ry*f}
	}
	return pts
}

// TestResidualsFlatAndLive: a face moved in its plane (rotated 20°, scaled
// 1.3, slid) has both residuals 0; a flat picture tilted 40° close to the
// camera (which EstimatePose reads as a 16.5° turn) has a homography
// residual of 0 but not a similarity one; a 3D head turned by 20° is
// neither: its homography residual, 0.029 eye distances, is the signal
// Config.FlatResidual (0.015) looks for. Landmark noise of 1 px on a 200
// px face gives about 0.018, 0.5 px about 0.009, so the check needs the
// landmarks to be steadier than 1 px or turns past 20°; this is measured on synthetic points only.
func TestResidualsFlatAndLive(t *testing.T) {
	front := syntheticFace(0, 0, 0, 200, 320, 240, 2, 0, nil)
	s, c := math.Sincos(20 * math.Pi / 180)
	slid := flatView(front, 1.3*c, -1.3*s, 1.3*s, 1.3*c, 40, -25)
	flatFront, tilted := flatFace(0, 0, 2), flatFace(40, 10, 2)
	turned := syntheticFace(20, 0, 0, 200, 320, 240, 2, 0, nil)
	if p, _ := EstimatePose(tilted); p.Yaw < 15 {
		t.Fatalf("the tilted flat picture reads as a %.1f° turn, want ≥ 15 (the case the check is for)", p.Yaw)
	}
	for _, k := range []struct {
		name            string
		from, to        []Point
		simLow, simHigh float64
		homLow, homHigh float64
		motionLow       float64
	}{
		{"slid, turned and scaled in the plane", front, slid, 0, 1e-9, 0, 1e-9, 0.3},
		{"a flat picture tilted 40°", flatFront, tilted, 0.05, 1, 0, 1e-9, 0.05},
		{"a 3D head turned 20°", front, turned, 0.04, 1, 0.025, 1, 0.05},
	} {
		sim, hom, mot := SimilarityResidual(k.from, k.to), HomographyResidual(k.from, k.to), Motion(k.from, k.to)
		t.Logf("%s: similarity residual %.4f, homography residual %.4f, motion %.3f", k.name, sim, hom, mot)
		if sim < k.simLow || sim > k.simHigh {
			t.Errorf("%s: similarity residual %.4g, want in [%g, %g]", k.name, sim, k.simLow, k.simHigh)
		}
		if hom < k.homLow || hom > k.homHigh {
			t.Errorf("%s: homography residual %.4g, want in [%g, %g]", k.name, hom, k.homLow, k.homHigh)
		}
		if mot < k.motionLow {
			t.Errorf("%s: motion %.4g, want ≥ %g", k.name, mot, k.motionLow)
		}
	}
	if m := Motion(front, front); m != 0 {
		t.Errorf("motion between identical frames: %v, want 0", m)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	n1, n2 := syntheticFace(0, 0, 0, 200, 320, 240, 2, 1, rng), syntheticFace(0, 0, 0, 200, 320, 240, 2, 1, rng)
	if hom := HomographyResidual(n1, n2); hom < 0.01 || hom > 0.025 {
		t.Errorf("1 px of landmark noise: homography residual %.4f, want in [0.01, 0.025]", hom)
	}
}

// TestEyeDistance: eyes() puts the eye centres at x 115 and 175: 60 px.
func TestEyeDistance(t *testing.T) {
	if d := EyeDistance(eyes(4)); math.Abs(d-60) > 1e-12 {
		t.Errorf("eye distance %v, want 60", d)
	}
}
