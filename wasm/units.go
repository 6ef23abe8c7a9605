//go:build js && wasm

package main

// The "Inside the network" card's calls: what `visage convnet-units` computes
// (core/art TopUnits over VGG-19), one image per call, so that the page shows
// progress and stops between two images when cancelled. One pass at a time:
// unitsStart replaces the previous one.
//
//	unitsStart({layer, k, size}) → {session, layer, channels, field: {size, stride, offset}}
//	unitsAdd(session, image) → {images}
//	unitsTop(session, n | [channel, …]) → {images, ranking, units}
//	unitsCrop(session, image, [{y, x}, …]) → [{top, left, bottom, right, width, height, data}, …]
//	unitsMap(session, image, channel) → {image, map: {channel, width, height, data}}
//
// A session number from an older pass rejects: its results are gone.

import (
	"errors"
	"fmt"
	"syscall/js"

	"visage/core/art"
	"visage/core/tensor"
)

// unitsAPI holds the pass in progress (art.UnitsPass) and its session number.
type unitsAPI struct {
	art     *artAPI // its net, loaded by artLoad
	pass    *art.UnitsPass
	session int // the pass's number, the last given
}

// methods returns the JS names of the calls.
func (u *unitsAPI) methods() map[string]func([]js.Value) (any, error) {
	return map[string]func([]js.Value) (any, error){
		"unitsStart": u.start, "unitsAdd": u.add, "unitsTop": u.topUnits, "unitsCrop": u.crop, "unitsMap": u.featureMap,
	}
}

func (u *unitsAPI) start(args []js.Value) (any, error) {
	r := argsOf("unitsStart", args)
	if u.art.net == nil {
		return nil, errors.New("unitsStart called before artLoad")
	}
	o := r.options(0)
	layer, k, size := r.str(field(o, "layer"), "layer"), r.optNumber(o, "k", 9), r.optNumber(o, "size", 128)
	if r.err != nil {
		return nil, r.err
	}
	p, err := art.NewUnitsPass(u.art.net, layer, k, size)
	if err != nil {
		return nil, fmt.Errorf("unitsStart: %w", err)
	}
	u.pass = p
	u.session++
	return map[string]any{
		"session": u.session, "layer": layer,
		"field": map[string]any{"size": p.Field.Size, "stride": p.Field.Stride, "offset": p.Field.Offset},
	}, nil
}

// passOf reads r's session argument and image argument i (none when i < 0)
// and returns the pass it names, or an error saying why it is gone, and the
// image as the pass scales it.
func (u *unitsAPI) passOf(r *reader, i int) (*art.UnitsPass, *tensor.Tensor) {
	s := r.num(r.arg(0), "session")
	if r.err == nil && (u.pass == nil || float64(u.session) != s) {
		r.failf("session %v is not the pass in progress (a later unitsStart replaced it, or the engine restarted)", s)
	}
	if i < 0 || r.err != nil {
		return u.pass, nil
	}
	return u.pass, r.image(r.arg(i), "")
}

func (u *unitsAPI) add(args []js.Value) (any, error) {
	r := argsOf("unitsAdd", args)
	p, img := u.passOf(r, 1)
	if r.err == nil {
		r.check(p.Add(img))
	}
	if r.err != nil {
		return nil, r.err
	}
	return map[string]any{"images": u.pass.Images}, nil
}

func (u *unitsAPI) topUnits(args []js.Value) (any, error) {
	r := argsOf("unitsTop", args)
	p, _ := u.passOf(r, -1)
	if r.err != nil {
		return nil, r.err
	}
	ranking, err := p.Ranking()
	if err != nil {
		return nil, fmt.Errorf("unitsTop: %w", err)
	}
	var channels []int
	switch which := r.arg(1); {
	case which.Type() == js.TypeNumber:
		channels = ranking[:r.intIn(which, "units", 1, len(ranking))]
	case which.InstanceOf(js.Global().Get("Array")):
		for i := range which.Length() {
			channels = append(channels, r.intIn(which.Index(i), fmt.Sprintf("units[%d], a channel of %s,", i, p.Layer), 0, len(ranking)-1))
		}
	default:
		r.failf("units must be a number or an array of channels, found %s", describe(which))
	}
	if r.err != nil {
		return nil, r.err
	}
	units := make([]any, len(channels))
	for i, c := range channels {
		var hits []any
		for _, h := range p.Top.Hits(c) {
			hits = append(hits, map[string]any{"image": h.Image, "y": h.Y, "x": h.X, "value": h.Value})
		}
		units[i] = map[string]any{"channel": c, "hits": hits}
	}
	return map[string]any{"images": p.Images, "ranking": arrayJS(ranking), "units": units}, nil
}

func (u *unitsAPI) crop(args []js.Value) (any, error) {
	r := argsOf("unitsCrop", args)
	p, img := u.passOf(r, 1)
	at := r.arg(2)
	if r.err == nil && !at.InstanceOf(js.Global().Get("Array")) {
		r.failf("positions must be an array of {y, x}, found %s", describe(at))
	}
	if r.err != nil {
		return nil, r.err
	}
	img = p.Scaled(img)
	out := make([]any, at.Length())
	for i := range out {
		y := r.intIn(field(at.Index(i), "y"), fmt.Sprintf("positions[%d].y", i), 0, img.Shape[0])
		x := r.intIn(field(at.Index(i), "x"), fmt.Sprintf("positions[%d].x", i), 0, img.Shape[1])
		w, err := p.Window(img, y, x)
		if r.err == nil && err != nil {
			r.failf("positions[%d] %w", i, err)
		}
		if r.err != nil {
			return nil, r.err
		}
		patch := rgbaJS(w.Crop(img))
		patch["top"], patch["left"], patch["bottom"], patch["right"] = w.Top, w.Left, w.Bottom, w.Right
		out[i] = patch
	}
	return out, nil
}

func (u *unitsAPI) featureMap(args []js.Value) (any, error) {
	r := argsOf("unitsMap", args)
	p, img := u.passOf(r, 1)
	if r.err != nil {
		return nil, r.err
	}
	img, act, err := p.Map(img)
	if err != nil {
		return nil, err
	}
	c := r.intIn(r.arg(2), "channel, a channel of "+p.Layer+",", 0, act.Shape[2]-1)
	if r.err != nil {
		return nil, r.err
	}
	return map[string]any{"image": rgbaJS(img), "map": featureMapJS(act, c)}, nil
}
