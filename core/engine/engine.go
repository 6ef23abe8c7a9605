// Package engine is one Visage: the networks Load loaded and where they
// run, the gallery, the decision head, the unlock sessions and the Art
// view's run, with one method for each call of the JS API that
// web/visage.d.ts documents; wasm/ binds them to JS values.
//
// A call's method takes its arguments as a struct whose js tags name them
// for visage/core/jsvalue, over the defaults its Defaults method sets (when
// it has one) and checked by its Check method (when it has one), and
// returns its result as a struct tagged alike. Image, Frame, Descriptor
// and UnitChoice are the arguments whose JS form the caller gives
// (jsvalue.Register). Errors say what was expected and what was found.
//
// Some calls need an earlier one, and a Need method says whether it has
// run: NeedLoad (Encode), NeedDetector (Detect, Identify, Enroll, Verify),
// NeedPipeline (DetectFaces, Landmarks), NeedVGG (UnitsStart),
// NeedArtImages (ArtStart, ArtFeatures) and NeedArtRun (ArtStep). The
// caller asks it before reading the call's arguments, so that the error
// says what to call first; calling the method when its Need is an error is
// a programming error, and panics.
//
// An Engine is generic in its GPU's tensor type T: *webgpu.Buffer in the
// browser, a CPU that fails on demand in the tests. Its methods are not
// safe for concurrent use: the caller serves the calls one at a time.
package engine

import (
	"fmt"
	"io/fs"

	"visage/core/backend/webgpu"
	"visage/core/face"
	"visage/core/learn"
	"visage/core/liveness"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/models/facerec"
	"visage/models/ssd"
)

// Finder finds and encodes the faces in a photo; *face.Pipeline is one.
type Finder interface {
	Faces(img *tensor.Tensor) ([]face.Face, error)
	LargestFace(img *tensor.Tensor) (face.Face, error)
}

// Engine holds what Load loaded and the gallery.
type Engine[T any] struct {
	open      func() (Device[T], error) // Load's way to the GPU
	net       *facerec.Net
	backend   *placed[T]     // where the networks run (nil: the CPU, before Load)
	encoder   face.Encoder   // the gallery's encoder: net, placed, or MobileFaceNet's or FaceRes's
	live      Finder         // the camera overlay's settings, one chip a face: Detect, and Identify's {fast}
	pipeline  *face.Pipeline // live itself, for DetectFaces and Landmarks (nil where tests fake live)
	deciding  Finder         // live for decisions, four chips a face (face.Pipeline.ForDecisions): Verify, Identify, unlock
	enrolling Finder         // deciding that also tries a lower score and a padded image: a photo to enroll is known to hold a face
	people    *vault.Gallery // the gallery: in memory, or kept in a database (UseStoredGallery)
	gallery   *face.Gallery  // people's matcher
	stored    bool           // people is kept in a database

	head *learn.Head // SetHead's: Verify and Identify decide with it (nil: plain distance)

	liveness liveness.Sessions // unlock's challenges, the passive models, the attempt limit

	art   artState[T]
	units unitsState
}

// New returns an Engine with an empty gallery in memory; Load opens its
// GPU, when asked to, with open.
func New[T any](open func() (Device[T], error)) *Engine[T] {
	e := &Engine[T]{open: open}
	e.useGallery(vault.InMemory(), false)
	return e
}

// LoadOptions are Load's: the backend ('auto', 'webgpu' or 'cpu'), the
// gallery's encoder (face.CheckEncoderName) and the GPU's precision
// ('f32' or 'f16', webgpu.ParsePrecision).
type LoadOptions struct {
	Backend   string `js:"backend,omitempty"`
	Encoder   string `js:"encoder,omitempty"`
	Precision string `js:"precision,omitempty"`
}

// Defaults sets what the page loads unless told otherwise.
func (o *LoadOptions) Defaults() {
	o.Backend, o.Encoder, o.Precision = ChoiceAuto, face.EncoderDlib, string(webgpu.F32)
}

// Loaded is Load's result.
type Loaded struct {
	BackendInfo
	Encoder  string `js:"encoder"`
	Detector bool   `js:"detector"`
}

// Load loads the face networks in fsys (face.LoadNets: the detector's only
// when its files are there) and the passive liveness models (when there)
// on the backend o asks for, replacing those of an earlier Load, whose GPU
// it then destroys; a Load that fails leaves them. A gallery that holds
// people must be of o's encoder; an empty one takes it.
func (e *Engine[T]) Load(fsys fs.FS, o LoadOptions) (Loaded, error) {
	precision, err := webgpu.ParsePrecision(o.Precision)
	if err == nil {
		err = face.CheckEncoderName(o.Encoder)
	}
	if err == nil && len(e.gallery.Names()) > 0 {
		err = e.gallery.CheckEncoder(o.Encoder)
	}
	if err != nil {
		return Loaded{}, err
	}
	b, err := e.openBackend(o.Backend, precision)
	if err != nil {
		return Loaded{}, err
	}
	nets, err := face.LoadNets(fsys, b.placement, b.gpuBackend(), o.Encoder)
	if err != nil {
		err = fmt.Errorf("load: %w", err)
	}
	var passive liveness.Scorer
	if err == nil && nets.Live != nil {
		passive, err = liveness.PlacedPassive(fsys, b.placement, b.gpuBackend())
	}
	if err == nil {
		err = e.people.HoldEncoder(o.Encoder) // an empty gallery (checked above) takes the encoder
	}
	if err != nil {
		if d := b.device(); d != nil {
			d.Destroy()
		}
		return Loaded{}, err
	}
	if d := e.backend.device(); d != nil {
		d.Destroy() // its networks are replaced
	}
	e.net, e.backend, e.encoder = nets.Recognition, b, nets.Encoder
	e.live, e.pipeline, e.deciding, e.enrolling, e.liveness.Passive = nil, nil, nil, nil, passive
	if nets.Live != nil { // a nil *face.Pipeline would make a Finder that is not nil
		e.live, e.pipeline, e.deciding, e.enrolling = nets.Live, nets.Live, nets.Deciding, nets.Enrolling
	}
	return Loaded{BackendInfo: b.info(), Encoder: o.Encoder, Detector: nets.Live != nil}, nil
}

// NeedLoad is an error, naming op, unless Load has finished.
func (e *Engine[T]) NeedLoad(op string) error {
	if e.net == nil {
		return fmt.Errorf("%s called before load finished", op)
	}
	return nil
}

// NeedDetector is an error, naming op, unless Load loaded the face
// detector.
func (e *Engine[T]) NeedDetector(op string) error {
	switch {
	case e.live == nil && e.net == nil:
		return fmt.Errorf("%s called before load finished", op)
	case e.live == nil:
		return fmt.Errorf("%s needs the face detector, but load was given no %s", op, ssd.Manifest)
	}
	return nil
}

// NeedPipeline is NeedDetector, and an error unless the detection pipeline
// is there to run its steps one at a time (DetectFaces, Landmarks).
func (e *Engine[T]) NeedPipeline(op string) error {
	if err := e.NeedDetector(op); err != nil || e.pipeline != nil {
		return err
	}
	return fmt.Errorf("%s needs the detection pipeline, which this Visage does not have", op)
}

// None is the arguments of a call that takes none.
type None struct{}
