//go:build js && wasm

// These tests run under Node:
//
//	PATH="$PATH:$(go env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm go test ./wasm
//
// The e2e tests cover the same API end to end in Chromium.
package main

import (
	"errors"
	"strings"
	"syscall/js"
	"testing"

	"visage/core/imageio/imageiotest"
)

// settled is how a promise ended: its value, or the rejection's message.
type settled struct {
	value    js.Value
	rejected string
}

// await blocks until p settles (the Go runtime yields to the JS event loop
// meanwhile).
func await(p js.Value) settled {
	done := make(chan settled, 1)
	onValue := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{value: args[0]}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{rejected: args[0].Get("message").String()}
		return nil
	})
	defer onValue.Release()
	defer onError.Release()
	p.Call("then", onValue, onError)
	return <-done
}

func TestAsyncFuncResolvesRejectsAndRecovers(t *testing.T) {
	for _, c := range []struct {
		name         string
		fn           func([]js.Value) (any, error)
		wantValue    int
		wantRejected string
	}{
		{"value", func(args []js.Value) (any, error) { return args[0].Int() + 1, nil }, 42, ""},
		{"error", func([]js.Value) (any, error) { return nil, errors.New("bad input") }, 0, "visage: bad input"},
		{"panic", func([]js.Value) (any, error) { panic("boom") }, 0, "visage: internal error: boom"},
		{"after a panic", func(args []js.Value) (any, error) { return args[0].Int() + 1, nil }, 42, ""},
	} {
		f := asyncFunc(c.fn)
		got := await(f.Invoke(41))
		f.Release()
		if got.rejected != c.wantRejected {
			t.Errorf("%s: rejected with %q, want %q", c.name, got.rejected, c.wantRejected)
		}
		if c.wantRejected == "" && got.value.Int() != c.wantValue {
			t.Errorf("%s: resolved to %v, want %d", c.name, got.value, c.wantValue)
		}
	}
}

// call runs a's JS call name as JS would and returns how its promise
// settled.
func call(a *api, name string, args ...any) settled {
	b, ok := a.bindings()[name]
	if !ok {
		panic("no JS call " + name)
	}
	f := asyncFunc(b(name))
	defer f.Release()
	return await(f.Invoke(args...))
}

func TestBadInputRejects(t *testing.T) {
	a := newAPI()
	u8 := js.Global().Get("Uint8Array")
	descriptor := js.Global().Get("Float32Array").New(128)
	withString := js.Global().Get("Array").New(128).Call("fill", 0)
	withString.SetIndex(3, "x")
	for _, c := range []struct {
		name   string
		got    settled
		wanted string
	}{
		{"encode before load", call(a, "encode", u8.New(3)), "encode called before load finished"},
		{"load(42)", call(a, "load", 42), "load expects {files: {name: Uint8Array, …}}, found number"},
		{"load(no files)", call(a, "load", map[string]any{"files": map[string]any{}}), "face_recognition_model-weights_manifest.json"},
		{"load(file not bytes)", call(a, "load", map[string]any{"files": map[string]any{"m.json": "text"}}), `file "m.json": expected a Uint8Array, found string`},
		{"distance(a)", call(a, "distance", descriptor), "second descriptor: expected a Float32Array or Array of 128 numbers, found undefined"},
		{"distance(a, short)", call(a, "distance", descriptor, u8.New(3)), "expected 128 (dlib), 192 (mobilefacenet) or 1024 (faceres) numbers, found 3"},
		{"distance(dlib, mobilefacenet)", call(a, "distance", descriptor, js.Global().Get("Float32Array").New(192)), "descriptors of 128 and 192 numbers come from different encoders"},
		{"distance(string inside)", call(a, "distance", withString, descriptor), "first descriptor: element 3 must be a number, found string"},
		{"compare threshold", call(a, "compare", descriptor, descriptor, "0.5"), "threshold must be a number, found string"},
		{"compare threshold range", call(a, "compare", descriptor, descriptor, 0), "threshold must be in (0, 1], found 0"},
	} {
		if !strings.Contains(c.got.rejected, c.wanted) {
			t.Errorf("%s: rejected with %q, want a message containing %q", c.name, c.got.rejected, c.wanted)
		}
	}
}

func TestDistanceAndCompare(t *testing.T) {
	a := newAPI()
	x := js.Global().Get("Float32Array").New(128)
	y := js.Global().Get("Array").New(128).Call("fill", 0)
	x.SetIndex(0, 0.3)
	x.SetIndex(127, 0.4) // |x − y| = 0.5
	if got := call(a, "distance", x, y); got.rejected != "" || got.value.Float() < 0.4999999 || got.value.Float() > 0.5000001 {
		t.Errorf("distance = %+v, want 0.5", got)
	}
	for _, c := range []struct {
		threshold any
		match     bool
	}{{js.Undefined(), true}, {0.5, false}, {0.51, true}} {
		got := call(a, "compare", x, y, c.threshold)
		if got.rejected != "" || got.value.Get("match").Bool() != c.match {
			t.Errorf("compare at threshold %v: %+v, want match %v", c.threshold, got, c.match)
		}
	}
}

// TestImageOfUpright: a JPEG's bytes are turned upright by its EXIF
// orientation, as the CLI reads the same file and as the browser shows it.
func TestImageOfUpright(t *testing.T) {
	jpg := imageiotest.SidewaysJPEG()
	data := js.Global().Get("Uint8Array").New(len(jpg))
	js.CopyBytesToJS(data, jpg)
	img, err := imageOf(data, "detect")
	if err != nil {
		t.Fatal(err)
	}
	if img.Shape[0] != 16 || img.Shape[1] != 8 || img.At(2, 4, 0) < 200 || img.At(13, 4, 0) > 50 {
		t.Errorf("shape %v, top %v, bottom %v: want 16×8, bright on top", img.Shape, img.At(2, 4, 0), img.At(13, 4, 0))
	}
}

func TestImageOfPixels(t *testing.T) {
	data := js.Global().Get("Uint8ClampedArray").New(8)
	for i, v := range []int{1, 2, 3, 255, 4, 5, 6, 0} {
		data.SetIndex(i, v)
	}
	img, err := imageOf(js.ValueOf(map[string]any{"width": 2, "height": 1, "data": data}), "encode")
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Shape) != 3 || img.Shape[0] != 1 || img.Shape[1] != 2 || img.Shape[2] != 3 {
		t.Fatalf("shape %v, want [1 2 3]", img.Shape)
	}
	for i, want := range []float32{1, 2, 3, 4, 5, 6} {
		if img.Data[i] != want {
			t.Errorf("Data[%d] = %v, want %v (alpha dropped, colour kept)", i, img.Data[i], want)
		}
	}
}
