//go:build js && wasm

package main

import (
	"slices"
	"strings"
	"syscall/js"
	"testing"

	"visage/core/art"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// TestUnitsRejects checks that each call names what it expected.
func TestUnitsRejects(t *testing.T) {
	u := &unitsAPI{art: &artAPI{}}
	if s := call(u, "unitsStart", map[string]any{"layer": "conv1_1"}); !strings.Contains(s.rejected, "before artLoad") {
		t.Errorf("unitsStart before artLoad: rejected with %q", s.rejected)
	}
	u.art.net = vgg19test.Net(5, vgg19.AvgPool)
	for _, c := range []struct {
		name string
		s    settled
		want string
	}{
		{"no options", call(u, "unitsStart"), "layer must be a string"},
		{"layer", call(u, "unitsStart", map[string]any{"layer": "fc7"}), `unknown layer "fc7" (have [conv1_1 conv1_2`},
		{"k", call(u, "unitsStart", map[string]any{"layer": "conv1_1", "k": 0}), "k 0 and size 128, want whole numbers in 1..100 and 16..1024"},
		{"size", call(u, "unitsStart", map[string]any{"layer": "conv1_1", "size": 15.5}), "size 15.5"},
		{"add before start", call(u, "unitsAdd", 1, rgba(4, 4)), "session 1 is not the pass in progress"},
	} {
		if !strings.Contains(c.s.rejected, c.want) {
			t.Errorf("%s: rejected with %q, want it to mention %q", c.name, c.s.rejected, c.want)
		}
	}
	session := must(t, "unitsStart", call(u, "unitsStart", map[string]any{"layer": "conv2_1", "size": 16})).Get("session").Int()
	for _, c := range []struct {
		name string
		s    settled
		want string
	}{
		{"top before add", call(u, "unitsTop", session, 1), "seen no image"},
		{"add not an image", call(u, "unitsAdd", session, "cat.png"), "unitsAdd expects image bytes"},
		{"old session", call(u, "unitsAdd", session-1, rgba(4, 4)), "a later unitsStart replaced it"},
	} {
		if !strings.Contains(c.s.rejected, c.want) {
			t.Errorf("%s: rejected with %q, want it to mention %q", c.name, c.s.rejected, c.want)
		}
	}
	must(t, "unitsAdd", call(u, "unitsAdd", session, rgba(20, 12)))
	for _, c := range []struct {
		name string
		s    settled
		want string
	}{
		{"units 0", call(u, "unitsTop", session, 0), "units 0, want a whole number in 1..5"},
		{"channel 5", call(u, "unitsTop", session, []any{1, 5}), "units[1], a channel of conv2_1, 5, want a whole number in 0..4"},
		{"units a string", call(u, "unitsTop", session, "all"), "units must be a number or an array of channels, found string"},
		{"crop positions", call(u, "unitsCrop", session, rgba(20, 12), 3), "positions must be an array"},
		{"crop outside", call(u, "unitsCrop", session, rgba(20, 12), []any{map[string]any{"y": 10, "x": 0}}), "sees nothing of a 16×10 image"},
	} {
		if !strings.Contains(c.s.rejected, c.want) {
			t.Errorf("%s: rejected with %q, want it to mention %q", c.name, c.s.rejected, c.want)
		}
	}
}

// TestUnitsPass runs a pass over five images of different sizes through the
// calls, as the page does, and checks it against art.TopUnits fed the same
// images scaled as the CLI scales them, with the network's own pooling
// (avg) even after artStart chose max.
func TestUnitsPass(t *testing.T) {
	net := vgg19test.Net(5, vgg19.MaxPool) // as artStart({pool: 'max'}) leaves it
	u := &unitsAPI{art: &artAPI{net: net}}
	const layer, k, size = "conv2_1", 3, 16
	start := must(t, "unitsStart", call(u, "unitsStart", map[string]any{"layer": layer, "k": k, "size": size}))
	session := start.Get("session").Int()
	if f := start.Get("field"); f.Get("size").Int() != 10 || f.Get("stride").Int() != 2 || f.Get("offset").Int() != -4 {
		t.Errorf("unitsStart: field %v/%v/%v, want conv2_1's 10, 2, -4 (-1, -2 by conv1_1 and conv1_2, then one stride of 2)", f.Get("size"), f.Get("stride"), f.Get("offset"))
	}

	ref := *net
	ref.Pool = vgg19.AvgPool
	want := art.NewTopUnits(k)
	sizes := [][2]int{{20, 12}, {9, 30}, {16, 16}, {40, 7}, {11, 11}}
	scaled := make([]*tensor.Tensor, len(sizes))
	for i, wh := range sizes {
		img := rgba(wh[0], wh[1])
		shift(img, 37*i)
		if got := must(t, "unitsAdd", call(u, "unitsAdd", session, img)).Get("images").Int(); got != i+1 {
			t.Errorf("unitsAdd %d: images %d", i, got)
		}
		in, err := imageOf(img, "test")
		if err != nil {
			t.Fatal(err)
		}
		scaled[i] = imageio.DownscaleArea(in, size)
		pass, err := ref.Forward(scaled[i], layer)
		if err != nil {
			t.Fatal(err)
		}
		want.Add(i, pass.Activation(layer))
	}

	top := must(t, "unitsTop", call(u, "unitsTop", session, 2))
	if got, w := ints(top.Get("ranking")), want.Units(99); !slices.Equal(got, w) {
		t.Errorf("ranking %v, want %v", got, w)
	}
	units := top.Get("units")
	if top.Get("images").Int() != 5 || units.Length() != 2 {
		t.Fatalf("unitsTop(2): %d images, %d units; want 5 and 2", top.Get("images").Int(), units.Length())
	}
	for i := range 2 {
		unit := units.Index(i)
		c := unit.Get("channel").Int()
		if c != want.Units(2)[i] {
			t.Errorf("unit %d is channel %d, want %d", i, c, want.Units(2)[i])
		}
		hits := unit.Get("hits")
		if hits.Length() != len(want.Hits(c)) {
			t.Fatalf("channel %d: %d hits, want %d", c, hits.Length(), len(want.Hits(c)))
		}
		for j, h := range want.Hits(c) {
			got := hits.Index(j)
			if got.Get("image").Int() != h.Image || got.Get("y").Int() != h.Y || got.Get("x").Int() != h.X || float32(got.Get("value").Float()) != h.Value {
				t.Errorf("channel %d hit %d: image %v (%v, %v) %v, want %+v", c, j, got.Get("image"), got.Get("y"), got.Get("x"), got.Get("value"), h)
			}
		}
		// The patches, cut again from the image the page sends back.
		h := want.Hits(c)[0]
		img := rgba(sizes[h.Image][0], sizes[h.Image][1])
		shift(img, 37*h.Image)
		crops := must(t, "unitsCrop", call(u, "unitsCrop", session, img, []any{map[string]any{"y": h.Y, "x": h.X}}))
		f, _ := art.ReceptiveField(layer)
		var p art.Patch
		p.Top, p.Left, p.Bottom, p.Right = f.Window(h.Y, h.X, scaled[h.Image].Shape[0], scaled[h.Image].Shape[1])
		wantPix := imageio.ToImage(p.Crop(scaled[h.Image])).Pix
		got := crops.Index(0)
		gotPix := make([]byte, got.Get("data").Length())
		js.CopyBytesToGo(gotPix, got.Get("data"))
		if got.Get("top").Int() != p.Top || got.Get("left").Int() != p.Left || got.Get("bottom").Int() != p.Bottom || got.Get("right").Int() != p.Right || !slices.Equal(gotPix, wantPix) {
			t.Errorf("channel %d: crop %v,%v–%v,%v (%d bytes), want %+v (%d bytes, equal)", c,
				got.Get("top"), got.Get("left"), got.Get("bottom"), got.Get("right"), len(gotPix), p, len(wantPix))
		}
	}
	// The strongest unit's map over its strongest image: art.FeatureMap of
	// that image scaled as unitsAdd scaled it, 255 at the hit.
	c := want.Units(1)[0]
	h := want.Hits(c)[0]
	img := rgba(sizes[h.Image][0], sizes[h.Image][1])
	shift(img, 37*h.Image)
	out := must(t, "unitsMap", call(u, "unitsMap", session, img, c))
	pass, err := ref.Forward(scaled[h.Image], layer)
	if err != nil {
		t.Fatal(err)
	}
	fm := art.FeatureMap(pass.Activation(layer), c)
	m := out.Get("map")
	got := make([]byte, m.Get("data").Length())
	js.CopyBytesToGo(got, m.Get("data"))
	w := fm.Shape[1]
	if m.Get("width").Int() != w || m.Get("height").Int() != fm.Shape[0] || len(got) != len(fm.Data) || got[h.Y*w+h.X] != 255 ||
		out.Get("image").Get("width").Int() != scaled[h.Image].Shape[1] || out.Get("image").Get("height").Int() != scaled[h.Image].Shape[0] {
		t.Fatalf("unitsMap: %v×%v map (%d values, %d at the hit (%d, %d)) over a %v×%v image; want %d×%d, 255 there, over %d×%d",
			m.Get("width"), m.Get("height"), len(got), got[min(h.Y*w+h.X, len(got)-1)], h.Y, h.X, out.Get("image").Get("width"), out.Get("image").Get("height"),
			w, fm.Shape[0], scaled[h.Image].Shape[1], scaled[h.Image].Shape[0])
	}
	for i, v := range fm.Data {
		if b := byte(v*255 + 0.5); got[i] != b {
			t.Fatalf("unitsMap: value %d is %d, want %d (FeatureMap %v)", i, got[i], b, v)
		}
	}
	if s := call(u, "unitsMap", session, img, 5); !strings.Contains(s.rejected, "unitsMap: channel, a channel of conv2_1, 5, want a whole number in 0..4") {
		t.Errorf("unitsMap channel 5: rejected with %q", s.rejected)
	}

	// Channels by number, in the order asked.
	if got := must(t, "unitsTop", call(u, "unitsTop", session, []any{4, 0})).Get("units"); got.Index(0).Get("channel").Int() != 4 || got.Index(1).Get("channel").Int() != 0 {
		t.Errorf("unitsTop([4, 0]) gave channels %v, %v", got.Index(0).Get("channel"), got.Index(1).Get("channel"))
	}
}

// shift adds by to every colour byte of an rgba image (mod 256), so that the
// test's images differ.
func shift(img js.Value, by int) {
	data := img.Get("data")
	for i := range data.Length() {
		if i%4 != 3 {
			data.SetIndex(i, (data.Index(i).Int()+by)%256)
		}
	}
}

// ints reads a JS array of numbers.
func ints(v js.Value) []int {
	out := make([]int, v.Length())
	for i := range out {
		out[i] = v.Index(i).Int()
	}
	return out
}
