package engine

import (
	"slices"
	"testing"

	"visage/core/art"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// unitsOptions sets UnitsStart's layer, k and size.
func unitsOptions(layer string, k, size float64) func(*UnitsStartArgs) {
	return func(in *UnitsStartArgs) { in.Options.Layer, in.Options.K, in.Options.Size = layer, k, size }
}

// position is UnitsCrop's positions: one window at (y, x).
func position(y, x float64) func(*UnitsCropArgs) {
	return func(in *UnitsCropArgs) {
		in.At = append(in.At, struct {
			Y float64 `js:"y"`
			X float64 `js:"x"`
		}{y, x})
	}
}

// TestUnitsRejects checks that each call names what it expected.
func TestUnitsRejects(t *testing.T) {
	e := New[*tensor.Tensor](nil)
	rejects(t, "unitsStart before artLoad", e.NeedVGG("unitsStart"), "unitsStart called before artLoad")
	e.art.net = vgg19test.Net(5, vgg19.AvgPool)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"layer", second(call(e.UnitsStart, unitsOptions("fc7", 9, 128))), `unitsStart: art: unknown layer "fc7" (have [conv1_1 conv1_2`},
		{"k", second(call(e.UnitsStart, unitsOptions("conv1_1", 0, 128))), "k 0 and size 128, want whole numbers in 1..100 and 16..1024"},
		{"size", second(call(e.UnitsStart, unitsOptions("conv1_1", 9, 15.5))), "k 9 and size 15.5"},
		{"add before start", second(call(e.UnitsAdd, Session{1}, rgb(4, 4, 0))), "unitsAdd: session 1 is not the pass in progress"},
	} {
		rejects(t, c.name, c.err, c.want)
	}
	session := must(t, e.UnitsStart, unitsOptions("conv2_1", 9, 16)).Session
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"top before add", second(call(e.UnitsTop, session, UnitChoice{Top: 1})), "unitsTop: the pass has seen no image"},
		{"old session", second(call(e.UnitsAdd, Session{session.Session - 1}, rgb(4, 4, 0))), "a later unitsStart replaced it"},
		{"old session (top)", second(call(e.UnitsTop, Session{session.Session - 1}, UnitChoice{Top: 1})), "unitsTop: session"},
		{"old session (crop)", second(call(e.UnitsCrop, UnitsArgs{Session{session.Session - 1}, rgb(4, 4, 0)})), "unitsCrop: session"},
		{"old session (map)", second(call(e.UnitsMap, UnitsArgs{Session{session.Session - 1}, rgb(4, 4, 0)})), "unitsMap: session"},
	} {
		rejects(t, c.name, c.err, c.want)
	}
	must(t, e.UnitsAdd, session, rgb(20, 12, 0))
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"units 0", second(call(e.UnitsTop, session, UnitChoice{Top: 0})), "units 0, want a whole number in 1..5"},
		{"units 1.5", second(call(e.UnitsTop, session, UnitChoice{Top: 1.5})), "units 1.5, want a whole number in 1..5"},
		{"channel 5", second(call(e.UnitsTop, session, UnitChoice{Channels: []float64{1, 5}, List: true})), "units[1], a channel of conv2_1, 5, want a whole number in 0..4"},
		{"crop outside", second(call(e.UnitsCrop, UnitsArgs{session, rgb(20, 12, 0)}, position(10, 0))), "sees nothing of a 16×10 image"},
		{"crop not whole", second(call(e.UnitsCrop, UnitsArgs{session, rgb(20, 12, 0)}, position(0, 0.5))), "unitsCrop: positions[0].x 0.5, want a whole number in 0..16"},
	} {
		rejects(t, c.name, c.err, c.want)
	}
}

