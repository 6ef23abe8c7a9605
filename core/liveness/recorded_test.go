package liveness

import (
	"math"
	"math/rand/v2"
	"testing"
)

func observe(pts []Point) *Observation {
	return &Observation{Landmarks: pts, Distance: math.NaN(), Spoof: math.NaN(), Live: math.NaN()}
}

// TestCheckRecorded: identical frames are a still picture; a face slid and
// turned in the picture never turns as a head; a flat picture tilted far
// enough to read as a turn moves only as a flat picture can; a 3D head that
// turns 24° is live, one that turns 8° is not; too few faces is no face;
// with MinSpoofScore set, a low median anti-spoofing score is not live.
func TestCheckRecorded(t *testing.T) {
	front := syntheticFace(0, 0, 0, 200, 320, 240, 2, 0, nil)
	s, c := math.Sincos(10 * math.Pi / 180)
	var slid, tilted, turning, barely []*Observation
	rng := rand.New(rand.NewPCG(5, 6))
	for k := range 5 {
		f := float64(k)
		slid = append(slid, observe(flatView(front, (1+f/20)*c, -(1+f/20)*s*f/4, (1+f/20)*s*f/4, (1+f/20)*c, 8*f, 3*f)))
		tilted = append(tilted, observe(flatFace(10*f, 2*f, 2)))
		turning = append(turning, observe(syntheticFace(6*f, 0, 0, 200, 320, 240, 2, 0, nil)))
		barely = append(barely, observe(syntheticFace(2*f, 1*f, 0, 200, 320, 240, 2, 0.3, rng)))
	}
	still := []*Observation{observe(front), observe(front), observe(front), observe(front)}
	for _, k := range []struct {
		name   string
		frames []*Observation
		cfg    Config
		live   bool
		reason string
	}{
		{"still", still, Config{}, false, "still picture"},
		{"slid and turned in the plane", slid, Config{}, false, "never turns"},
		{"a flat picture tilted up to 40° (read as a 16° turn)", tilted, Config{}, false, "flat picture"},
		{"a head turning", turning, Config{}, true, ""},
		{"a head that moves but turns only 8°", barely, Config{}, false, "never turns"},
		{"two faces only", []*Observation{observe(front), nil, observe(front)}, Config{}, false, "no face"},
	} {
		r := CheckRecorded(k.frames, k.cfg)
		if r.Live != k.live || !contains(r.Reason, k.reason) {
			t.Errorf("%s: %+v, want live %v, reason containing %q", k.name, r, k.live, k.reason)
		}
	}
	low := make([]*Observation, len(turning))
	for i, o := range turning {
		c := *o
		c.Spoof, c.Live = 0.1*float64(i), 0.9
		low[i] = &c
	}
	r := CheckRecorded(low, Config{MinSpoofScore: 0.5})
	if r.Live || !contains(r.Reason, "anti-spoofing") || r.Antispoof == nil || math.Abs(*r.Antispoof-0.2) > 1e-12 || *r.Liveness != 0.9 {
		t.Errorf("a turning head scored 0, 0.1, …, 0.4 by the anti-spoofing model, minimum 0.5: %+v, want not live, median 0.2", r)
	}
	if r := CheckRecorded(low, Config{}); !r.Live {
		t.Errorf("the same without MinSpoofScore: %+v, want live (the score is only reported)", r)
	}
}
