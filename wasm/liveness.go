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
//	unlockFrame(session, pixels, tMs) → {done, unlocked, reason, detail, step, distance}
//	livenessStart() → {session}; livenessFrame(session, pixels) → {faces};
//	livenessEnd(session) → {live, score, reason, …} (core/liveness.Recorded)
//
// The logic and the sessions are core/liveness's (Sessions); this file
// marshals.

func (a *api) unlockStart(args []js.Value) (any, error) {
	r := argsOf("unlockStart", args)
	name := r.str(r.arg(0), "name")
	switch {
	case r.err != nil:
	case a.live == nil:
		r.check(errors.New("unlockStart needs the face detector, which load was not given"))
	case a.gallery.DescriptorCount(name) == 0:
		r.failf("no one called %q is enrolled", name)
	}
	cfg := liveness.Config{Threshold: a.gallery.Threshold()}
	if v := field(r.arg(1), "steps"); !v.IsUndefined() {
		cfg.Steps = r.intIn(v, "steps", 1, len(liveness.AllSteps))
	}
	if r.err != nil {
		return nil, r.err
	}
	u := a.liveness.StartUnlock(name, cfg, time.Now(), rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), rand.Uint64())))
	steps := []any{}
	for _, st := range u.Steps {
		steps = append(steps, map[string]any{"step": string(st), "words": st.Words()})
	}
	return map[string]any{"session": u.ID, "steps": steps, "wait": math.Ceil(u.Wait.Seconds())}, nil
}

func (a *api) unlockFrame(args []js.Value) (any, error) {
	r := argsOf("unlockFrame", args)
	id, img := a.sessionFrame(r)
	ms := r.num(r.arg(2), "time")
	if r.err != nil {
		return nil, r.err
	}
	st, wait, err := a.liveness.UnlockFrame(id, img, time.Duration(ms*float64(time.Millisecond)), a.deciding, a.gallery, time.Now())
	if err != nil {
		return nil, fmt.Errorf("unlockFrame: %w", err)
	}
	out := map[string]any{"done": st.Done, "unlocked": st.Passed, "reason": string(st.Reason), "detail": st.Detail, "step": st.Step, "distance": nil}
	if !math.IsNaN(st.Distance) {
		out["distance"] = st.Distance
	}
	if wait > 0 {
		out["wait"] = math.Ceil(wait.Seconds())
	}
	return out, nil
}

func (a *api) livenessStart([]js.Value) (any, error) {
	if a.live == nil {
		return nil, errors.New("livenessStart needs the face detector, which load was not given")
	}
	return map[string]any{"session": a.liveness.StartRecorded()}, nil
}

func (a *api) livenessFrame(args []js.Value) (any, error) {
	r := argsOf("livenessFrame", args)
	id, img := a.sessionFrame(r)
	if r.err != nil {
		return nil, r.err
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
func (a *api) sessionFrame(r *reader) (int, *tensor.Tensor) {
	id := r.num(r.arg(0), "session")
	if isBytes(r.arg(1)) {
		r.check(fmt.Errorf("%s takes camera frames (RGBA pixels from a live video), not an encoded image file", r.op))
	}
	return int(id), r.image(r.arg(1), "")
}
