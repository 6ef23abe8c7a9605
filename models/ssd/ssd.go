// Package ssd is face-api.js's SSD-MobileNetV1 face detector in Go: a
// MobileNetV1 base at 512x512, six box predictors over 5118 anchors, box
// decoding and face-api.js's own non-maximum suppression. The network runs
// on any visage/core/backend (On); the pre- and post-processing on the CPU.
package ssd

import (
	"fmt"
	"io/fs"

	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/netinput"
	"visage/models/weights"
)

// InputSize is the side of the square the image is resized to.
const InputSize = 512

// Manifest is the weight manifest's file name in the face-api.js model folder.
const Manifest = "ssd_mobilenetv1_model-weights_manifest.json"

// Options are face-api.js's SsdMobilenetv1Options.
type Options struct {
	MinConfidence float64 // scores must exceed this, in (0,1); face-api.js default 0.5
	MaxResults    int     // at most this many faces; face-api.js default 100
}

// DefaultOptions returns face-api.js's defaults.
func DefaultOptions() Options { return Options{MinConfidence: 0.5, MaxResults: 100} }

// iouThreshold is face-api.js's fixed NMS overlap limit for this detector.
const iouThreshold = 0.5

// Box is an axis-aligned rectangle in pixels of the image given to Detect:
// X, Y the top-left corner, W, H the size.
type Box struct {
	X float64 `json:"x" js:"x"`
	Y float64 `json:"y" js:"y"`
	W float64 `json:"width" js:"width"`
	H float64 `json:"height" js:"height"`
}

// Detection is one face: its box and the detector's score in (0,1).
type Detection struct {
	Box   Box     `js:"box"`
	Score float64 `js:"score"`
}

// Net is a loaded detector: its Runner on the CPU, whose methods it has.
// It is read-only after Load and safe for concurrent use; On runs it on
// another backend.
type Net struct{ *Runner[*tensor.Tensor] }

// Load reads the detector's manifest and shard from fsys (e.g. os.DirFS of
// the face-api.js model folder).
func Load(fsys fs.FS) (*Net, error) {
	m, err := weights.Load(fsys, Manifest)
	if err != nil {
		return nil, err
	}
	p, err := extractParams(m)
	if err != nil {
		return nil, err
	}
	return &Net{&Runner[*tensor.Tensor]{backend.BindCPU(p, upload)}}, nil
}

// Runner is the detector on one backend: its parameters as loaded and put
// there.
type Runner[T any] struct {
	backend.Bound[T, *netParams[*tensor.Tensor], *netParams[T]]
}

// On returns n running on b, its weights put there once (backend.Bind).
func On[T any](n *Net, b backend.Backend[T]) *Runner[T] {
	return &Runner[T]{backend.Bind(b, n.Src, upload[T])}
}

// Detect finds faces in img ([H,W,3] RGB, 0..255) as face-api.js's
// locateFaces does for a tensor input: the image is padded to a square at the
// bottom or right, resized to 512x512, and the boxes mapped back to img's
// pixels, best score first. It is Run, then Select. It errors on a
// malformed image or options, and with Run's errors.
func (r *Runner[T]) Detect(img *tensor.Tensor, opt Options) ([]Detection, error) {
	out, err := r.Run(img)
	if err != nil {
		return nil, err
	}
	return out.Select(opt)
}

// Output is the network's raw result for one image: every anchor's decoded
// box and face score, before thresholding and suppression, so several
// Options can be tried for the price of one forward pass.
type Output struct {
	boxes  [][4]float64 // relative to the padded square: ymin, xmin, ymax, xmax
	scores []float64
	h, w   int // the image's size
}

