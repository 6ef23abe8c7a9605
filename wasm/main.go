//go:build js && wasm

// Command wasm is Visage's core compiled to WebAssembly (visage.wasm), for the
// Web Worker in web/worker.js. It registers one global object, visage, whose
// methods each return a Promise:
//
//	load({files: {name: Uint8Array, …}})  → undefined
//	    the face recognition model: face_recognition_model-weights_manifest.json
//	    and the shards it names, as fetched by the caller
//	encode(Uint8Array | {width, height, data}) → Float32Array(128)
//	    encoded image bytes (decoded by core/imageio, as natively), or RGBA
//	    pixels, 4 bytes a pixel row by row, alpha ignored
//	distance(a, b) → number                Euclidean, a and b 128 numbers each
//	compare(a, b, threshold?) → {distance, match, threshold}
//	    match is distance < threshold (default 0.6)
//
// Bad input rejects the promise with an Error saying what was expected and what
// was found. A panic in a call is recovered and becomes a rejection, so the Go
// runtime keeps serving. This package only marshals: the work is done in
// visage/core and visage/models.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"syscall/js"
	"testing/fstest"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/facerec"
)

func main() {
	var a api
	js.Global().Set("visage", js.ValueOf(map[string]any{
		"load":     asyncFunc(a.load),
		"encode":   asyncFunc(a.encode),
		"distance": asyncFunc(a.distance),
		"compare":  asyncFunc(a.compare),
	}))
	select {} // serve calls until the worker is terminated
}

// api holds what load loaded; its methods implement the JS calls.
type api struct {
	net *facerec.Net
}

