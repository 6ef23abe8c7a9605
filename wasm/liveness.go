//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"syscall/js"
	"time"

	"visage/core/face"
	"visage/core/liveness"
	"visage/core/tensor"
)

// The liveness calls (visage.js's unlock and liveness drive them frame by
// frame from a live video):
//
//	unlockStart(name, {steps?}) → {session, steps: [{step, words}], wait}
//	    starts a challenge for name; wait > 0 (seconds) instead when name's
//	    attempts are locked, with session 0 and no steps
//	unlockFrame(session, pixels, tMs) → {done, unlocked, reason, detail, step, distance}
//	    one camera frame (RGBA pixels, never encoded file bytes) at tMs;
//	    a failed unlock counts against name's attempts, a success clears them
//	livenessStart() → {session}; livenessFrame(session, pixels) → {faces};
//	livenessEnd(session) → {live, score, reason, …} (core/liveness.Recorded)
//
// The logic is core/liveness's; this file marshals and keeps the sessions.

// livenessState is the api's liveness part: the passive models (nil when
// load was given none), the attempt limiter and the open sessions.
type livenessState struct {
	passive  *liveness.Passive
	limiter  liveness.Limiter
	sessions map[int]*session
	nextID   int
}

// session is one unlock (challenge set) or one recorded liveness check.
type session struct {
	name      string
	challenge *liveness.Challenge
	recorded  []*liveness.Observation
	box       *face.Box // the tracked face's last box
}

// loadPassive loads the passive models when fsys holds them.
func (s *livenessState) loadPassive(fsys fs.FS) error {
	s.passive = nil
	if _, err := fs.Stat(fsys, liveness.AntispoofModel); err != nil {
		return nil
	}
	p, err := liveness.LoadPassive(fsys)
	if err != nil {
		return err
	}
	s.passive = p
	return nil
}

func (s *livenessState) open(ss *session) int {
	if s.sessions == nil {
		s.sessions = map[int]*session{}
	}
	s.nextID++
	s.sessions[s.nextID] = ss
	return s.nextID
}

func (s *livenessState) session(v js.Value, op string) (int, *session, error) {
	f, err := numberOf(v, op+": session")
	if err != nil {
		return 0, nil, err
	}
	ss := s.sessions[int(f)]
	if ss == nil {
		return 0, nil, fmt.Errorf("%s: no open session %v (it ended, or was never started)", op, f)
	}
	return int(f), ss, nil
}

func (a *api) unlockStart(args []js.Value) (any, error) {
	name, err := stringOf(arg(args, 0), "unlockStart: name")
	if err != nil {
		return nil, err
	}
	if a.live == nil {
		return nil, errors.New("unlockStart needs the face detector, which load was not given")
	}
	if a.gallery.DescriptorCount(name) == 0 {
		return nil, fmt.Errorf("unlockStart: no one called %q is enrolled", name)
	}
	cfg := liveness.Config{Threshold: a.gallery.Threshold()}
	if o := arg(args, 1); o.Type() == js.TypeObject {
		if v := o.Get("steps"); !v.IsUndefined() {
			n, err := numberOf(v, "unlockStart: steps")
			if err != nil {
				return nil, err
			}
			if n != math.Trunc(n) || n < 1 || n > float64(len(liveness.AllSteps)) {
				return nil, fmt.Errorf("unlockStart: steps must be a whole number from 1 to %d, found %v", len(liveness.AllSteps), n)
			}
			cfg.Steps = int(n)
		}
	}
	if wait := a.liveness.limiter.Wait(name, time.Now()); wait > 0 {
		return map[string]any{"session": 0, "steps": []any{}, "wait": math.Ceil(wait.Seconds())}, nil
	}
	c := liveness.NewChallenge(cfg, rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), rand.Uint64())))
	steps := []any{}
	for _, st := range c.Steps() {
		steps = append(steps, map[string]any{"step": string(st), "words": st.Words()})
	}
	id := a.liveness.open(&session{name: name, challenge: c})
	return map[string]any{"session": id, "steps": steps, "wait": 0}, nil
}

