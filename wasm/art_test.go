//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"
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

// TestArtBadInputRejects: the calls name what they wanted before anything
// is loaded; core/engine's tests check the run.
func TestArtBadInputRejects(t *testing.T) {
	r := newAPI()
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
}
