package liveness

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"visage/core/face"
	"visage/core/tensor"
)

// script is a Finder that returns its frames' faces in turn, ignoring the
// image; a nil entry is a frame without a face.
type script struct {
	frames [][]face.Face
	calls  int
}

func (s *script) Faces(*tensor.Tensor) ([]face.Face, error) {
	f := s.frames[s.calls]
	s.calls++
	if f == nil {
		return nil, face.ErrNoFace
	}
	return f, nil
}

// verifier is a Verifier whose distances are its function's.
type verifier func(name string, d []float32) float64

func (v verifier) Verify(name string, d []float32) (bool, float64, error) {
	return false, v(name, d), nil
}

// faceOf is f's observation as the pipeline reports it, its box moved by dx.
func faceOf(f Frame, dx float64) face.Face {
	return face.Face{Box: face.Box{X: 100 + dx, Y: 100, W: 200, H: 200}, Landmarks: f.Face.Landmarks, Encoding: f.Face.Descriptor}
}

// TestSessionsUnlock: an unlock fed the frames of a person doing every step
// passes through Sessions, which tracks the face nearest its last box (not a
// larger stranger that appears beside it), asks distance for the claimed
// name, and closes the session when done.
func TestSessionsUnlock(t *testing.T) {
	var s Sessions
	now := time.Unix(1e9, 0)
	u := s.StartUnlock("ada", Config{}, now, rand.New(rand.NewPCG(3, 1)))
	if u.ID != 1 || len(u.Steps) != 3 || u.Wait != 0 {
		t.Fatalf("StartUnlock = %+v, want session 1 with 3 steps", u)
	}
	p, stranger := newPerson(3, 1, 0.3), newPerson(4, -1, 0.9)
	frames, ms := p.calibration()
	for _, st := range u.Steps {
		var more []Frame
		more, ms = p.perform(st, ms)
		frames = append(frames, more...)
	}
	find := &script{}
	for i, f := range frames {
		faces := []face.Face{faceOf(f, 0)}
		if i > 0 { // a larger face of someone else, far from the tracked one
			big := faceOf(stranger.frame(0, 0, 0, false), 500)
			big.Box.W, big.Box.H = 400, 400
			faces = append(faces, big)
		}
		find.frames = append(find.frames, faces)
	}
	distance := verifier(func(name string, d []float32) float64 {
		if name != "ada" {
			t.Fatalf("distance asked for %q, want ada", name)
		}
		if d[0] != 1 {
			return 0.9 // the stranger's descriptor
		}
		return 0.3
	})
	var st Status
	for i := 0; i < len(frames) && !st.Done; i++ {
		var err error
		if st, _, err = s.UnlockFrame(u.ID, nil, frames[i].T, find, distance, now); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if !st.Done || !st.Passed {
		t.Fatalf("after every step: %+v, want passed", st)
	}
	if _, _, err := s.UnlockFrame(u.ID, nil, 0, find, distance, now); !errors.Is(err, ErrNoSession) {
		t.Errorf("a frame after the unlock ended: %v, want ErrNoSession", err)
	}
}

// TestSessionsLimitFailures: each failed unlock counts against the person;
// once the Limiter locks them, StartUnlock returns the wait and no session.
func TestSessionsLimitFailures(t *testing.T) {
	s := Sessions{Limiter: Limiter{MaxFailures: 1, Cooldown: time.Minute}}
	now := time.Unix(1e9, 0)
	u := s.StartUnlock("ada", Config{}, now, rand.New(rand.NewPCG(1, 1)))
	stranger := newPerson(4, -1, 0.9)
	frames, _ := stranger.calibration()
	find := &script{}
	for _, f := range frames {
		find.frames = append(find.frames, []face.Face{faceOf(f, 0)})
	}
	distance := verifier(func(string, []float32) float64 { return 0.9 })
	var st Status
	var wait time.Duration
	for _, f := range frames {
		var err error
		if st, wait, err = s.UnlockFrame(u.ID, nil, f.T, find, distance, now); err != nil {
			t.Fatal(err)
		}
		if st.Done {
			break
		}
	}
	if !st.Done || st.Passed || st.Reason != ReasonNotThisPerson || wait != time.Minute {
		t.Fatalf("a stranger's unlock: %+v, wait %v; want failed as not this person, a minute's wait", st, wait)
	}
	if u := s.StartUnlock("ada", Config{}, now.Add(time.Second), rand.New(rand.NewPCG(1, 1))); u.ID != 0 || u.Steps != nil || u.Wait != 59*time.Second {
		t.Errorf("StartUnlock while locked = %+v, want no session and 59 s to wait", u)
	}
	if u := s.StartUnlock("bob", Config{}, now, rand.New(rand.NewPCG(1, 1))); u.ID != 2 {
		t.Errorf("another person's StartUnlock = %+v, want session 2", u)
	}
}

// TestSessionsRecorded: a recorded check keeps every frame, faces or not,
// for CheckRecorded; it is not an unlock, and it closes when it ends.
func TestSessionsRecorded(t *testing.T) {
	var s Sessions
	id := s.StartRecorded()
	p := newPerson(5, 1, 0.3)
	find := &script{frames: [][]face.Face{nil, {faceOf(p.frame(0, 0, 0, false), 0)}, {faceOf(p.frame(300, 0, 0, false), 0)}}}
	for i, want := range []bool{false, true, true} {
		found, err := s.RecordFrame(id, nil, find)
		if err != nil || found != want {
			t.Fatalf("frame %d: found %v (%v), want %v", i, found, err, want)
		}
	}
	if _, _, err := s.UnlockFrame(id, nil, 0, find, nil, time.Now()); err == nil || !contains(err.Error(), "liveness check, not an unlock") {
		t.Errorf("UnlockFrame on a recorded check: %v, want an error saying so", err)
	}
	r, err := s.EndRecorded(id)
	if err != nil || r.Frames != 3 || r.Faces != 2 || r.Live {
		t.Fatalf("EndRecorded = %+v, %v; want 3 frames, 2 faces, not live", r, err)
	}
	if _, err := s.EndRecorded(id); !errors.Is(err, ErrNoSession) || !contains(err.Error(), "no open session 1 (it ended") {
		t.Errorf("ending it again: %v, want ErrNoSession naming session 1", err)
	}
}
