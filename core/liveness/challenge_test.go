package liveness

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// person is a synthetic face track: descriptor desc, distance dist to the
// claimed person, landmarks from syntheticFace with 0.5 px of noise (a live
// face is never perfectly still).
type person struct {
	desc []float32
	dist float64
	rng  *rand.Rand
}

func newPerson(seed uint64, first float32, dist float64) *person {
	d := make([]float32, 128)
	d[0] = first
	return &person{desc: d, dist: dist, rng: rand.New(rand.NewPCG(seed, 7))}
}

// frame is p at time t (ms) with head pose yaw, pitch and the eyes closed
// or not (the lids of each eye brought together on their corners' line).
func (p *person) frame(ms int, yaw, pitch float64, closed bool) Frame {
	pts := syntheticFace(yaw, pitch, 0, 200, 320, 240, 5, 0.5, p.rng)
	if closed {
		for _, e := range [][6]int{{36, 37, 38, 39, 40, 41}, {42, 43, 44, 45, 46, 47}} {
			a, b := pts[e[0]], pts[e[3]]
			for k, i := range []int{e[1], e[2], e[5], e[4]} {
				f := []float64{1.0 / 3, 2.0 / 3, 1.0 / 3, 2.0 / 3}[k]
				pts[i] = Point{X: a.X + f*(b.X-a.X), Y: a.Y + f*(b.Y-a.Y)}
			}
		}
	}
	return Frame{T: time.Duration(ms) * time.Millisecond, Face: &Observation{Landmarks: pts, Descriptor: p.desc, Distance: p.dist, Spoof: math.NaN(), Live: math.NaN()}}
}

// perform returns frames of p doing step from time ms on, 300 ms apart:
// neutral, the move (held two frames), back to neutral.
func (p *person) perform(s Step, ms int) ([]Frame, int) {
	var fs []Frame
	add := func(yaw, pitch float64, closed bool) {
		fs = append(fs, p.frame(ms, yaw, pitch, closed))
		ms += 300
	}
	add(0, 0, false)
	switch s {
	case StepBlink:
		add(0, 0, true)
		add(0, 0, false)
	case StepTurnLeft:
		add(12, 0, false)
		add(25, 0, false)
	case StepTurnRight:
		add(-12, 0, false)
		add(-25, 0, false)
	case StepLookUp:
		add(0, 10, false)
		add(0, 20, false)
	}
	add(0, 0, false)
	return fs, ms
}

// calibration returns three neutral frames of p from time 0.
func (p *person) calibration() ([]Frame, int) {
	return []Frame{p.frame(0, 0, 0, false), p.frame(300, 0, 0, false), p.frame(600, 0, 0, false)}, 900
}

func feed(c *Challenge, fs []Frame) Status {
	var s Status
	for _, f := range fs {
		s = c.Feed(f)
	}
	return s
}

// TestChallengePasses: a synthetic live face that does every step asked,
// whatever order is drawn, passes; the steps are distinct and drawn in more
// than one order.
func TestChallengePasses(t *testing.T) {
	orders := map[string]bool{}
	for seed := range uint64(12) {
		c := NewChallenge(Config{}, rand.New(rand.NewPCG(seed, 1)))
		steps := c.Steps()
		orders[strings.Join(stepNames(steps), ",")] = true
		if len(steps) != 3 || steps[0] == steps[1] || steps[1] == steps[2] || steps[0] == steps[2] {
			t.Fatalf("seed %d: steps %v, want 3 distinct", seed, steps)
		}
		p := newPerson(seed, 1, 0.3)
		fs, ms := p.calibration()
		if s := feed(c, fs); s.Done || s.Step != 0 {
			t.Fatalf("seed %d: after calibration %+v, want step 0 asked", seed, s)
		}
		for i, st := range steps {
			var more []Frame
			more, ms = p.perform(st, ms)
			s := feed(c, more)
			if i < len(steps)-1 && (s.Done || s.Step != i+1) {
				t.Fatalf("seed %d: after doing %s: %+v, want step %d asked", seed, st, s, i+1)
			}
		}
		if s := c.Status(); !s.Done || !s.Passed || math.Abs(s.Distance-0.3) > 1e-12 {
			t.Errorf("seed %d, steps %v done: %+v, want passed with median distance 0.3", seed, steps, s)
		}
	}
	if len(orders) < 6 {
		t.Errorf("12 challenges drew only %d different step sequences: %v", len(orders), orders)
	}
}

func stepNames(s []Step) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return out
}

// challengeWith returns a challenge whose steps are exactly steps.
func challengeWith(steps ...Step) *Challenge {
	c := NewChallenge(Config{Steps: len(steps)}, rand.New(rand.NewPCG(1, 1)))
	c.steps = steps
	return c
}

