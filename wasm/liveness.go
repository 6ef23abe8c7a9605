//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"syscall/js"
	"time"

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
// The logic and the sessions are core/liveness's (Sessions); this file
// marshals.

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
	if v := field(arg(args, 1), "steps"); !v.IsUndefined() {
		n, err := numberOf(v, "unlockStart: steps")
		if err != nil {
			return nil, err
		}
		if n != math.Trunc(n) || n < 1 || n > float64(len(liveness.AllSteps)) {
			return nil, fmt.Errorf("unlockStart: steps must be a whole number from 1 to %d, found %v", len(liveness.AllSteps), n)
		}
		cfg.Steps = int(n)
	}
	u := a.liveness.StartUnlock(name, cfg, time.Now(), rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), rand.Uint64())))
	steps := []any{}
	for _, st := range u.Steps {
		steps = append(steps, map[string]any{"step": string(st), "words": st.Words()})
	}
	return map[string]any{"session": u.ID, "steps": steps, "wait": math.Ceil(u.Wait.Seconds())}, nil
}

func (a *api) unlockFrame(args []js.Value) (any, error) {
	id, img, err := a.sessionFrame(args, "unlockFrame")
	if err != nil {
		return nil, err
	}
	ms, err := numberOf(arg(args, 2), "unlockFrame: time")
	if err != nil {
		return nil, err
	}
	distance := func(name string, d []float32) (float64, error) {
		_, dist, err := a.gallery.Verify(name, d)
		return dist, err
	}
	st, wait, err := a.liveness.UnlockFrame(id, img, time.Duration(ms*float64(time.Millisecond)), a.deciding, distance, time.Now())
	if err != nil {
		return nil, fmt.Errorf("unlockFrame: %w", err)
	}
	r := map[string]any{"done": st.Done, "unlocked": st.Passed, "reason": string(st.Reason), "detail": st.Detail, "step": st.Step, "distance": nil}
	if !math.IsNaN(st.Distance) {
		r["distance"] = st.Distance
	}
	if wait > 0 {
		r["wait"] = math.Ceil(wait.Seconds())
	}
	return r, nil
}

func (a *api) livenessStart([]js.Value) (any, error) {
	if a.live == nil {
		return nil, errors.New("livenessStart needs the face detector, which load was not given")
	}
	return map[string]any{"session": a.liveness.StartRecorded()}, nil
}

func (a *api) livenessFrame(args []js.Value) (any, error) {
	id, img, err := a.sessionFrame(args, "livenessFrame")
	if err != nil {
		return nil, err
	}
	found, err := a.liveness.RecordFrame(id, img, a.deciding)
	if err != nil {
		return nil, fmt.Errorf("livenessFrame: %w", err)
	}
	if found {
		return map[string]any{"faces": 1}, nil
	}
	return map[string]any{"faces": 0}, nil
}

func (a *api) livenessEnd(args []js.Value) (any, error) {
	id, err := numberOf(arg(args, 0), "livenessEnd: session")
	if err != nil {
		return nil, err
	}
	r, err := a.liveness.EndRecorded(int(id))
	if err != nil {
		return nil, fmt.Errorf("livenessEnd: %w", err)
	}
	out := map[string]any{"live": r.Live, "score": r.Score, "reason": r.Reason, "frames": r.Frames, "faces": r.Faces,
		"antispoof": nil, "liveness": nil}
	if r.Antispoof != nil {
		out["antispoof"], out["liveness"] = *r.Antispoof, *r.Liveness
	}
	return out, nil
}

// sessionFrame reads a frame call's session number and camera frame: RGBA
// pixels only. An encoded file (bytes) is refused, so that a photo file can
// never stand in for the camera.
func (a *api) sessionFrame(args []js.Value, op string) (int, *tensor.Tensor, error) {
	id, err := numberOf(arg(args, 0), op+": session")
	if err != nil {
		return 0, nil, err
	}
	if v := arg(args, 1); isBytes(v) {
		return 0, nil, fmt.Errorf("%s takes camera frames (RGBA pixels from a live video), not an encoded image file", op)
	}
	img, err := imageOf(arg(args, 1), op)
	return int(id), img, err
}