// Run runs the network on img ([H,W,3] RGB, 0..255): the preprocessing
// and the box decoding against the anchors on the CPU, the network on r's
// backend, its six box predictors' outputs read back at once. It errors on
// a malformed image, and with the backend's errors (wrapping
// backend.ErrDeviceLost or backend.ErrOutOfMemory when a GPU failed).
func (r *Runner[T]) Run(img *tensor.Tensor) (*Output, error) {
	x, err := toInput(img)
	if err != nil {
		return nil, err
	}
	outs := heads(r.B, r.P, r.B.Upload(x))
	read, err := backend.Collect(r.B, "ssd", outs...)
	if err != nil {
		return nil, err
	}
	// Every predictor's box encodings, then every one's class logits.
	var enc, cls []float32
	for i, t := range read {
		if i < len(read)/2 {
			enc = append(enc, t.Data...)
		} else {
			cls = append(cls, t.Data...)
		}
	}
	return output(r.P.anchors, enc, cls, img.Shape[0], img.Shape[1])
}

// output decodes the box predictors' outputs for an image h×w against
// anchors (netParams.anchors), flattened and concatenated in predictor
// order (which is the anchors' order): enc [anchors×4] box encodings (ty,
// tx, th, tw) and cls [anchors×3] class logits (background, face, unused).
// It errors on outputs that do not match the anchors.
func output(anchors, enc, cls []float32, h, w int) (*Output, error) {
	if n := len(anchors) / 4; len(enc) != 4*n || len(cls) != 3*n {
		return nil, fmt.Errorf("ssd: %d box encodings and %d class logits for %d anchors, want %d and %d",
			len(enc), len(cls), n, 4*n, 3*n)
	}
	return &Output{decodeBoxes(anchors, enc), faceScores(cls), h, w}, nil
}

// Anchors returns every anchor's decoded box (ymin, xmin, ymax, xmax,
// relative to the padded square the network saw) and face score, before
// thresholding and suppression: for comparing implementations.
func (o *Output) Anchors() (boxes [][4]float64, scores []float64) { return o.boxes, o.scores }

// Select applies opt's score threshold and face-api.js's non-maximum
// suppression and maps the kept boxes to the image's pixels, best first.
func (o *Output) Select(opt Options) ([]Detection, error) {
	if !(opt.MinConfidence > 0 && opt.MinConfidence < 1) {
		return nil, fmt.Errorf("ssd: expected MinConfidence in (0,1), found %v", opt.MinConfidence)
	}
	if opt.MaxResults <= 0 {
		return nil, fmt.Errorf("ssd: expected MaxResults > 0, found %d", opt.MaxResults)
	}
	keep := nonMaxSuppression(o.boxes, o.scores, opt.MaxResults, iouThreshold, opt.MinConfidence)

	// The boxes are relative to the padded square; face-api.js rescales by
	// InputSize over the rounded resized size of each side.
	h, w := float64(o.h), float64(o.w)
	side := max(h, w)
	padX := InputSize / roundHalfUp(w*InputSize/side)
	padY := InputSize / roundHalfUp(h*InputSize/side)
	dets := make([]Detection, len(keep))
	for i, k := range keep {
		b := o.boxes[k]
		top, bottom := max(0, b[0])*padY, min(1, b[2])*padY
		left, right := max(0, b[1])*padX, min(1, b[3])*padX
		dets[i] = Detection{
			Box:   Box{X: left * w, Y: top * h, W: (right - left) * w, H: (bottom - top) * h},
			Score: o.scores[k],
		}
	}
	return dets, nil
}

// toInput checks that img is [H,W,3] and returns the network's input: img
// padded to a square (zeros appended at the bottom or right, as
// face-api.js's padToSquare with isCenterImage=false), resized to InputSize
// (bilinear, no corner alignment) and mapped from 0..255 to -1..1.
func toInput(img *tensor.Tensor) (*tensor.Tensor, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] == 0 || img.Shape[1] == 0 {
		return nil, fmt.Errorf("ssd: expected an image of shape [H,W,3], found %v", img.Shape)
	}
	x := netinput.Square(img, InputSize, false)
	for i, v := range x.Data {
		x.Data[i] = v/127.5 - 1
	}
	return x, nil
}

// roundHalfUp is JavaScript's Math.round.
func roundHalfUp(v float64) float64 { return float64(int64(v + 0.5)) }
