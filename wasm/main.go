//go:build js && wasm

// Command wasm is Visage's core compiled to WebAssembly (visage.wasm), for the
// Web Worker in web/worker.js. It registers one global object, visage, whose
// methods each return a Promise; web/visage.js calls them, one for each
// method of its Visage class of the same name, whose arguments and results
// web/visage.d.ts documents (the Art view's art* and units* calls are the
// worker's side of stylize, topUnits and their kin: art.go, units.go). An
// image argument is either encoded bytes (Uint8Array, decoded by
// core/imageio as natively) or RGBA pixels {width, height, data}, 4 bytes a
// pixel row by row, alpha ignored; a box is {x, y, width, height} in the
// image's pixels. Bad input rejects the promise with an Error saying what
// was expected and what was found. A panic in a call is recovered and
// becomes a rejection, so the Go runtime keeps serving. Calls are served
// one at a time. This package only marshals: the work is done in
// visage/core and visage/models.
package main

import (
	"fmt"
	"maps"
	"sync"
	"syscall/js"

	"visage/core/backend/webgpu"
	"visage/core/face"
	"visage/core/jsvalue"
	"visage/core/learn"
	"visage/core/liveness"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/core/vault/webvault"
	"visage/models/facerec"
)

func main() {
	a := &api{}
	a.setGallery(vault.InMemory())
	obj := map[string]any{}
	for name, b := range a.bindings() {
		obj[name] = asyncFunc(a.serialized(b(name)))
	}
	js.Global().Set("visage", js.ValueOf(obj))
	select {} // serve calls until the worker is terminated
}

// bindings returns the JS calls' bindings by name.
func (a *api) bindings() map[string]binding {
	b := map[string]binding{
		"load": raw(a.load), "encode": bind(a.loaded, a.encode),
		"distance": bind(nil, a.distance), "compare": bind(nil, a.compare), "decide": bind(nil, a.decide),
		"detect": bind(a.detector, a.detect), "detectFaces": bind(a.pipelineSteps, a.detectFaces), "landmarks": bind(a.pipelineSteps, a.landmarks),
		"identify": bind(a.detector, a.identify), "identifyDescriptor": bind(nil, a.identifyDescriptor),
		"enroll": bind(a.detector, a.enroll), "verify": bind(a.detector, a.verify), "setHead": bind(nil, a.setHead),
		// gallery.go
		"gallery": bind(nil, a.galleryInfo), "removePerson": bind(nil, a.remove), "renamePerson": bind(nil, a.rename),
		"setThreshold": bind(nil, a.setThreshold), "clearGallery": bind(nil, a.clear), "importGallery": bind(nil, a.importGallery),
		"exportGallery": bind(nil, a.exportGallery), "openVault": bind(nil, a.openVault), "vaultKey": bind(nil, a.vaultKey),
		"exportEncrypted": bind(nil, a.exportEncrypted), "importEncrypted": bind(nil, a.importEncrypted),
		// backend.go
		"backend": bind(nil, a.backendInfo), "loseGPUForTesting": bind(nil, a.loseGPUForTesting), "crashForTesting": bind(nil, a.crashForTesting),
		// liveness.go
		"unlockStart": bind(nil, a.unlockStart), "unlockFrame": bind(nil, a.unlockFrame),
		"livenessStart": bind(nil, a.livenessStart), "livenessFrame": bind(nil, a.livenessFrame), "livenessEnd": bind(nil, a.livenessEnd),
		// signals.go
		"conv1d": raw(conv1d), "motionEnergy": bind(nil, motionEnergy),
	}
	a.art.backend = func() *backend { return a.backend }
	a.units.art = &a.art
	maps.Copy(b, a.art.bindings())   // the Art view's calls: art.go
	maps.Copy(b, a.units.bindings()) // the "Inside the network" card's: units.go
	return b
}

// A method serves a JS call, and a binding makes the method of the call
// op (named in its errors).
type (
	method  = func(args []js.Value) (any, error)
	binding func(op string) method
)

