//go:build js && wasm

package main

// The "Inside the network" card's calls: what `visage convnet-units` computes
// (core/art TopUnits over VGG-19), one image per call, so that the page shows
// progress and stops between two images when cancelled. One pass at a time:
// unitsStart replaces the previous one.
//
//	unitsStart({layer, k, size}) → {session, layer, channels, field: {size, stride, offset}}
//	    a new pass over layer (one of artLayers()), keeping each unit's k
//	    strongest images (1..100, default 9); every image's longer side is
//	    scaled down to size (16..1024, default 128) first, as the CLI's
//	    --size; needs artLoad
//	unitsAdd(session, image) → {images}
//	    the next image of the pass (images: how many it has seen)
//	unitsTop(session, n | [channel, …]) → {images, ranking: [channel, …],
//	        units: [{channel, hits: [{image, y, x, value}]}]}
//	    ranking is every channel, strongest first (art.TopUnits.Units);
//	    units are the n strongest, or the channels given, each with its
//	    hits, strongest first (image: its index in the pass, from 0)
//	unitsCrop(session, image, [{y, x}, …]) → [{top, left, bottom, right, width, height, data}, …]
//	    the receptive-field windows of the layer's units at (y, x) in image,
//	    scaled as unitsAdd scaled it (the pass keeps no image), and the
//	    RGBA pixels in each
//	unitsMap(session, image, channel) → {image, map: {channel, width, height, data}}
//	    image scaled as unitsAdd scaled it (RGBA pixels) and the layer's
//	    channel over it, as artFeatures' maps (art.FeatureMap, one byte a
//	    value scaled by the channel's peak in this image)
//
// A session number from an older pass rejects: its results are gone.

import (
	"errors"
	"fmt"
	"syscall/js"

	"visage/core/art"
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
	if u.art.net == nil {
		return nil, errors.New("unitsStart called before artLoad")
	}
	o, err := optionsOf(args, 0, "unitsStart")
	if err != nil {
		return nil, err
	}
	layer, err := stringOf(field(o, "layer"), "unitsStart: layer")
	if err != nil {
		return nil, err
	}
	k, size := 9.0, 128.0
	if err := optionalNumber(o, "k", &k); err != nil {
		return nil, err
	}
	if err := optionalNumber(o, "size", &size); err != nil {
		return nil, err
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

// passOf returns the pass args[0] names, or an error saying why it is gone.
func (u *unitsAPI) passOf(args []js.Value, op string) (*art.UnitsPass, error) {
	s, err := numberOf(arg(args, 0), op+": session")
	if err != nil {
		return nil, err
	}
	if u.pass == nil || float64(u.session) != s {
		return nil, fmt.Errorf("%s: session %v is not the pass in progress (a later unitsStart replaced it, or the engine restarted)", op, s)
	}
	return u.pass, nil
}

func (u *unitsAPI) add(args []js.Value) (any, error) {
	p, err := u.passOf(args, "unitsAdd")
	if err != nil {
		return nil, err
	}
	img, err := imageOf(arg(args, 1), "unitsAdd")
	if err != nil {
		return nil, err
	}
	if err := p.Add(img); err != nil {
		return nil, err
	}
	return map[string]any{"images": p.Images}, nil
}

func (u *unitsAPI) topUnits(args []js.Value) (any, error) {
	p, err := u.passOf(args, "unitsTop")
	if err != nil {
		return nil, err
	}
	ranking, err := p.Ranking()
	if err != nil {
		return nil, fmt.Errorf("unitsTop: %w", err)
	}
	var channels []int
	switch which := arg(args, 1); {
	case which.Type() == js.TypeNumber:
		n, err := intIn(which, "unitsTop: units", 1, len(ranking))
		if err != nil {
			return nil, err
		}
		channels = ranking[:n]
	case which.InstanceOf(js.Global().Get("Array")):
		for i := range which.Length() {
			c, err := intIn(which.Index(i), fmt.Sprintf("unitsTop: units[%d], a channel of %s,", i, p.Layer), 0, len(ranking)-1)
			if err != nil {
				return nil, err
			}
			channels = append(channels, c)
		}
	default:
		return nil, fmt.Errorf("unitsTop: units must be a number or an array of channels, found %s", describe(which))
	}
	units := make([]any, len(channels))
	for i, c := range channels {
		hits := p.Top.Hits(c)
		hs := make([]any, len(hits))
		for j, h := range hits {
			hs[j] = map[string]any{"image": h.Image, "y": h.Y, "x": h.X, "value": h.Value}
		}
		units[i] = map[string]any{"channel": c, "hits": hs}
	}
	rank := make([]any, len(ranking))
	for i, c := range ranking {
		rank[i] = c
	}
	return map[string]any{"images": p.Images, "ranking": rank, "units": units}, nil
}

func (u *unitsAPI) crop(args []js.Value) (any, error) {
	p, err := u.passOf(args, "unitsCrop")
	if err != nil {
		return nil, err
	}
	img, err := imageOf(arg(args, 1), "unitsCrop")
	if err != nil {
		return nil, err
	}
	img = p.Scaled(img)
	at := arg(args, 2)
	if !at.InstanceOf(js.Global().Get("Array")) {
		return nil, fmt.Errorf("unitsCrop: positions must be an array of {y, x}, found %s", describe(at))
	}
	out := make([]any, at.Length())
	for i := range out {
		y, err := intIn(field(at.Index(i), "y"), fmt.Sprintf("unitsCrop: positions[%d].y", i), 0, img.Shape[0])
		if err != nil {
			return nil, err
		}
		x, err := intIn(field(at.Index(i), "x"), fmt.Sprintf("unitsCrop: positions[%d].x", i), 0, img.Shape[1])
		if err != nil {
			return nil, err
		}
		w, err := p.Window(img, y, x)
		if err != nil {
			return nil, fmt.Errorf("unitsCrop: positions[%d] %w", i, err)
		}
		patch := rgbaJS(w.Crop(img))
		patch["top"], patch["left"], patch["bottom"], patch["right"] = w.Top, w.Left, w.Bottom, w.Right
		out[i] = patch
	}
	return out, nil
}

func (u *unitsAPI) featureMap(args []js.Value) (any, error) {
	p, err := u.passOf(args, "unitsMap")
	if err != nil {
		return nil, err
	}
	img, err := imageOf(arg(args, 1), "unitsMap")
	if err != nil {
		return nil, err
	}
	img, act, err := p.Map(img)
	if err != nil {
		return nil, err
	}
	c, err := intIn(arg(args, 2), "unitsMap: channel, a channel of "+p.Layer+",", 0, act.Shape[2]-1)
	if err != nil {
		return nil, err
	}
	return map[string]any{"image": rgbaJS(img), "map": featureMapJS(act, c)}, nil
}