func (a *api) load(args []js.Value) (any, error) {
	opts := arg(args, 0)
	if opts.Type() != js.TypeObject || opts.Get("files").Type() != js.TypeObject {
		return nil, fmt.Errorf("load expects {files: {name: Uint8Array, …}}, found %s", describe(opts))
	}
	files := opts.Get("files")
	keys := js.Global().Get("Object").Call("keys", files)
	fsys := fstest.MapFS{}
	for i := range keys.Length() {
		name := keys.Index(i).String()
		data, err := bytesOf(files.Get(name))
		if err != nil {
			return nil, fmt.Errorf("load: file %q: %w", name, err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	net, err := facerec.Load(fsys)
	if err != nil {
		return nil, err
	}
	a.net = net
	return js.Undefined(), nil
}

func (a *api) encode(args []js.Value) (any, error) {
	if a.net == nil {
		return nil, errors.New("encode called before load finished")
	}
	img, err := imageOf(arg(args, 0))
	if err != nil {
		return nil, err
	}
	desc, err := a.net.Encode(img)
	if err != nil {
		return nil, err
	}
	out := js.Global().Get("Float32Array").New(len(desc))
	for i, v := range desc {
		out.SetIndex(i, v)
	}
	return out, nil
}

func (a *api) distance(args []js.Value) (any, error) {
	x, y, err := descriptorPair(args)
	if err != nil {
		return nil, err
	}
	return face.Distance(x, y), nil
}

func (a *api) compare(args []js.Value) (any, error) {
	x, y, err := descriptorPair(args)
	if err != nil {
		return nil, err
	}
	threshold := face.DefaultThreshold
	if t := arg(args, 2); !t.IsUndefined() {
		if t.Type() != js.TypeNumber {
			return nil, fmt.Errorf("compare: threshold must be a number, found %s", describe(t))
		}
		threshold = t.Float()
	}
	if err := face.CheckThreshold(threshold); err != nil {
		return nil, err
	}
	d := face.Distance(x, y)
	return map[string]any{"distance": d, "match": d < threshold, "threshold": threshold}, nil
}

// asyncFunc wraps fn as a JS function returning a Promise. fn runs on its own
// goroutine (a JS callback must not block); its error, or a panic, rejects the
// promise with an Error.
func asyncFunc(fn func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		executor := js.FuncOf(func(_ js.Value, settle []js.Value) any {
			resolve, reject := settle[0], settle[1]
			go func() {
				defer func() {
					if r := recover(); r != nil {
						reject.Invoke(jsError(fmt.Errorf("internal error: %v", r)))
					}
				}()
				v, err := fn(args)
				if err != nil {
					reject.Invoke(jsError(err))
					return
				}
				resolve.Invoke(v)
			}()
			return nil
		})
		defer executor.Release() // the Promise constructor has called it by then
		return js.Global().Get("Promise").New(executor)
	})
}

// jsError returns a JS Error carrying err's message.
func jsError(err error) js.Value {
	return js.Global().Get("Error").New("visage: " + err.Error())
}

// arg returns args[i], or undefined when the caller passed fewer arguments.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// describe names the JS type of v for error messages.
func describe(v js.Value) string {
	if v.Type() == js.TypeObject {
		return js.Global().Get("Object").Get("prototype").Get("toString").Call("call", v).String()
	}
	return v.Type().String()
}

// bytesOf copies a Uint8Array or Uint8ClampedArray into Go memory.
func bytesOf(v js.Value) ([]byte, error) {
	if !v.InstanceOf(js.Global().Get("Uint8Array")) && !v.InstanceOf(js.Global().Get("Uint8ClampedArray")) {
		return nil, fmt.Errorf("expected a Uint8Array, found %s", describe(v))
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b, nil
}

// imageOf turns encode's argument into an [H,W,3] RGB tensor: encoded bytes go
// through imageio.Decode; {width, height, data} RGBA pixels are copied without
// alpha.
func imageOf(v js.Value) (*tensor.Tensor, error) {
	if data, err := bytesOf(v); err == nil {
		return imageio.Decode(bytes.NewReader(data))
	}
	if v.Type() != js.TypeObject || v.Get("width").Type() != js.TypeNumber || v.Get("height").Type() != js.TypeNumber {
		return nil, fmt.Errorf("encode expects image bytes (Uint8Array) or RGBA pixels {width, height, data}, found %s", describe(v))
	}
	w, h := v.Get("width").Int(), v.Get("height").Int()
	pix, err := bytesOf(v.Get("data"))
	if err != nil {
		return nil, fmt.Errorf("encode: pixel data: %w", err)
	}
	if w <= 0 || h <= 0 || len(pix) != w*h*4 {
		return nil, fmt.Errorf("encode: %dx%d RGBA pixels need %d bytes of data, found %d", w, h, max(w*h*4, 0), len(pix))
	}
	img := tensor.New(h, w, 3)
	for i := range w * h {
		img.Data[3*i] = float32(pix[4*i])
		img.Data[3*i+1] = float32(pix[4*i+1])
		img.Data[3*i+2] = float32(pix[4*i+2])
	}
	return img, nil
}

// descriptorPair reads the first two arguments as face descriptors.
func descriptorPair(args []js.Value) (a, b []float32, err error) {
	if a, err = descriptorOf(arg(args, 0)); err != nil {
		return nil, nil, fmt.Errorf("first descriptor: %w", err)
	}
	if b, err = descriptorOf(arg(args, 1)); err != nil {
		return nil, nil, fmt.Errorf("second descriptor: %w", err)
	}
	return a, b, nil
}

// descriptorOf copies an array-like of numbers (a Float32Array or an Array)
// and checks it is a face descriptor.
func descriptorOf(v js.Value) ([]float32, error) {
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return nil, fmt.Errorf("expected a Float32Array or Array of %d numbers, found %s", face.DescriptorLen, describe(v))
	}
	d := make([]float32, v.Length())
	for i := range d {
		x := v.Index(i)
		if x.Type() != js.TypeNumber {
			return nil, fmt.Errorf("element %d must be a number, found %s", i, describe(x))
		}
		d[i] = float32(x.Float())
	}
	return d, face.CheckDescriptor(d)
}
