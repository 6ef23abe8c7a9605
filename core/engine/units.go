package engine

// The "Inside the network" card's calls: what `visage convnet-units`
// computes (core/art TopUnits over VGG-19), one image per call, so that the
// page shows progress and stops between two images when cancelled. One
// pass at a time: UnitsStart replaces the previous one, and a session
// number from an older pass is an error: its results are gone.

import (
	"fmt"

	"visage/core/art"
)

// unitsState holds the pass in progress (art.UnitsPass) and its session
// number.
type unitsState struct {
	pass    *art.UnitsPass
	session int // the pass's number, the last given
}

// UnitsStartArgs are UnitsStart's: the layer, the hits kept a unit (k) and
// the images' working size.
type UnitsStartArgs struct {
	Options struct {
		Layer string  `js:"layer"`
		K     float64 `js:"k,omitempty"`
		Size  float64 `js:"size,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *UnitsStartArgs) Defaults() { in.Options.K, in.Options.Size = 9, 128 }

// UnitsStarted is UnitsStart's result: the session and the layer's
// receptive field.
type UnitsStarted struct {
	Session
	Layer string    `js:"layer"`
	Field art.Field `js:"field"`
}

// UnitsStart starts a pass over a layer of the network ArtLoad loaded.
func (e *Engine[T]) UnitsStart(in *UnitsStartArgs) (UnitsStarted, error) {
	o, u := in.Options, &e.units
	p, err := art.NewUnitsPass(e.art.net, o.Layer, o.K, o.Size)
	if err != nil {
		return UnitsStarted{}, fmt.Errorf("unitsStart: %w", err)
	}
	u.pass = p
	u.session++
	return UnitsStarted{Session{u.session}, o.Layer, p.Field}, nil
}

// passOf returns the pass in progress, or an error unless s names it; op
// names the call in errors.
func (u *unitsState) passOf(op string, s Session) (*art.UnitsPass, error) {
	if u.pass == nil || u.session != s.Session {
		return nil, fmt.Errorf("%s: session %v is not the pass in progress (a later unitsStart replaced it, or the engine restarted)", op, s.Session)
	}
	return u.pass, nil
}

// UnitsArgs are the arguments of the calls on an image of the pass.
type UnitsArgs struct {
	Session
	Image Image
}

// UnitsImages is UnitsAdd's result: the images the pass has seen.
type UnitsImages struct {
	Images int `js:"images"`
}

// UnitsAdd runs the pass over one more image.
func (e *Engine[T]) UnitsAdd(in *UnitsArgs) (UnitsImages, error) {
	p, err := e.units.passOf("unitsAdd", in.Session)
	if err == nil {
		err = p.Add(in.Image.Tensor)
	}
	if err != nil {
		return UnitsImages{}, err
	}
	return UnitsImages{p.Images}, nil
}

// UnitChoice is which units UnitsTop describes: the first Top of the
// ranking, or, when List, the Channels listed.
type UnitChoice struct {
	Top      float64
	Channels []float64
	List     bool
}

// UnitsTopArgs are UnitsTop's.
type UnitsTopArgs struct {
	Session
	Units UnitChoice `js:"units"`
}

// UnitHits is a unit and its strongest hits.
type UnitHits struct {
	Channel int       `js:"channel"`
	Hits    []art.Hit `js:"hits"`
}

// UnitsTop is UnitsTop's result: the channels from strongest to weakest,
// and the units asked for.
type UnitsTop struct {
	UnitsImages
	Ranking []int      `js:"ranking"`
	Units   []UnitHits `js:"units"`
}

// UnitsTop ranks the layer's units over the images so far.
func (e *Engine[T]) UnitsTop(in *UnitsTopArgs) (UnitsTop, error) {
	p, err := e.units.passOf("unitsTop", in.Session)
	if err != nil {
		return UnitsTop{}, err
	}
	ranking, err := p.Ranking()
	if err != nil {
		return UnitsTop{}, fmt.Errorf("unitsTop: %w", err)
	}
	var channels []int
	if !in.Units.List {
		var n int
		n, err = IntIn("unitsTop: units", in.Units.Top, 1, len(ranking))
		channels = ranking[:n]
	}
	for i, c := range in.Units.Channels {
		var ch int
		if ch, err = IntIn(fmt.Sprintf("unitsTop: units[%d], a channel of %s,", i, p.Layer), c, 0, len(ranking)-1); err != nil {
			break
		}
		channels = append(channels, ch)
	}
	if err != nil {
		return UnitsTop{}, err
	}
	units := make([]UnitHits, len(channels))
	for i, c := range channels {
		units[i] = UnitHits{c, p.Top.Hits(c)}
	}
	return UnitsTop{UnitsImages{p.Images}, ranking, units}, nil
}

// UnitsCropArgs are UnitsCrop's: where the windows are, in the layer's
// output.
type UnitsCropArgs struct {
	UnitsArgs
	At []struct {
		Y float64 `js:"y"`
		X float64 `js:"x"`
	} `js:"positions"`
}

// UnitPatch is an image's window seen by a unit at a position.
type UnitPatch struct {
	Pixels
	Top    int `js:"top"`
	Left   int `js:"left"`
	Bottom int `js:"bottom"`
	Right  int `js:"right"`
}

// UnitsCrop cuts an image's windows at positions of the layer's output.
func (e *Engine[T]) UnitsCrop(in *UnitsCropArgs) ([]UnitPatch, error) {
	p, err := e.units.passOf("unitsCrop", in.Session)
	if err != nil {
		return nil, err
	}
	img := p.Scaled(in.Image.Tensor)
	out := make([]UnitPatch, len(in.At))
	for i, at := range in.At {
		y, err := IntIn(fmt.Sprintf("unitsCrop: positions[%d].y", i), at.Y, 0, img.Shape[0])
		if err != nil {
			return nil, err
		}
		x, err := IntIn(fmt.Sprintf("unitsCrop: positions[%d].x", i), at.X, 0, img.Shape[1])
		if err != nil {
			return nil, err
		}
		w, err := p.Window(img, y, x)
		if err != nil {
			return nil, fmt.Errorf("unitsCrop: positions[%d] %w", i, err)
		}
		out[i] = UnitPatch{pixelsOf(w.Crop(img)), w.Top, w.Left, w.Bottom, w.Right}
	}
	return out, nil
}

// UnitsMapArgs are UnitsMap's: the channel.
type UnitsMapArgs struct {
	UnitsArgs
	Channel float64 `js:"channel"`
}

// UnitMap is UnitsMap's result: the image at the working size and the
// channel's map over it.
type UnitMap struct {
	Image Pixels     `js:"image"`
	Map   FeatureMap `js:"map"`
}

// UnitsMap is a channel's feature map of an image.
func (e *Engine[T]) UnitsMap(in *UnitsMapArgs) (UnitMap, error) {
	p, err := e.units.passOf("unitsMap", in.Session)
	if err != nil {
		return UnitMap{}, err
	}
	img, act, err := p.Map(in.Image.Tensor)
	if err != nil {
		return UnitMap{}, err
	}
	c, err := IntIn("unitsMap: channel, a channel of "+p.Layer+",", in.Channel, 0, act.Shape[2]-1)
	if err != nil {
		return UnitMap{}, err
	}
	return UnitMap{pixelsOf(img), featureMapOf(act, c)}, nil
}
