//go:build js && wasm

// Command wasm is Visage's core compiled to WebAssembly (visage.wasm), for the
// Web Worker in web/worker.js. It registers one global object, visage, whose
// methods each return a Promise. An image argument is either encoded bytes
// (Uint8Array, decoded by core/imageio as natively) or RGBA pixels
// {width, height, data}, 4 bytes a pixel row by row, alpha ignored.
//
//	load({modelsUrl, detector?, backend?, precision?, encoder?} | {files: {name: Uint8Array, …}, backend?, precision?, encoder?}, onProgress?)
//	→ {detector: boolean, backend, adapter, reason, precision, encoder}
//	    modelsUrl, an absolute URL of a folder: the model files are fetched
//	    from there, as detector (default true) and encoder ask, checked against their
//	    manifests' sizes (and sha256.json, when the folder has it) and
//	    counted to onProgress({phase: 'download', loaded, total}), then
//	    onProgress({phase: 'prepare'}) (fetch.go); or files, by name:
//	    face_recognition_model-weights_manifest.json and the shards it names
//	    (required), and when given, the SSD detector's and the 68-point
//	    landmark net's manifests and shards, which the face methods need,
//	    and the Tiny Face Detector's, enroll's last resort. backend is
//	    'auto' (default: WebGPU when navigator.gpu gives an adapter, else
//	    the CPU), 'webgpu' (rejects when WebGPU is unavailable) or 'cpu';
//	    precision 'f32' (default) or 'f16': the face recognition network
//	    keeps its weights and stages its products as float16 on the GPU,
//	    where the adapter has shader-f16 (else f32; style transfer always
//	    f32); the result says which runs and at what
//	    precision, as backend() does (see backend.go, precision.go);
//	    encoder 'dlib' (default: the 128-d ResNet above), 'mobilefacenet' or
//	    'faceres' (files must then hold human-models' mobilefacenet.json or
//	    faceres.json and its weights; 192 or 1024 numbers from the ArcFace
//	    chip, on the CPU): the
//	    gallery holds that encoder's descriptors only, and load rejects
//	    while it holds another's (clear it first)
//	backend() → {backend: 'webgpu'|'cpu', adapter, reason}
//	    where the face networks run now: the adapter on the GPU,
//	    why the CPU on the CPU; a lost GPU moves every network to the CPU
//	loseGPUForTesting(how?) → backend(): a test hook destroying the GPU
//	    device ('lost', the default) or running its next pass out of
//	    memory ('out-of-memory')
//	crashForTesting(): a test hook ending the Go program as a fatal error does
//	encode(image) → Float32Array(128)      the face filling the image (192 with mobilefacenet)
//	distance(a, b) → number                Euclidean, a and b 128 (or 192) numbers each
//	compare(a, b, threshold?) → {distance, match, threshold}
//	    match is distance < threshold (default 0.6)
//	decide(a, b) → {distance, match, threshold, head?}
//	    as verify decides: the head when one is set, else the gallery's threshold
//
//	detect(image, {chips}?) → [{box, score, landmarks, descriptor, chip?}, …]
//	    every face, best score first; [] when there is none; chips: true adds
//	    each face's aligned chip as RGBA pixels {width, height, data}
//	detectFaces(image, {minConfidence, maxResults}?) → [{box, score}, …]
//	    the detector alone (face-api.js's SsdMobilenetv1Options, defaults
//	    0.5 and 100), best score first; [] when there is none
//	landmarks(image, box) → [{x, y}, …68]
//	    the 68-point landmark net alone on box, as detect runs it
//	identify(image, {fast, fpir}?) → [{box, score, name, distance, threshold}, …]
//	    every face with the closest enrolled person, name null when no one
//	    is within the threshold; distance null when no one is enrolled;
//	    threshold is fpir.For's: the one measured to name the share fpir
//	    (default 0.01) of strangers among this many people, unless the
//	    gallery's threshold was chosen (setThreshold, an import's)
//	identifyDescriptor(descriptor, {fpir}?) → {name, distance, threshold}
//	    identify's decision for a descriptor already computed
//	enroll(name, image) → {name, samples, box, score}
//	    adds the largest face's descriptor to name (a new person or one more
//	    sample), and for a person without one a thumbnail of it
//	    (vault.CutThumbnail); rejects when the image holds no face
//	verify(name, image) → {name, match, distance, threshold, box, score}
//	    the largest face against name's closest sample
//	setHead(json | null) → {kind, threshold, higherIsSame} | null
//	    a head from `visage train-triplet`/`train-pairs` (see head.go):
//	    then verify's match and identify's name follow its score and
//	    threshold, and each result gains head: {kind, score, threshold,
//	    higherIsSame}; distance and threshold stay plain distance's
//	gallery() → {threshold, stored, people: [{name, samples, encoder, thumbnail}, …], identify}
//	    identify: {threshold, why, expected: {fpir, fnir, target, note} | null},
//	    identify's rule at the default FPIR for this many people (gallery.go)
//	    thumbnail: {width, height, data} RGBA (64×64, cut by enroll) or null;
//	    stored: whether openVault keeps the gallery in IndexedDB
//	removePerson(name), renamePerson(old, new), setThreshold(t),
//	clearGallery(), importGallery(json) → the new gallery(); clearGallery
//	keeps the threshold; importGallery validates all of
//	    json (face-api.js's FaceMatcher.toJSON or LabeledFaceDescriptors[]
//	    layout) before it replaces anything
//	exportGallery() → string: FaceMatcher.toJSON's layout, in the clear
//	openVault(options, onChange?), vaultKey(database), exportEncrypted(passphrase),
//	importEncrypted(text, passphrase): the gallery sealed in IndexedDB and
//	in passphrase-encrypted files, see gallery.go
//
//	unlockStart, unlockFrame, livenessStart, livenessFrame, livenessEnd:
//	    face unlock with a liveness challenge and the recorded-frames
//	    check, see liveness.go; load also takes human-models'
//	    antispoof.json and liveness.json with their shards, when given
//
//	artLayers, artLoad, artImages, artStart, artStep, artFeatures: the Art
//	view's style transfer and layer visualisation, see art.go
//
//	unitsStart, unitsAdd, unitsTop, unitsCrop, unitsMap: each VGG-19 unit's top image
//	patches over a set of images (convnet-units' pass), see units.go
//
//	conv1d, motionEnergy: 1D and 3D convolution over a signal and video
//	frames (core/signals), see signals.go
//
// A box is {x, y, width, height} in the image's pixels. Bad input rejects the
// promise with an Error saying what was expected and what was found. A panic
// in a call is recovered and becomes a rejection, so the Go runtime keeps
// serving. Calls are served one at a time. This package only marshals: the
// work is done in visage/core and visage/models.
package main

