package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"visage/core/liveness"
)

// The liveness calls: visage.js's unlock and liveness drive them frame by
// frame from a live video. The logic and the sessions are core/liveness's
// (Sessions).

// UnlockStartArgs are UnlockStart's: the person, and how many challenge
// steps (the default: liveness.Config's).
type UnlockStartArgs struct {
	Name    string `js:"name"`
	Options struct {
		Steps *float64 `js:"steps,omitempty"`
	} `js:"options,flat,omitempty"`
}

// UnlockStep is one challenge step and what the page says for it.
type UnlockStep struct {
	Step  liveness.Step `js:"step"`
	Words string        `js:"words"`
}

// UnlockStarted is UnlockStart's result: the steps, and how long to wait
// first in seconds (non-zero after too many failed attempts).
type UnlockStarted struct {
	Session
	Steps []UnlockStep `js:"steps"`
	Wait  float64      `js:"wait"`
}

// UnlockStart starts an unlock of the person: random challenge steps to
// meet in front of the camera.
func (e *Engine[T]) UnlockStart(in *UnlockStartArgs) (UnlockStarted, error) {
	switch {
	case e.live == nil:
		return UnlockStarted{}, errors.New("unlockStart needs the face detector, which load was not given")
	case e.gallery.DescriptorCount(in.Name) == 0:
		return UnlockStarted{}, fmt.Errorf("unlockStart: no one called %q is enrolled", in.Name)
	}
	cfg := liveness.Config{Threshold: e.gallery.Threshold()}
	if n := in.Options.Steps; n != nil {
		var err error
		if cfg.Steps, err = IntIn("unlockStart: steps", *n, 1, len(liveness.AllSteps)); err != nil {
			return UnlockStarted{}, err
		}
	}
	u := e.liveness.StartUnlock(in.Name, cfg, time.Now(), rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), rand.Uint64())))
	steps := make([]UnlockStep, len(u.Steps))
	for i, st := range u.Steps {
		steps[i] = UnlockStep{st, st.Words()}
	}
	return UnlockStarted{Session{u.ID}, steps, math.Ceil(u.Wait.Seconds())}, nil
}

// FrameArgs are the frame calls' arguments.
type FrameArgs struct {
	Session
	Frame Frame
}

// UnlockFrameArgs are UnlockFrame's: the frame's time in milliseconds.
type UnlockFrameArgs struct {
	FrameArgs
	Time float64 `js:"time"`
}

// UnlockStatus is UnlockFrame's result: Wait in seconds after a failed
// attempt.
type UnlockStatus struct {
	liveness.Status
	Wait float64 `js:"wait,omitempty"`
}

// UnlockFrame hands the unlock a camera frame.
func (e *Engine[T]) UnlockFrame(in *UnlockFrameArgs) (UnlockStatus, error) {
	st, wait, err := e.liveness.UnlockFrame(in.Session.Session, in.Frame.Tensor, time.Duration(in.Time*float64(time.Millisecond)), e.deciding, e.gallery, time.Now())
	if err != nil {
		return UnlockStatus{}, fmt.Errorf("unlockFrame: %w", err)
	}
	return UnlockStatus{st, math.Ceil(wait.Seconds())}, nil
}

// LivenessStart starts recording the liveness signals of frames.
func (e *Engine[T]) LivenessStart(*None) (Session, error) {
	if e.live == nil {
		return Session{}, errors.New("livenessStart needs the face detector, which load was not given")
	}
	return Session{e.liveness.StartRecorded()}, nil
}

// FacesFound is LivenessFrame's result: 1 when a face was found in the
// frame, else 0.
type FacesFound struct {
	Faces int `js:"faces"`
}

// LivenessFrame records a frame.
func (e *Engine[T]) LivenessFrame(in *FrameArgs) (FacesFound, error) {
	found, err := e.liveness.RecordFrame(in.Session.Session, in.Frame.Tensor, e.deciding)
	switch {
	case err != nil:
		return FacesFound{}, fmt.Errorf("livenessFrame: %w", err)
	case found:
		return FacesFound{1}, nil
	}
	return FacesFound{}, nil
}

// LivenessEnd ends a recording with what it measured.
func (e *Engine[T]) LivenessEnd(in *Session) (liveness.Recorded, error) {
	r, err := e.liveness.EndRecorded(in.Session)
	if err != nil {
		return r, fmt.Errorf("livenessEnd: %w", err)
	}
	return r, nil
}