func (a *api) unlockFrame(args []js.Value) (any, error) {
	id, ss, err := a.liveness.session(arg(args, 0), "unlockFrame")
	if err != nil {
		return nil, err
	}
	if ss.challenge == nil {
		return nil, errors.New("unlockFrame: the session is a liveness check, not an unlock")
	}
	img, err := cameraPixels(arg(args, 1), "unlockFrame")
	if err != nil {
		return nil, err
	}
	ms, err := numberOf(arg(args, 2), "unlockFrame: time")
	if err != nil {
		return nil, err
	}
	o, err := a.observe(ss, img)
	if err != nil {
		return nil, err
	}
	if o != nil {
		if _, o.Distance, err = a.gallery.Verify(ss.name, o.Descriptor); err != nil {
			return nil, err
		}
	}
	st := ss.challenge.Feed(liveness.Frame{T: time.Duration(ms * float64(time.Millisecond)), Face: o})
	r := map[string]any{"done": st.Done, "unlocked": st.Passed, "reason": string(st.Reason), "detail": st.Detail, "step": st.Step, "distance": nil}
	if !math.IsNaN(st.Distance) {
		r["distance"] = st.Distance
	}
	if st.Done {
		delete(a.liveness.sessions, id)
		if st.Passed {
			a.liveness.limiter.Succeed(ss.name)
		} else if wait := a.liveness.limiter.Fail(ss.name, time.Now()); wait > 0 {
			r["wait"] = math.Ceil(wait.Seconds())
		}
	}
	return r, nil
}

func (a *api) livenessStart(args []js.Value) (any, error) {
	if a.live == nil {
		return nil, errors.New("livenessStart needs the face detector, which load was not given")
	}
	return map[string]any{"session": a.liveness.open(&session{})}, nil
}

func (a *api) livenessFrame(args []js.Value) (any, error) {
	_, ss, err := a.liveness.session(arg(args, 0), "livenessFrame")
	if err != nil {
		return nil, err
	}
	img, err := cameraPixels(arg(args, 1), "livenessFrame")
	if err != nil {
		return nil, err
	}
	o, err := a.observe(ss, img)
	if err != nil {
		return nil, err
	}
	ss.recorded = append(ss.recorded, o)
	faces := 0
	if o != nil {
		faces = 1
	}
	return map[string]any{"faces": faces}, nil
}

func (a *api) livenessEnd(args []js.Value) (any, error) {
	id, ss, err := a.liveness.session(arg(args, 0), "livenessEnd")
	if err != nil {
		return nil, err
	}
	delete(a.liveness.sessions, id)
	r := liveness.CheckRecorded(ss.recorded, liveness.Config{})
	out := map[string]any{"live": r.Live, "score": r.Score, "reason": r.Reason, "frames": r.Frames, "faces": r.Faces,
		"antispoof": nil, "liveness": nil}
	if r.Antispoof != nil {
		out["antispoof"], out["liveness"] = *r.Antispoof, *r.Liveness
	}
	return out, nil
}

// observe finds the session's tracked face in img: the face nearest its
// last box, or the largest at first; nil when there is none.
func (a *api) observe(ss *session, img *tensor.Tensor) (*liveness.Observation, error) {
	faces, err := a.deciding.Faces(img)
	if errors.Is(err, face.ErrNoFace) {
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
	o := &liveness.Observation{Box: f.Box, Landmarks: f.Landmarks, Descriptor: f.Encoding, Distance: math.NaN(), Spoof: math.NaN(), Live: math.NaN()}
	if a.liveness.passive != nil {
		if o.Spoof, o.Live, err = a.liveness.passive.Scores(img, f.Box); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// cameraPixels reads a frame for the liveness calls: RGBA pixels only. An
// encoded file (bytes) is refused, so that a photo file can never stand in
// for the camera.
func cameraPixels(v js.Value, op string) (*tensor.Tensor, error) {
	if isBytes(v) {
		return nil, fmt.Errorf("%s takes camera frames (RGBA pixels from a live video), not an encoded image file", op)
	}
	return imageOf(v, op)
}