import (
	"errors"
	"io/fs"
	"maps"
	"sync"
	"syscall/js"

	"visage/core/face"
	"visage/core/learn"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/models/facerec"
	"visage/models/faceres"
	"visage/models/mobilefacenet"
	"visage/models/ssd"
	"visage/models/tinyface"
	"visage/wasm/webvault"
)

func main() {
	a := &api{}
	a.setGallery(newGallery())
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
	artCalls := &artAPI{backend: func() *backend { return a.backend }} // the Art view's calls: art.go
	for name, m := range artCalls.methods() {
		methods[name] = m
	}
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

	liveness livenessState // unlock's challenges, the passive models, the attempt limit (liveness.go)
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
	choice := backendAuto
	if b := opts.Get("backend"); !b.IsUndefined() {
		if choice, err = stringOf(b, "load: backend"); err != nil {
			return nil, err
		}
	}
	precision, err := precisionOf(opts)
	if err != nil {
		return nil, err
	}
	encoderName := face.EncoderDlib
	if e := opts.Get("encoder"); !e.IsUndefined() {
		if encoderName, err = stringOf(e, "load: encoder"); err != nil {
			return nil, err
		}
		if err := face.CheckEncoderName(encoderName); err != nil {
			return nil, err
		}
	}
	if a.gallery == nil {
		a.setGallery(newGallery())
	}
	if len(a.gallery.Names()) > 0 {
		if err := a.gallery.CheckEncoder(encoderName); err != nil {
			return nil, err
		}
	}
	var human face.FaceEncoder // human-models' encoders, on the CPU
	switch encoderName {
	case face.EncoderMobileFaceNet:
		m, err := mobilefacenet.Load(fsys)
		if err != nil {
			return nil, err
		}
		human = face.MobileFaceNet{Net: m}
	case face.EncoderFaceRes:
		f, err := faceres.Load(fsys)
		if err != nil {
			return nil, err
		}
		human = face.FaceRes{Net: f}
	}
	net, err := facerec.Load(fsys)
	if err != nil {
		return nil, err
	}
	if d := a.backend.device(); d != nil {
		d.Destroy() // a second load: its networks replace the first's
	}
	b, err := openBackend(choice)
	if err != nil {
		return nil, err
	}
	usePrecision(b, precision)
	enc, err := newFaceEncoder(b, net)
	if err != nil {
		return nil, err
	}
	a.net, a.backend, a.encoder = net, b, enc
	if human != nil {
		a.encoder = human
	}
	if err := holdEncoder(a.gallery, encoderName); err != nil { // gallery.go; an empty gallery (checked above) takes the encoder
		return nil, err
	}
	result := b.info()
	result["encoder"] = encoderName
	result["detector"] = false
	if _, err := fs.Stat(fsys, ssd.Manifest); err != nil {
		return result, nil
	}
	p, err := face.LiveSettings().Load(fsys, a.encoder) // the camera overlay's; decisions below
	if err != nil {
		return nil, err
	}
	// An enrollment photo is known to hold a face: it gets the CLI's retries.
	var tiny *tinyface.Net
	if _, err := fs.Stat(fsys, tinyface.Manifest); err == nil {
		if tiny, err = tinyface.Load(fsys); err != nil {
			return nil, err
		}
	}
	tinyOnBackend, err := faceNetsOnBackend(b, p, tiny)
	if err != nil {
		return nil, err
	}
	a.live, a.pipeline = p, p
	a.deciding, a.enrolling = p.ForDecisions(), p.WithPhotoFallbacks(tinyOnBackend).ForDecisions()
	if err := a.liveness.loadPassive(fsys); err != nil {
		return nil, err
	}
	result["detector"] = true
	return result, nil
}

func (a *api) encode(args []js.Value) (any, error) {
	if a.net == nil {
		return nil, errors.New("encode called before load finished")
	}
	img, err := imageOf(arg(args, 0), "encode")
	if err != nil {
		return nil, err
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
	threshold := face.DefaultThreshold
	if t := arg(args, 2); !t.IsUndefined() {
		if threshold, err = numberOf(t, "compare: threshold"); err != nil {
			return nil, err
		}
	}
	if err := face.CheckThreshold(threshold); err != nil {
		return nil, err
	}
	d := face.Distance(x, y)
	return map[string]any{"distance": d, "match": d < threshold, "threshold": threshold}, nil
}
