package liveness

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"time"

	"visage/core/backend"
	"visage/core/face"
	"visage/core/tensor"
)

// Finder finds and encodes the faces in a camera frame; the decision
// pipeline (face.Pipeline.ForDecisions) is one. A frame without a face is
// face.ErrNoFace.
type Finder interface {
	Faces(img *tensor.Tensor) ([]face.Face, error)
}

// Verifier measures a descriptor's distance to a person's closest sample;
// *face.Gallery is one.
type Verifier interface {
	Verify(name string, desc []float32) (match bool, distance float64, err error)
}

// Sessions keeps the open sessions of a face unlock driven frame by frame
// from a live video: unlocks (a challenge for one enrolled person, with its
// failures counted by a Limiter) and recorded liveness checks (frames kept
// for CheckRecorded). Each session tracks one face: the largest in its first
// frame, then the one nearest its last box. Session numbers start at 1 and
// are never reused. The zero value is ready, without passive models. Not
// safe for concurrent use.
type Sessions struct {
	// Passive scores each tracked face when set (nil: not measured).
	Passive Scorer
	// Limiter counts failed unlocks per person.
	Limiter Limiter

	open map[int]*session
	last int
}

// session is one unlock (challenge set) or one recorded liveness check.
type session struct {
	name      string
	challenge *Challenge
	recorded  []*Observation
	box       *face.Box // the tracked face's last box
}

// ErrNoSession is wrapped by the error for a session number that is not open.
var ErrNoSession = errors.New("no open session")

// Unlock is a started unlock: its session number and steps, or, when the
// person's attempts are locked, Wait > 0 with ID 0 and no steps.
type Unlock struct {
	ID    int
	Steps []Step
	Wait  time.Duration
}

// Scorer gives the anti-spoofing and liveness scores of the face in box of
// img ([H,W,3] RGB 0..255), each in [0, 1]: *Passive, or PlacedPassive's.
type Scorer interface {
	Scores(img *tensor.Tensor, box face.Box) (antispoof, live float64, err error)
}

// PlacedPassive returns the passive models in fsys placed on p, their GPU
// versions on gpu (see backend.PlaceOn), for Sessions.Passive; or nil when
// fsys has no AntispoofModel (a models folder may leave them out).
func PlacedPassive[T any](fsys fs.FS, p *backend.Placement, gpu backend.Backend[T]) (Scorer, error) {
	if _, err := fs.Stat(fsys, AntispoofModel); err != nil {
		return nil, nil
	}
	cpu, err := LoadPassive(fsys)
	if err != nil {
		return nil, err
	}
	placed, err := backend.PlaceOn(p, "liveness models", gpu, cpu, func() (*Passive, error) { return PassiveOn(cpu, gpu) })
	if err != nil {
		return nil, err
	}
	return placedPassive{placed}, nil
}

// placedPassive is Scorer on a backend.Placement.
type placedPassive struct{ n *backend.Placed[*Passive] }

func (p placedPassive) Scores(img *tensor.Tensor, box face.Box) (antispoof, live float64, err error) {
	type scores struct{ antispoof, live float64 }
	s, err := backend.Run(p.n, func(m *Passive) (scores, error) {
		a, l, err := m.Scores(img, box)
		return scores{a, l}, err
	})
	return s.antispoof, s.live, err
}

// StartUnlock opens an unlock of name with a challenge of cfg, its steps
// drawn by rng, unless the Limiter makes name wait at now.
func (s *Sessions) StartUnlock(name string, cfg Config, now time.Time, rng *rand.Rand) Unlock {
	if wait := s.Limiter.Wait(name, now); wait > 0 {
		return Unlock{Wait: wait}
	}
	c := NewChallenge(cfg, rng)
	return Unlock{ID: s.add(&session{name: name, challenge: c}), Steps: c.Steps()}
}

// UnlockFrame feeds unlock id the frame img captured at t, its tracked face
// measured against the person claimed by people. When the
// challenge is done the session closes and its result is counted at now:
// a pass clears the person's failures, a failure adds one and returns the
// cool-down it starts (0 while there is none).
func (s *Sessions) UnlockFrame(id int, img *tensor.Tensor, t time.Duration, find Finder, people Verifier, now time.Time) (st Status, wait time.Duration, err error) {
	ss, err := s.get(id)
	if err != nil {
		return Status{}, 0, err
	}
	if ss.challenge == nil {
		return Status{}, 0, errors.New("the session is a liveness check, not an unlock")
	}
	o, err := s.observe(ss, img, find)
	if err != nil {
		return Status{}, 0, err
	}
	if o != nil {
		if _, o.Distance, err = people.Verify(ss.name, o.Descriptor); err != nil {
			return Status{}, 0, err
		}
	}
	st = ss.challenge.Feed(Frame{T: t, Face: o})
	if st.Done {
		delete(s.open, id)
		if st.Passed {
			s.Limiter.Succeed(ss.name)
		} else {
			wait = s.Limiter.Fail(ss.name, now)
		}
	}
	return st, wait, nil
}

// StartRecorded opens a recorded liveness check and returns its number.
func (s *Sessions) StartRecorded() int { return s.add(&session{}) }

// RecordFrame finds the tracked face of check id in img and keeps what was
// found (nothing, when no face is there) for EndRecorded; found says which.
func (s *Sessions) RecordFrame(id int, img *tensor.Tensor, find Finder) (found bool, err error) {
	ss, err := s.get(id)
	if err != nil {
		return false, err
	}
	o, err := s.observe(ss, img, find)
	if err != nil {
		return false, err
	}
	ss.recorded = append(ss.recorded, o)
	return o != nil, nil
}

// EndRecorded closes check id and judges its frames (CheckRecorded with the
// default Config).
func (s *Sessions) EndRecorded(id int) (Recorded, error) {
	ss, err := s.get(id)
	if err != nil {
		return Recorded{}, err
	}
	delete(s.open, id)
	return CheckRecorded(ss.recorded, Config{}), nil
}

func (s *Sessions) add(ss *session) int {
	if s.open == nil {
		s.open = map[int]*session{}
	}
	s.last++
	s.open[s.last] = ss
	return s.last
}

func (s *Sessions) get(id int) (*session, error) {
	ss := s.open[id]
	if ss == nil {
		return nil, fmt.Errorf("%w %d (it ended, or was never started)", ErrNoSession, id)
	}
	return ss, nil
}

// observe finds the session's tracked face in img: the face nearest its
// last box, or the largest at first; nil when there is none. Its Distance
// is NaN, and its passive scores too without Passive.
func (s *Sessions) observe(ss *session, img *tensor.Tensor, find Finder) (*Observation, error) {
	faces, err := find.Faces(img)
	if errors.Is(err, face.ErrNoFace) || (err == nil && len(faces) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	i := face.Largest(faces)
	if ss.box != nil {
		best := math.Inf(1)
		for j, f := range faces {
			dx, dy := f.Box.X+f.Box.W/2-ss.box.X-ss.box.W/2, f.Box.Y+f.Box.H/2-ss.box.Y-ss.box.H/2
			if d := dx*dx + dy*dy; d < best {
				i, best = j, d
			}
		}
	}
	f := faces[i]
	ss.box = &f.Box
	o := &Observation{Box: f.Box, Landmarks: f.Landmarks, Descriptor: f.Encoding, Distance: math.NaN(), Spoof: math.NaN(), Live: math.NaN()}
	if s.Passive != nil {
		if o.Spoof, o.Live, err = s.Passive.Scores(img, f.Box); err != nil {
			return nil, err
		}
	}
	return o, nil
}
