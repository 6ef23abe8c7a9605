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
	"errors"
	"fmt"
	"maps"
	"sync"
	"syscall/js"

	"visage/core/backend/webgpu"
	"visage/core/face"
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
	methods := map[string]func([]js.Value) (any, error){
		"load": a.load, "encode": a.encode, "distance": a.distance, "compare": a.compare, "decide": a.decide,
		"detect": a.detect, "detectFaces": a.detectFaces, "landmarks": a.landmarks, "identify": a.identify, "identifyDescriptor": a.identifyDescriptor, "enroll": a.enroll, "verify": a.verify,
		"gallery": a.galleryInfo, "removePerson": a.remove, "renamePerson": a.rename, "setThreshold": a.setThreshold,
		"clearGallery": a.clear, "importGallery": a.importGallery, "exportGallery": a.exportGallery,
		"openVault": a.openVault, "vaultKey": a.vaultKey, "exportEncrypted": a.exportEncrypted, "importEncrypted": a.importEncrypted,
		"setHead": a.setHead,
		"backend": a.backendInfo, "loseGPUForTesting": a.loseGPUForTesting, "crashForTesting": a.crashForTesting,
		"unlockStart": a.unlockStart, "unlockFrame": a.unlockFrame, // liveness.go
		"livenessStart": a.livenessStart, "livenessFrame": a.livenessFrame, "livenessEnd": a.livenessEnd,
		"conv1d": conv1d, "motionEnergy": motionEnergy, // signals.go
	}
	artCalls := &artAPI{backend: func() *backend { return a.backend }}
	maps.Copy(methods, artCalls.methods())                   // the Art view's calls: art.go
	maps.Copy(methods, (&unitsAPI{art: artCalls}).methods()) // the "Inside the network" card's: units.go
	obj := map[string]any{}
	for name, m := range methods {
		obj[name] = asyncFunc(a.serialized(m))
	}
	js.Global().Set("visage", js.ValueOf(obj))
	select {} // serve calls until the worker is terminated
}

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
}

// serialized returns fn run under a.mu.
func (a *api) serialized(fn func([]js.Value) (any, error)) func([]js.Value) (any, error) {
	return func(args []js.Value) (any, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		return fn(args)
	}
}

func (a *api) load(args []js.Value) (any, error) {
	opts := arg(args, 0)
	fsys, err := faceModelFiles(opts, arg(args, 1)) // fetch.go
	if err != nil {
		return nil, err
	}
	r := argsOf("load", args)
	choice, encoderName := r.str(fieldOr(opts, "backend", backendAuto), "backend"), r.str(fieldOr(opts, "encoder", face.EncoderDlib), "encoder")
	precision, err := webgpu.ParsePrecision(r.str(fieldOr(opts, "precision", string(webgpu.F32)), "precision"))
	if r.check(err); r.err == nil {
		r.check(face.CheckEncoderName(encoderName))
	}
	if r.err != nil {
		return nil, r.err
	}
	if a.gallery == nil {
		a.setGallery(vault.InMemory())
	}
	if len(a.gallery.Names()) > 0 {
		if err := a.gallery.CheckEncoder(encoderName); err != nil {
			return nil, err
		}
	}
	if d := a.backend.device(); d != nil {
		d.Destroy() // a second load: its networks replace the first's
	}
	b, err := openBackend(choice, precision)
	if err != nil {
		return nil, err
	}
	nets, err := face.LoadNets(fsys, b.placement, b.gpuBackend(), encoderName)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	a.net, a.backend, a.encoder = nets.Recognition, b, nets.Encoder
	if err := a.people.HoldEncoder(encoderName); err != nil { // an empty gallery (checked above) takes the encoder
		return nil, err
	}
	result := b.info()
	result["encoder"] = encoderName
	result["detector"] = nets.Live != nil
	if nets.Live == nil {
		return result, nil
	}
	a.live, a.pipeline, a.deciding, a.enrolling = nets.Live, nets.Live, nets.Deciding, nets.Enrolling
	if err := liveness.LoadPassiveOn(&a.liveness, fsys, b.placement, b.gpuBackend()); err != nil {
		return nil, err
	}
	return result, nil
}

func (a *api) encode(args []js.Value) (any, error) {
	if a.net == nil {
		return nil, errors.New("encode called before load finished")
	}
	r := argsOf("encode", args)
	img := r.image(r.arg(0), "")
	if r.err != nil {
		return nil, r.err
	}
	desc, err := a.encoder.Encode(face.AlignedChip(face.EncoderName(a.encoder), img))
	if err != nil {
		return nil, err
	}
	return float32Array(desc), nil
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
	r := argsOf("compare", args)
	threshold := face.DefaultThreshold
	if t := r.arg(2); !t.IsUndefined() {
		threshold = r.num(t, "threshold")
	}
	if r.check(face.CheckThreshold(threshold)); r.err != nil {
		return nil, r.err
	}
	d := face.Distance(x, y)
	return map[string]any{"distance": d, "match": d < threshold, "threshold": threshold}, nil
}
