//go:build js && wasm

// Command wasm is Visage's core compiled to WebAssembly (visage.wasm), for the
// Web Worker in web/worker.js. It registers one global object, visage, whose
// methods each return a Promise; web/visage.js calls them, one for each
// method of its Visage class of the same name, whose arguments and results
// web/visage.d.ts documents (the Art view's art* and units* calls are the
// worker's side of stylize, topUnits and their kin). Each call is a method
// of visage/core/engine's Engine, which does the work; this package reads
// its arguments from JS values and writes its result as one (args.go,
// js.go), fetches model files (fetch.go) and keeps the gallery's database
// (vault.go). An image argument is either encoded bytes (Uint8Array,
// decoded by core/imageio as natively) or RGBA pixels {width, height,
// data}, 4 bytes a pixel row by row, alpha ignored; a box is {x, y, width,
// height} in the image's pixels. Bad input rejects the promise with an
// Error saying what was expected and what was found. A panic in a call is
// recovered and becomes a rejection, so the Go runtime keeps serving.
// Calls are served one at a time.
package main

import (
	"errors"
	"os"
	"sync"
	"syscall/js"

	"visage/core/backend/webgpu"
	"visage/core/engine"
	"visage/core/jsvalue"
	"visage/core/vault/webvault"
	"visage/models/download"
)

func main() {
	a := newAPI()
	obj := map[string]any{}
	for name, b := range a.bindings() {
		obj[name] = asyncFunc(a.serialized(b(name)))
	}
	js.Global().Set("visage", js.ValueOf(obj))
	select {} // serve calls until the worker is terminated
}

// api is the engine the calls run on, and the database its gallery is kept
// in.
type api struct {
	mu      sync.Mutex // held by each call: calls are served one at a time
	e       *engine.Engine[*webgpu.Buffer]
	vaultDB *webvault.DB // nil while the gallery is in memory
}

func newAPI() *api { return &api{e: engine.New(openGPU)} }

// openGPU opens the browser's WebGPU device.
func openGPU() (engine.Device[*webgpu.Buffer], error) {
	if nav := js.Global().Get("navigator"); nav.Type() != js.TypeObject {
		return nil, errors.New("no navigator object (not a browser)")
	}
	d, err := webgpu.Open()
	if err != nil {
		return nil, err
	}
	return d, nil
}

// bindings returns the JS calls' bindings by name.
func (a *api) bindings() map[string]binding {
	e := a.e
	return map[string]binding{
		"load": raw(a.load), "encode": bind(e.NeedLoad, e.Encode),
		"distance": bind(nil, e.Distance), "compare": bind(nil, e.Compare), "decide": bind(nil, e.Decide),
		"detect": bind(e.NeedDetector, e.Detect), "detectFaces": bind(e.NeedPipeline, e.DetectFaces), "landmarks": bind(e.NeedPipeline, e.Landmarks),
		"identify": bind(e.NeedDetector, e.Identify), "identifyDescriptor": bind(nil, e.IdentifyDescriptor),
		"enroll": bind(e.NeedDetector, e.Enroll), "verify": bind(e.NeedDetector, e.Verify), "setHead": bind(nil, e.SetHead),

		"gallery": bind(nil, e.Gallery), "removePerson": bind(nil, e.RemovePerson), "renamePerson": bind(nil, e.RenamePerson),
		"setThreshold": bind(nil, e.SetThreshold), "clearGallery": bind(nil, e.ClearGallery), "importGallery": bind(nil, e.ImportGallery),
		"exportGallery": bind(nil, e.ExportGallery), "exportEncrypted": bind(nil, e.ExportEncrypted), "importEncrypted": bind(nil, e.ImportEncrypted),
		"openVault": bind(nil, a.openVault), "vaultKey": bind(nil, vaultKey), // vault.go

		"backend": bind(nil, e.Backend), "loseGPUForTesting": bind(nil, e.LoseGPUForTesting), "crashForTesting": bind(nil, crashForTesting),

		"unlockStart": bind(nil, e.UnlockStart), "unlockFrame": bind(nil, e.UnlockFrame),
		"livenessStart": bind(nil, e.LivenessStart), "livenessFrame": bind(nil, e.LivenessFrame), "livenessEnd": bind(nil, e.LivenessEnd),

		"artLayers": bind(nil, e.ArtLayers), "artLoad": raw(a.artLoad), "artImages": bind(nil, e.ArtImages),
		"artStart": bind(e.NeedArtImages, e.ArtStart), "artStep": bind(e.NeedArtRun, e.ArtStep), "artFeatures": bind(e.NeedArtImages, e.ArtFeatures),
		"unitsStart": bind(e.NeedVGG, e.UnitsStart), "unitsAdd": bind(nil, e.UnitsAdd), "unitsTop": bind(nil, e.UnitsTop),
		"unitsCrop": bind(nil, e.UnitsCrop), "unitsMap": bind(nil, e.UnitsMap),

		"conv1d": raw(conv1d), "motionEnergy": bind(nil, motionEnergy), // signals.go
	}
}

// A method serves a JS call, and a binding makes the method of the call
// op (named in its errors).
type (
	method  = func(args []js.Value) (any, error)
	binding func(op string) method
)

// bind binds fn: ready (unless nil) says whether the call can run now;
// then its arguments are read into a new A (jsvalue.DecodeArgs), over the
// defaults A's Defaults method sets when it has one, A's Check method
// (when it has one) checks what jsvalue cannot, and fn runs on them.
func bind[A, R any](ready func(op string) error, fn func(*A) (R, error)) binding {
	return func(op string) method {
		return func(args []js.Value) (any, error) {
			if ready != nil {
				if err := ready(op); err != nil {
					return nil, err
				}
			}
			in := new(A)
			if d, ok := any(in).(interface{ Defaults() }); ok {
				d.Defaults()
			}
			err := jsvalue.DecodeArgs(op, args, in)
			if c, ok := any(in).(interface{ Check() error }); ok && err == nil {
				err = c.Check()
			}
			if err != nil {
				return nil, err
			}
			return fn(in)
		}
	}
}

// raw binds fn, which reads its arguments itself.
func raw(fn method) binding { return func(string) method { return fn } }

// serialized returns fn run under a.mu.
func (a *api) serialized(fn method) method {
	return func(args []js.Value) (any, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		return fn(args)
	}
}

// load is Engine.Load of the files faceModelFiles gives.
func (a *api) load(args []js.Value) (any, error) {
	fsys, err := faceModelFiles(arg(args, 0), arg(args, 1)) // fetch.go
	if err != nil {
		return nil, err
	}
	var in struct {
		Options engine.LoadOptions `js:"options,flat"`
	}
	in.Options.Defaults()
	if err := jsvalue.DecodeArgs("load", args, &in); err != nil {
		return nil, err
	}
	return a.e.Load(fsys, in.Options)
}

// artLoad is Engine.ArtLoad of VGG-19's files.
func (a *api) artLoad(args []js.Value) (any, error) {
	fsys, err := modelFiles(arg(args, 0), arg(args, 1), "artLoad", "vggUrl", (*download.Loader).VGG19) // fetch.go
	if err != nil {
		return nil, err
	}
	return a.e.ArtLoad(fsys)
}

// crashForTesting ends the Go program with exit status 2, as a fatal
// runtime error (out of memory, say) does.
func crashForTesting(*engine.None) (any, error) {
	println("fatal error: crashForTesting")
	os.Exit(2)
	return nil, nil
}