// TestUnitsPass runs a pass over five images of different sizes through the
// calls, as the page does, and checks it against art.TopUnits fed the same
// images scaled as the CLI scales them, with the network's own pooling
// (avg) even after artStart chose max.
func TestUnitsPass(t *testing.T) {
	net := vgg19test.Net(5, vgg19.MaxPool) // as artStart({pool: 'max'}) leaves it
	e := New[*tensor.Tensor](nil)
	e.art.net = net
	const layer, k, size = "conv2_1", 3, 16
	start := must(t, e.UnitsStart, unitsOptions(layer, k, size))
	session := start.Session
	if f := start.Field; start.Layer != layer || f.Size != 10 || f.Stride != 2 || f.Offset != -4 {
		t.Errorf("unitsStart: %s field %+v, want conv2_1's 10, 2, -4 (-1, -2 by conv1_1 and conv1_2, then one stride of 2)", start.Layer, f)
	}

	ref := *net
	ref.Pool = vgg19.AvgPool
	want := art.NewTopUnits(k)
	sizes := [][2]int{{20, 12}, {9, 30}, {16, 16}, {40, 7}, {11, 11}}
	image := func(i int) Image { return rgb(sizes[i][0], sizes[i][1], 37*i) }
	scaled := make([]*tensor.Tensor, len(sizes))
	activation := func(i int) *tensor.Tensor {
		pass, err := ref.Forward(scaled[i], layer)
		if err != nil {
			t.Fatal(err)
		}
		return pass.Activation(layer)
	}
	for i := range sizes {
		if got := must(t, e.UnitsAdd, session, image(i)).Images; got != i+1 {
			t.Errorf("unitsAdd %d: images %d", i, got)
		}
		scaled[i] = imageio.DownscaleArea(image(i).Tensor, size)
		want.Add(i, activation(i))
	}

	top := must(t, e.UnitsTop, session, UnitChoice{Top: 2})
	if w := want.Units(99); !slices.Equal(top.Ranking, w) {
		t.Errorf("ranking %v, want %v", top.Ranking, w)
	}
	if top.Images != 5 || len(top.Units) != 2 {
		t.Fatalf("unitsTop(2): %d images, %d units; want 5 and 2", top.Images, len(top.Units))
	}
	for i, unit := range top.Units {
		c := unit.Channel
		if c != want.Units(2)[i] {
			t.Errorf("unit %d is channel %d, want %d", i, c, want.Units(2)[i])
		}
		if !slices.Equal(unit.Hits, want.Hits(c)) {
			t.Errorf("channel %d: hits %+v, want %+v", c, unit.Hits, want.Hits(c))
		}
		// The patches, cut again from the image the page sends back.
		h := want.Hits(c)[0]
		crops := must(t, e.UnitsCrop, UnitsArgs{session, image(h.Image)}, position(float64(h.Y), float64(h.X)))
		f, _ := art.ReceptiveField(layer)
		var p art.Patch
		p.Top, p.Left, p.Bottom, p.Right = f.Window(h.Y, h.X, scaled[h.Image].Shape[0], scaled[h.Image].Shape[1])
		wantPix := imageio.ToImage(p.Crop(scaled[h.Image])).Pix
		if got := crops[0]; len(crops) != 1 || got.Top != p.Top || got.Left != p.Left || got.Bottom != p.Bottom || got.Right != p.Right || !slices.Equal(got.Data, wantPix) {
			t.Errorf("channel %d: crop %d,%d–%d,%d (%d bytes), want %+v (%d bytes, equal)", c,
				got.Top, got.Left, got.Bottom, got.Right, len(got.Data), p, len(wantPix))
		}
	}
	// The strongest unit's map over its strongest image: art.FeatureMap of
	// that image scaled as unitsAdd scaled it, 255 at the hit.
	c := want.Units(1)[0]
	h := want.Hits(c)[0]
	out := must(t, e.UnitsMap, UnitsArgs{session, image(h.Image)}, float64(c))
	fm := art.FeatureMap(activation(h.Image), c)
	m, w := out.Map, fm.Shape[1]
	if m.Channel != c || m.Width != w || m.Height != fm.Shape[0] || len(m.Data) != len(fm.Data) || m.Data[h.Y*w+h.X] != 255 ||
		out.Image.Width != scaled[h.Image].Shape[1] || out.Image.Height != scaled[h.Image].Shape[0] {
		t.Fatalf("unitsMap: channel %d, %d×%d map (%d values, %d at the hit (%d, %d)) over a %d×%d image; want %d, %d×%d, 255 there, over %d×%d",
			m.Channel, m.Width, m.Height, len(m.Data), m.Data[min(h.Y*w+h.X, len(m.Data)-1)], h.Y, h.X, out.Image.Width, out.Image.Height,
			c, w, fm.Shape[0], scaled[h.Image].Shape[1], scaled[h.Image].Shape[0])
	}
	for i, v := range fm.Data {
		if b := byte(v*255 + 0.5); m.Data[i] != b {
			t.Fatalf("unitsMap: value %d is %d, want %d (FeatureMap %v)", i, m.Data[i], b, v)
		}
	}
	rejects(t, "unitsMap channel 5", second(call(e.UnitsMap, UnitsArgs{session, image(h.Image)}, 5.0)), "unitsMap: channel, a channel of conv2_1, 5, want a whole number in 0..4")

	// Channels by number, in the order asked.
	if got := must(t, e.UnitsTop, session, UnitChoice{Channels: []float64{4, 0}, List: true}).Units; len(got) != 2 || got[0].Channel != 4 || got[1].Channel != 0 {
		t.Errorf("unitsTop([4, 0]) gave %+v, want channels 4 and 0", got)
	}
}
