//go:build js && wasm

package main

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
// (Sessions); this file marshals.
//
//	unlockStart(name, {steps?}) → {session, steps: [{step, words}], wait}
//	unlockFrame(session, pixels, tMs) → {done, unlocked, reason, detail, step, distance, wait?}
//	livenessStart() → {session}; livenessFrame(session, pixels) → {faces}
//	livenessEnd(session) → LivenessResult (core/liveness.Recorded)

type unlockStartArgs struct {
	Name    string `js:"name"`
	Options struct {
		Steps *float64 `js:"steps,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (a *api) unlockStart(in *unlockStartArgs) (any, error) {
	switch {
	case a.live == nil:
		return nil, errors.New("unlockStart needs the face detector, which load was not given")
	case a.gallery.DescriptorCount(in.Name) == 0:
		return nil, fmt.Errorf("unlockStart: no one called %q is enrolled", in.Name)
	}
	cfg := liveness.Config{Threshold: a.gallery.Threshold()}
	if n := in.Options.Steps; n != nil {
		var err error
		if cfg.Steps, err = intIn("unlockStart: steps", *n, 1, len(liveness.AllSteps)); err != nil {
			return nil, err
		}
	}
	u := a.liveness.StartUnlock(in.Name, cfg, time.Now(), rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), rand.Uint64())))
	type step struct {
		Step  liveness.Step `js:"step"`
		Words string        `js:"words"`
	}
	steps := make([]step, len(u.Steps))
	for i, st := range u.Steps {
		steps[i] = step{st, st.Words()}
	}
	return struct {
		session
		Steps []step  `js:"steps"`
		Wait  float64 `js:"wait"`
	}{session{u.ID}, steps, math.Ceil(u.Wait.Seconds())}, nil
}

// session is a session number: the argument of the calls that continue a
// session, and the result of those that start one.
type session struct {
	Session int `js:"session"`
}

// frameArgs are the frame calls' arguments.
type frameArgs struct {
	session
	Frame frame
}

func (a *api) unlockFrame(in *struct {
	frameArgs
	Time float64 `js:"time"`
}) (any, error) {
	st, wait, err := a.liveness.UnlockFrame(in.Session, in.Frame.Tensor, time.Duration(in.Time*float64(time.Millisecond)), a.deciding, a.gallery, time.Now())
	if err != nil {
		return nil, fmt.Errorf("unlockFrame: %w", err)
	}
	return struct {
		liveness.Status
		Wait float64 `js:"wait,omitempty"`
	}{st, math.Ceil(wait.Seconds())}, nil
}

func (a *api) livenessStart(*none) (any, error) {
	if a.live == nil {
		return nil, errors.New("livenessStart needs the face detector, which load was not given")
	}
	return session{a.liveness.StartRecorded()}, nil
}

func (a *api) livenessFrame(in *frameArgs) (any, error) {
	found, err := a.liveness.RecordFrame(in.Session, in.Frame.Tensor, a.deciding)
	if err != nil {
		return nil, fmt.Errorf("livenessFrame: %w", err)
	}
	faces := struct {
		Faces int `js:"faces"`
	}{}
	if found {
		faces.Faces = 1
	}
	return faces, nil
}

func (a *api) livenessEnd(in *session) (any, error) {
	r, err := a.liveness.EndRecorded(in.Session)
	if err != nil {
		return nil, fmt.Errorf("livenessEnd: %w", err)
	}
	return r, nil
}
