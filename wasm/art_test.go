//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"

	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// rgba is a w×h RGBA image argument whose pixel i has the colour
// (7i, 255−3i, 11i) mod 256.
func rgba(w, h int) js.Value {
	data := js.Global().Get("Uint8ClampedArray").New(w * h * 4)
	for i := range w * h {
		data.SetIndex(4*i, (7*i)%256)
		data.SetIndex(4*i+1, (255-3*i)%256)
		data.SetIndex(4*i+2, (11*i)%256)
		data.SetIndex(4*i+3, 255)
	}
	return js.ValueOf(map[string]any{"width": w, "height": h, "data": data})
}

func TestArtBadInputRejects(t *testing.T) {
	r := &artAPI{}
	for _, c := range []struct {
		name string
		s    settled
		want string
	}{
		{"artStart before artLoad", call(r, "artStart"), "before artLoad"},
		{"artStep before artStart", call(r, "artStep", 1), "before artStart"},
		{"artFeatures before artLoad", call(r, "artFeatures", "conv1_1"), "before artLoad"},
		{"artLoad without files", call(r, "artLoad", 3), "expects {files"},
		{"artLoad without manifest", call(r, "artLoad", map[string]any{"files": map[string]any{}}), "manifest.json"},
		{"artImages size 4", call(r, "artImages", rgba(2, 2), rgba(2, 2), 4), "size 4, want a whole number in 8..1024"},
		{"artImages size 16.5", call(r, "artImages", rgba(2, 2), rgba(2, 2), 16.5), "want a whole number"},
		{"artImages style not an image", call(r, "artImages", rgba(2, 2), "starry", 16), "artImages: style expects image bytes"},
	} {
		if !strings.Contains(c.s.rejected, c.want) {
			t.Errorf("%s: rejected with %q, want it to mention %q", c.name, c.s.rejected, c.want)
		}
	}
	r.net = vgg19test.Net(5, vgg19.AvgPool)
	must(t, "artImages", call(r, "artImages", rgba(6, 4), rgba(5, 5), 12))
	for _, c := range []struct {
		name string
		s    settled
		want string
	}{
		{"pool", call(r, "artStart", map[string]any{"pool": "min"}), `pooling "min"`},
		{"alpha", call(r, "artStart", map[string]any{"alpha": "ten"}), "alpha must be a number"},
		{"lr", call(r, "artStart", map[string]any{"lr": 0}), "learning rate 0"},
		{"seed", call(r, "artStart", map[string]any{"seed": -1}), "seed -1"},
		{"preserveColor", call(r, "artStart", map[string]any{"preserveColor": 1}), "preserveColor must be a boolean"},
		{"layer", call(r, "artFeatures", "fc7"), `unknown layer "fc7"`},
		{"maps", call(r, "artFeatures", "conv1_1", map[string]any{"maps": 0}), "want 1..64 maps"},
	} {
		if !strings.Contains(c.s.rejected, c.want) {
			t.Errorf("bad %s: rejected with %q, want it to mention %q", c.name, c.s.rejected, c.want)
		}
	}
}

// TestArtRun drives a stylization with a tiny random VGG-19 as the page
// does: fit the pair, start, a few chunks of steps, then the features.
func TestArtRun(t *testing.T) {
	r := &artAPI{net: vgg19test.Net(5, vgg19.AvgPool)}
	if got := must(t, "artLayers", call(r, "artLayers")); got.Length() != 13 || got.Index(12).String() != "conv5_1" {
		t.Errorf("artLayers = %d names ending %v, want 13 ending conv5_1", got.Length(), got.Index(got.Length()-1))
	}
	// A 30×20 content at size 15: 15 wide, 10 high; the style covers it.
	size := must(t, "artImages", call(r, "artImages", rgba(30, 20), rgba(9, 13), 15))
	if w, h := size.Get("width").Int(), size.Get("height").Int(); w != 15 || h != 10 {
		t.Fatalf("artImages: %d×%d, want 15×10", w, h)
	}
	// Before artStart the features are the content's.
	if src := must(t, "artFeatures", call(r, "artFeatures", "conv1_1")).Get("source").String(); src != "content" {
		t.Errorf("artFeatures before artStart: source %q, want content", src)
	}
	must(t, "artStart", call(r, "artStart", map[string]any{"alpha": 10, "beta": 40, "lr": 4, "preserveColor": true}))
	var first, last float64
	for chunk := range 3 {
		out := must(t, "artStep", call(r, "artStep", 2))
		costs := out.Get("costs")
		if out.Get("steps").Int() != 2*(chunk+1) || costs.Length() != 2 {
			t.Fatalf("chunk %d: steps %d, %d costs; want %d and 2", chunk, out.Get("steps").Int(), costs.Length(), 2*(chunk+1))
		}
		if chunk == 0 {
			first = costs.Index(0).Get("total").Float()
		}
		last = costs.Index(1).Get("total").Float()
		img := out.Get("image")
		if img.Get("width").Int() != 15 || img.Get("height").Int() != 10 || img.Get("data").Length() != 15*10*4 ||
			!img.Get("data").InstanceOf(js.Global().Get("Uint8ClampedArray")) {
			t.Fatalf("chunk %d: image %v×%v with %v bytes, want 15×10 RGBA in a Uint8ClampedArray",
				chunk, img.Get("width"), img.Get("height"), img.Get("data").Length())
		}
	}
	if !(last < first) {
		t.Errorf("J went from %v to %v over 6 steps, want it lower", first, last)
	}

	// conv2_1 of a 10×15 image: 5×8 (TensorFlow 'same' pooling), 5 channels
	// in the tiny network, so 4 maps and 2 units with a patch from each of
	// the three images at most, each at most the 10-pixel field.
	f := must(t, "artFeatures", call(r, "artFeatures", "conv2_1", map[string]any{"maps": 4, "units": 2}))
	if f.Get("source").String() != "generated" || f.Get("field").Get("size").Int() != 10 || f.Get("field").Get("stride").Int() != 2 {
		t.Errorf("artFeatures: source %v, field %v×%v; want generated, 10 and stride 2",
			f.Get("source"), f.Get("field").Get("size"), f.Get("field").Get("stride"))
	}
	maps := f.Get("maps")
	if maps.Length() != 4 {
		t.Fatalf("%d maps, want 4", maps.Length())
	}
	for i := range 4 {
		m := maps.Index(i)
		if m.Get("width").Int() != 8 || m.Get("height").Int() != 5 || m.Get("data").Length() != 40 {
			t.Errorf("map %d: %v×%v, %v values; want 8×5, 40", i, m.Get("width"), m.Get("height"), m.Get("data").Length())
		}
	}
	units := f.Get("units")
	if units.Length() != 2 || units.Index(0).Get("channel").Int() != maps.Index(0).Get("channel").Int() {
		t.Fatalf("%d units, want 2 starting with the first map's channel", units.Length())
	}
	for u := range 2 {
		patches := units.Index(u).Get("patches")
		if patches.Length() < 1 || patches.Length() > 3 {
			t.Errorf("unit %d: %d patches, want 1..3", u, patches.Length())
		}
		prev := 1e300
		for i := range patches.Length() {
			p := patches.Index(i)
			w, h, v := p.Get("width").Int(), p.Get("height").Int(), p.Get("value").Float()
			if w < 1 || w > 10 || h < 1 || h > 10 || p.Get("data").Length() != w*h*4 || v > prev {
				t.Errorf("unit %d patch %d (%s): %d×%d, %d bytes, value %v after %v", u, i, p.Get("image"), w, h, p.Get("data").Length(), v, prev)
			}
			prev = v
		}
	}
}
