package fpir

import (
	"math"
	"strings"
	"testing"

	"visage/core/face"
)

// hand is a made-up curve whose values at K = 100 are computed by hand:
// 100 is halfway between 10 and 1,000 in log K, so each value is the mean
// of its neighbours'.
var hand = Curves{{Target: 0.01, Points: []Point{
	{K: 10, Threshold: 0.6, FPIR: 0.01, FNIR: 0.02},
	{K: 1000, Threshold: 0.4, FPIR: 0.03, FNIR: 0.1},
}}}

func TestAtInterpolatesInLogK(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	e, err := hand.At(100, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if e.K != 100 || !near(e.Threshold, 0.5) || !near(e.FPIR, 0.02) || !near(e.FNIR, 0.06) || e.Note != "" {
		t.Errorf("At(100) = %+v, want K 100, threshold 0.5, FPIR 0.02, FNIR 0.06, no note", e)
	}
	// 32 is log(3.2)/log(100) of the way from 10 to 1,000.
	if e, _ := hand.At(32, 0.01); math.Abs(e.Threshold-(0.6-0.2*math.Log(3.2)/math.Log(100))) > 1e-12 {
		t.Errorf("At(32) threshold %v, want %v", e.Threshold, 0.6-0.2*math.Log(3.2)/math.Log(100))
	}
}

func TestAtClampsWithANote(t *testing.T) {
	low, err := hand.At(3, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if low.K != 3 || low.Threshold != 0.6 || !strings.Contains(low.Note, "measured from 10 people up") {
		t.Errorf("At(3) = %+v, want K=10's values and a note", low)
	}
	high, _ := hand.At(5000, 0.01)
	if high.Threshold != 0.4 || high.FNIR != 0.1 || !strings.Contains(high.Note, "measured up to 1000 people") {
		t.Errorf("At(5000) = %+v, want K=1000's values and a note", high)
	}
	if at, _ := hand.At(1000, 0.01); at.Note != "" || at.Threshold != 0.4 {
		t.Errorf("At(1000), a measured size: %+v, want its values and no note", at)
	}
	for _, c := range []struct {
		k      int
		target float64
		want   string
	}{
		{10, 0.05, "target FPIR must be one of the measured 0.01, found 0.05"},
		{-1, 0.01, "gallery size must be 0 or more, found -1"},
	} {
		if _, err := hand.At(c.k, c.target); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("At(%d, %v): %v, want %q", c.k, c.target, err, c.want)
		}
	}
}

// TestMeasured: the generated curves hold the targets identify-eval
// reports, each by increasing K, its thresholds stricter for rarer strangers.
func TestMeasured(t *testing.T) {
	if got := Measured.Targets(); len(got) != 3 || got[0] != 0.1 || got[1] != DefaultTarget || got[2] != 0.001 {
		t.Fatalf("targets %v, want 0.1, 0.01, 0.001", got)
	}
	for i, cv := range Measured {
		for j, p := range cv.Points {
			if j > 0 && p.K <= cv.Points[j-1].K {
				t.Errorf("target %v: K %d after %d", cv.Target, p.K, cv.Points[j-1].K)
			}
			if i > 0 && p.Threshold > Measured[i-1].Points[j].Threshold {
				t.Errorf("K=%d: threshold %v for FPIR %v above %v for %v", p.K, p.Threshold, cv.Target, Measured[i-1].Points[j].Threshold, Measured[i-1].Target)
			}
		}
	}
}

// TestForPrecedence: a chosen gallery threshold wins; another encoder's
// gallery keeps its own; a default dlib gallery gets the measured one for
// its size.
func TestForPrecedence(t *testing.T) {
	g := face.NewGallery()
	for _, name := range []string{"a", "b", "c"} {
		enc := make([]float32, face.DescriptorLen)
		enc[0] = float32(len(name))
		if err := g.Enroll(name, enc); err != nil {
			t.Fatal(err)
		}
	}
	r, err := For(g, DefaultTarget)
	want, _ := Measured.At(3, DefaultTarget)
	if err != nil || r.Expected == nil || r.Threshold != want.Threshold || r.Expected.K != 3 {
		t.Errorf("default gallery of 3: %+v, %v; want the measured threshold %v", r, err, want.Threshold)
	}
	if err := g.SetThreshold(0.55); err != nil {
		t.Fatal(err)
	}
	if r, err := For(g, DefaultTarget); err != nil || r.Threshold != 0.55 || r.Expected != nil || !strings.Contains(r.Why, "chosen") {
		t.Errorf("chosen threshold 0.55: %+v, %v; want 0.55 and no expected rates", r, err)
	}
	if _, err := For(g, 0.02); err == nil {
		t.Error("For with an unmeasured target: no error")
	}
	m, err := face.NewGalleryFor(face.EncoderMobileFaceNet)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := For(m, DefaultTarget); err != nil || r.Threshold != face.MobileFaceNetThreshold || r.Expected != nil {
		t.Errorf("MobileFaceNet gallery: %+v, %v; want its own threshold", r, err)
	}
}