// bind binds fn: ready (unless nil) says whether the call can run now;
// then its arguments are read into a new A (jsvalue.DecodeArgs), over the
// defaults A's defaults method sets when it has one, A's check method
// (when it has one) checks what jsvalue cannot, and fn runs on them.
func bind[A any](ready func(op string) error, fn func(*A) (any, error)) binding {
	return func(op string) method {
		return func(args []js.Value) (any, error) {
			if ready != nil {
				if err := ready(op); err != nil {
					return nil, err
				}
			}
			in := new(A)
			if d, ok := any(in).(interface{ defaults() }); ok {
				d.defaults()
			}
			err := jsvalue.DecodeArgs(op, args, in)
			if c, ok := any(in).(interface{ check() error }); ok && err == nil {
				err = c.check()
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

// none is the arguments of a call that takes none.
type none struct{}

// faceFinder finds and encodes the faces in a photo; *face.Pipeline is one.
type faceFinder interface {
	Faces(img *tensor.Tensor) ([]face.Face, error)
	LargestFace(img *tensor.Tensor) (face.Face, error)
}

// api holds what load loaded and the gallery; its methods implement the JS
// calls.
type api struct {
	mu        sync.Mutex // held by each call: calls are served one at a time
	net       *facerec.Net
	backend   *backend       // where the networks run (nil: the CPU, before load)
	encoder   face.Encoder   // net, on the backend's GPU when it has one (a faceEncoder), or MobileFaceNet
	live      faceFinder     // face-api.js's detector defaults, one chip a face: detect, and identify's {fast} camera overlay
	pipeline  *face.Pipeline // live itself, for detectFaces and landmarks (nil where tests fake live)
	deciding  faceFinder     // live for decisions: four chips a face (face.Pipeline.ForDecisions): verify, identify, unlock
	enrolling faceFinder     // deciding that also tries a lower score and a padded image: an enrollment photo is known to hold a face
	people    *vault.Gallery // the gallery: in memory, or in IndexedDB after openVault (gallery.go)
	gallery   *face.Gallery  // people's matcher
	vaultDB   *webvault.DB   // where people is kept; nil while in memory

	head *learn.Head // setHead's: verify and identify decide with it (nil: plain distance)

	liveness liveness.Sessions // unlock's challenges, the passive models, the attempt limit (liveness.go)

	art   artAPI   // the Art view's state (art.go)
	units unitsAPI // the "Inside the network" card's (units.go)
}

// serialized returns fn run under a.mu.
func (a *api) serialized(fn method) method {
	return func(args []js.Value) (any, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		return fn(args)
	}
}

func (a *api) load(args []js.Value) (any, error) {
	fsys, err := faceModelFiles(arg(args, 0), arg(args, 1)) // fetch.go
	if err != nil {
		return nil, err
	}
	in := struct {
		Options struct {
			Backend   string `js:"backend,omitempty"`
			Encoder   string `js:"encoder,omitempty"`
			Precision string `js:"precision,omitempty"`
		} `js:"options,flat"`
	}{}
	in.Options.Backend, in.Options.Encoder, in.Options.Precision = backendAuto, face.EncoderDlib, string(webgpu.F32)
	if err := jsvalue.DecodeArgs("load", args, &in); err != nil {
		return nil, err
	}
	o := in.Options
	precision, err := webgpu.ParsePrecision(o.Precision)
	if err == nil {
		err = face.CheckEncoderName(o.Encoder)
	}
	if err != nil {
		return nil, err
	}
	if a.gallery == nil {
		a.setGallery(vault.InMemory())
	}
	if len(a.gallery.Names()) > 0 {
		if err := a.gallery.CheckEncoder(o.Encoder); err != nil {
			return nil, err
		}
	}
	if d := a.backend.device(); d != nil {
		d.Destroy() // a second load: its networks replace the first's
	}
	b, err := openBackend(o.Backend, precision)
	if err != nil {
		return nil, err
	}
	nets, err := face.LoadNets(fsys, b.placement, b.gpuBackend(), o.Encoder)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	a.net, a.backend, a.encoder = nets.Recognition, b, nets.Encoder
	if err := a.people.HoldEncoder(o.Encoder); err != nil { // an empty gallery (checked above) takes the encoder
		return nil, err
	}
	result := loaded{backendInfo: b.info(), Encoder: o.Encoder, Detector: nets.Live != nil}
	if nets.Live == nil {
		return result, nil
	}
	a.live, a.pipeline, a.deciding, a.enrolling = nets.Live, nets.Live, nets.Deciding, nets.Enrolling
	if err := liveness.LoadPassiveOn(&a.liveness, fsys, b.placement, b.gpuBackend()); err != nil {
		return nil, err
	}
	return result, nil
}

// loaded is load's result.
type loaded struct {
	backendInfo
	Encoder  string `js:"encoder"`
	Detector bool   `js:"detector"`
}

// loaded is an error unless load has finished.
func (a *api) loaded(op string) error {
	if a.net == nil {
		return fmt.Errorf("%s called before load finished", op)
	}
	return nil
}

func (a *api) encode(in *struct{ Image image }) (any, error) {
	return a.encoder.Encode(face.AlignedChip(face.EncoderName(a.encoder), in.Image.Tensor))
}

func (a *api) distance(in *pair) (any, error) { return face.Distance(in.A, in.B), nil }

// comparison is compare's and decide's result.
type comparison struct {
	Distance  float64    `js:"distance"`
	Match     bool       `js:"match"`
	Threshold float64    `js:"threshold"`
	Head      *headScore `js:"head,omitempty"`
}

type compareArgs struct {
	pair
	Threshold float64 `js:"threshold,omitempty"`
}

func (in *compareArgs) defaults() { in.Threshold = face.DefaultThreshold }

func (in *compareArgs) check() error {
	if err := in.pair.check(); err != nil {
		return err
	}
	return face.CheckThreshold(in.Threshold)
}

func (a *api) compare(in *compareArgs) (any, error) {
	d := face.Distance(in.A, in.B)
	return comparison{Distance: d, Match: d < in.Threshold, Threshold: in.Threshold}, nil
}
