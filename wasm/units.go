//go:build js && wasm

package main

// The "Inside the network" card's calls: what `visage convnet-units` computes
// (core/art TopUnits over VGG-19), one image per call, so that the page shows
// progress and stops between two images when cancelled. One pass at a time:
// unitsStart replaces the previous one.
//
//	unitsStart({layer, k, size}) → {session, layer, field: {size, stride, offset}}
//	unitsAdd(session, image) → {images}
//	unitsTop(session, n | [channel, …]) → {images, ranking, units}
//	unitsCrop(session, image, [{y, x}, …]) → [{top, left, bottom, right, width, height, data}, …]
//	unitsMap(session, image, channel) → {image, map: {channel, width, height, data}}
//
// A session number from an older pass rejects: its results are gone.

import (
	"fmt"
	"syscall/js"

	"visage/core/art"
	"visage/core/jsvalue"
)

// unitsAPI holds the pass in progress (art.UnitsPass) and its session number.
type unitsAPI struct {
	art     *artAPI // its net, loaded by artLoad
	pass    *art.UnitsPass
	session int // the pass's number, the last given
}

// bindings returns the calls' bindings by name.
func (u *unitsAPI) bindings() map[string]binding {
	return map[string]binding{
		"unitsStart": bind(u.loaded, u.start), "unitsAdd": bind(nil, u.add), "unitsTop": bind(nil, u.topUnits),
		"unitsCrop": bind(nil, u.crop), "unitsMap": bind(nil, u.featureMap),
	}
}

// loaded is an error unless artLoad has run.
func (u *unitsAPI) loaded(op string) error {
	if u.art.net == nil {
		return fmt.Errorf("%s called before artLoad", op)
	}
	return nil
}

type unitsStartArgs struct {
	Options struct {
		Layer string  `js:"layer"`
		K     float64 `js:"k,omitempty"`
		Size  float64 `js:"size,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *unitsStartArgs) defaults() { in.Options.K, in.Options.Size = 9, 128 }

func (u *unitsAPI) start(in *unitsStartArgs) (any, error) {
	o := in.Options
	p, err := art.NewUnitsPass(u.art.net, o.Layer, o.K, o.Size)
	if err != nil {
		return nil, fmt.Errorf("unitsStart: %w", err)
	}
	u.pass = p
	u.session++
	return struct {
		session
		Layer string    `js:"layer"`
		Field art.Field `js:"field"`
	}{session{u.session}, o.Layer, p.Field}, nil
}

// passOf returns the pass in progress, or an error unless s names it; op
// names the call in errors.
func (u *unitsAPI) passOf(op string, s session) (*art.UnitsPass, error) {
	if u.pass == nil || u.session != s.Session {
		return nil, fmt.Errorf("%s: session %v is not the pass in progress (a later unitsStart replaced it, or the engine restarted)", op, s.Session)
	}
	return u.pass, nil
}

// unitsArgs are the arguments of the calls on an image of the pass.
type unitsArgs struct {
	session
	Image image
}

// images is unitsAdd's result.
type images struct {
	Images int `js:"images"`
}

func (u *unitsAPI) add(in *unitsArgs) (any, error) {
	p, err := u.passOf("unitsAdd", in.session)
	if err == nil {
		err = p.Add(in.Image.Tensor)
	}
	if err != nil {
		return nil, err
	}
	return images{p.Images}, nil
}

func (u *unitsAPI) topUnits(in *struct {
	session
	Units js.Value `js:"units"`
}) (any, error) {
	p, err := u.passOf("unitsTop", in.session)
	if err != nil {
		return nil, err
	}
	ranking, err := p.Ranking()
	if err != nil {
		return nil, fmt.Errorf("unitsTop: %w", err)
	}
	var channels []int
	switch which := in.Units; {
	case which.Type() == js.TypeNumber:
		var n int
		n, err = intIn("unitsTop: units", which.Float(), 1, len(ranking))
		channels = ranking[:n]
	case which.InstanceOf(js.Global().Get("Array")):
		var cs []float64
		if err = jsvalue.Decode(which, &cs); err != nil {
			err = fmt.Errorf("unitsTop: units: %w", err)
		}
		channels = make([]int, len(cs))
		for i, c := range cs {
			if err == nil {
				channels[i], err = intIn(fmt.Sprintf("unitsTop: units[%d], a channel of %s,", i, p.Layer), c, 0, len(ranking)-1)
			}
		}
	default:
		err = fmt.Errorf("unitsTop: units must be a number or an array of channels, found %s", jsvalue.Describe(which))
	}
	if err != nil {
		return nil, err
	}
	type unit struct {
		Channel int       `js:"channel"`
		Hits    []art.Hit `js:"hits"`
	}
	units := make([]unit, len(channels))
	for i, c := range channels {
		units[i] = unit{c, p.Top.Hits(c)}
	}
	return struct {
		images
		Ranking []int  `js:"ranking"`
		Units   []unit `js:"units"`
	}{images{p.Images}, ranking, units}, nil
}

func (u *unitsAPI) crop(in *struct {
	unitsArgs
	At []struct {
		Y float64 `js:"y"`
		X float64 `js:"x"`
	} `js:"positions"`
}) (any, error) {
	p, err := u.passOf("unitsCrop", in.session)
	if err != nil {
		return nil, err
	}
	img := p.Scaled(in.Image.Tensor)
	type patch struct {
		pixels
		Top    int `js:"top"`
		Left   int `js:"left"`
		Bottom int `js:"bottom"`
		Right  int `js:"right"`
	}
	out := make([]patch, len(in.At))
	for i, at := range in.At {
		y, err := intIn(fmt.Sprintf("unitsCrop: positions[%d].y", i), at.Y, 0, img.Shape[0])
		if err != nil {
			return nil, err
		}
		x, err := intIn(fmt.Sprintf("unitsCrop: positions[%d].x", i), at.X, 0, img.Shape[1])
		if err != nil {
			return nil, err
		}
		w, err := p.Window(img, y, x)
		if err != nil {
			return nil, fmt.Errorf("unitsCrop: positions[%d] %w", i, err)
		}
		out[i] = patch{pixelsOf(w.Crop(img)), w.Top, w.Left, w.Bottom, w.Right}
	}
	return out, nil
}

func (u *unitsAPI) featureMap(in *struct {
	unitsArgs
	Channel float64 `js:"channel"`
}) (any, error) {
	p, err := u.passOf("unitsMap", in.session)
	if err != nil {
		return nil, err
	}
	img, act, err := p.Map(in.Image.Tensor)
	if err != nil {
		return nil, err
	}
	c, err := intIn("unitsMap: channel, a channel of "+p.Layer+",", in.Channel, 0, act.Shape[2]-1)
	if err != nil {
		return nil, err
	}
	return struct {
		Image pixels     `js:"image"`
		Map   featureMap `js:"map"`
	}{pixelsOf(img), featureMapOf(act, c)}, nil
}