func TestChallengeFails(t *testing.T) {
	type tc struct {
		name   string
		steps  []Step
		frames func() []Frame
		want   Reason
	}
	a := func() *person { return newPerson(1, 1, 0.3) }
	cases := []tc{
		{"no blink: the eyes stay open", []Step{StepBlink}, func() []Frame {
			p := a()
			fs, _ := p.calibration()
			for ms := 900; ms < 10000; ms += 300 {
				fs = append(fs, p.frame(ms, 0, 0, false))
			}
			return fs
		}, ReasonTimedOut},
		{"turn right when asked to turn left", []Step{StepTurnLeft}, func() []Frame {
			p := a()
			fs, ms := p.calibration()
			more, _ := p.perform(StepTurnRight, ms)
			return append(fs, more...)
		}, ReasonWrongMove},
		{"look down when asked to look up", []Step{StepLookUp}, func() []Frame {
			p := a()
			fs, _ := p.calibration()
			return append(fs, p.frame(900, 0, 0, false), p.frame(1200, 0, -20, false))
		}, ReasonWrongMove},
		{"the turn comes after the step's 8 s", []Step{StepTurnLeft}, func() []Frame {
			p := a()
			fs, _ := p.calibration()
			more, _ := p.perform(StepTurnLeft, 9000)
			return append(fs, more...)
		}, ReasonTimedOut},
		{"a different face, in a frame after the step's time", []Step{StepBlink}, func() []Frame {
			p, b := a(), newPerson(2, -1, 0.3)
			fs, _ := p.calibration()
			return append(fs, b.frame(9000, 0, 0, false))
		}, ReasonFaceChanged},
		{"the first frames take longer than the calibration's 20 s", []Step{StepBlink}, func() []Frame {
			p := a()
			return []Frame{p.frame(0, 0, 0, false), p.frame(10000, 0, 0, false), p.frame(20500, 0, 0, false)}
		}, ReasonTimedOut},
		{"a different face mid-challenge", []Step{StepBlink, StepTurnLeft}, func() []Frame {
			p, b := a(), newPerson(2, -1, 0.3) // b's descriptor is 2 from p's
			fs, ms := p.calibration()
			more, ms := p.perform(StepBlink, ms)
			fs = append(fs, more...)
			more, _ = b.perform(StepTurnLeft, ms)
			return append(fs, more...)
		}, ReasonFaceChanged},
		{"a still picture: identical frames", []Step{StepBlink}, func() []Frame {
			f := a().frame(0, 0, 0, false)
			g, h := f, f
			g.T, h.T = 300*time.Millisecond, 600*time.Millisecond
			return []Frame{f, g, h}
		}, ReasonNoLiveness},
		{"not the claimed person", []Step{StepBlink}, func() []Frame {
			fs, _ := newPerson(1, 1, 0.75).calibration()
			return fs
		}, ReasonNotThisPerson},
		{"one lucky frame among far ones", []Step{StepBlink}, func() []Frame {
			fs, _ := newPerson(1, 1, 0.75).calibration()
			fs[1].Face.Distance = 0.1
			return fs
		}, ReasonNotThisPerson},
		{"no face ever", []Step{StepBlink}, func() []Frame {
			return []Frame{{T: 0}, {T: 5 * time.Second}, {T: 21 * time.Second}}
		}, ReasonNoFace},
		{"a picture slid and turned in its plane, never turned as a head", []Step{StepTurnLeft}, func() []Frame {
			p := a()
			fs, _ := p.calibration()
			base := fs[2].Face.Landmarks
			for k, ms := 0, 900; ms < 9000; k, ms = k+1, ms+300 {
				s, c := math.Sincos(float64(k%5) * 5 * math.Pi / 180)
				sc := 1 + 0.05*float64(k%3)
				fs = append(fs, Frame{T: time.Duration(ms) * time.Millisecond, Face: &Observation{
					Landmarks: flatView(base, sc*c, -sc*s, sc*s, sc*c, float64(10*k%40), 5), Descriptor: p.desc, Distance: 0.3, Spoof: math.NaN()}})
			}
			return fs
		}, ReasonNoLiveness},
		{"a flat picture tilted to fake a turn", []Step{StepTurnLeft}, func() []Frame {
			p := a()
			var fs []Frame
			for i, yaw := range []float64{0, 1, 0, 0, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40} {
				pts := flatFace(yaw, 0, 2)
				pts[0].X += float64(i) * 0.3 // not perfectly still
				fs = append(fs, Frame{T: time.Duration(300*i) * time.Millisecond, Face: &Observation{Landmarks: pts, Descriptor: p.desc, Distance: 0.3, Spoof: math.NaN()}})
			}
			return fs
		}, ReasonNoLiveness},
	}
	for _, k := range cases {
		c := challengeWith(k.steps...)
		s := feed(c, k.frames())
		if !s.Done || s.Passed || s.Reason != k.want {
			t.Errorf("%s: %+v, want failed with %q", k.name, s, k.want)
		}
		if strings.ContainsAny(s.Detail, "0123456789") && k.want != ReasonTimedOut {
			t.Errorf("%s: the detail %q holds a number", k.name, s.Detail)
		}
	}
}

// TestChallengeSpoofScore: with MinSpoofScore set, calibration frames whose
// median anti-spoofing score is below it fail as no liveness; at or above
// it they pass on to the first step.
func TestChallengeSpoofScore(t *testing.T) {
	for _, k := range []struct {
		scores []float64
		fail   bool
	}{{[]float64{0.2, 0.9, 0.3}, true}, {[]float64{0.5, 0.9, 0.1}, false}} {
		c := NewChallenge(Config{MinSpoofScore: 0.5}, rand.New(rand.NewPCG(1, 1)))
		fs, _ := newPerson(1, 1, 0.3).calibration()
		for i := range fs {
			fs[i].Face.Spoof = k.scores[i]
		}
		s := feed(c, fs)
		if got := s.Done && s.Reason == ReasonNoLiveness; got != k.fail {
			t.Errorf("spoof scores %v, minimum 0.5: %+v, want failed %v", k.scores, s, k.fail)
		}
	}
}
