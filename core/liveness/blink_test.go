package liveness

import (
	"math"
	"testing"
)

// eyes returns 68 landmarks whose eyes (36–47) are each 30 px wide with
// their lids 2·h px apart (h each side of the corners' line).
func eyes(h float64) []Point {
	pts := make([]Point, 68)
	for k, x0 := range []float64{100, 160} {
		e := pts[36+6*k : 42+6*k]
		e[0], e[3] = Point{X: x0, Y: 100}, Point{X: x0 + 30, Y: 100}
		e[1], e[2] = Point{X: x0 + 10, Y: 100 - h}, Point{X: x0 + 20, Y: 100 - h}
		e[5], e[4] = Point{X: x0 + 10, Y: 100 + h}, Point{X: x0 + 20, Y: 100 + h}
	}
	return pts
}

// TestEyeAspectRatio: lids 9 px apart on a 30 px eye is 9/30 = 0.3 (by
// hand: (9 + 9) / (2·30)); lids together is 0.
func TestEyeAspectRatio(t *testing.T) {
	for _, c := range []struct{ h, want float64 }{{4.5, 0.3}, {0, 0}, {1.5, 0.1}} {
		if got := EyeAspectRatio(eyes(c.h)); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("lids %v px apart on a 30 px eye: EAR %v, want %v", 2*c.h, got, c.want)
		}
	}
	// One eye closed, one open: the mean, 0.15.
	pts := eyes(4.5)
	copy(pts[42:48], eyes(0)[42:48])
	if got := EyeAspectRatio(pts); math.Abs(got-0.15) > 1e-12 {
		t.Errorf("one eye closed: EAR %v, want 0.15", got)
	}
}

// TestBlinkSequence feeds ratio sequences to a Blink whose baseline is set
// from open-eye frames: only a dip below 0.7·baseline followed by a return
// above 0.9·baseline is a blink.
func TestBlinkSequence(t *testing.T) {
	for _, c := range []struct {
		name string
		ears []float64
		want int // blinks reported
	}{
		{"open throughout", []float64{0.30, 0.29, 0.31, 0.30, 0.28}, 0},
		{"one blink", []float64{0.30, 0.12, 0.05, 0.29}, 1},
		{"closed, never reopened", []float64{0.30, 0.10, 0.08, 0.09}, 0},
		{"a half-close (squint) is not a blink", []float64{0.30, 0.22, 0.30}, 0},
		{"two blinks", []float64{0.30, 0.1, 0.3, 0.1, 0.3}, 2},
		{"reopened only part way", []float64{0.30, 0.1, 0.25, 0.26}, 0},
	} {
		var b Blink
		b.SetBaseline([]float64{0.31, 0.29, 0.30})
		n := 0
		for _, e := range c.ears {
			if b.Add(e) {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%s %v: %d blinks, want %d", c.name, c.ears, n, c.want)
		}
	}
	// The baseline is per person: eyes open at 0.20 blink below 0.14.
	var b Blink
	b.SetBaseline([]float64{0.2, 0.21, 0.19})
	if b.Baseline() != 0.2 {
		t.Errorf("baseline of 0.2, 0.21, 0.19: %v, want the median 0.2", b.Baseline())
	}
	if b.Add(0.15) || b.Add(0.2) {
		t.Error("0.15 with a baseline of 0.2 (above 0.7·0.2 = 0.14) counted as closed")
	}
	if b.Add(0.13); !b.Add(0.19) {
		t.Error("0.13 then 0.19 with a baseline of 0.2 is a blink, not reported")
	}
}
