package face

import (
	"errors"
	"fmt"
	"io/fs"
	"math"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// Box is an axis-aligned rectangle in image pixels: top-left corner X, Y and
// size W, H.
type Box = ssd.Box

// Encoder maps a face chip ([H,W,3] RGB 0..255, any size) to a descriptor;
// *facerec.Net is one.
type Encoder interface {
	Encode(img *tensor.Tensor) ([]float32, error)
}

// Detector runs the SSD face detector on an image ([H,W,3] RGB 0..255);
// *ssd.Net is one, *ssd.Runner (the network on another backend) another.
type Detector interface {
	Run(img *tensor.Tensor) (*ssd.Output, error)
}

// LandmarkNet returns the 68 landmarks of a face crop, in its pixels;
// *landmarks.Net is one.
type LandmarkNet interface {
	Detect(face *tensor.Tensor) ([]landmarks.Point, error)
}

// TinyDetector is the Tiny Face Detector; *tinyface.Net is one.
type TinyDetector interface {
	Detect(img *tensor.Tensor, opt tinyface.Options) ([]ssd.Detection, error)
}

// Face is one face found in a photo.
type Face struct {
	Box       Box               `json:"box" js:"box"`             // detector box, image pixels
	Score     float64           `json:"score" js:"score"`         // detector score in (0,1)
	Landmarks []landmarks.Point `json:"landmarks" js:"landmarks"` // 68 points, image pixels
	Encoding  []float32         `json:"encoding" js:"descriptor"` // DescriptorLen numbers
}

// ErrNoFace is returned (wrapped) when a photo holds no detectable face.
var ErrNoFace = errors.New("no face found")

// Pipeline finds, aligns and encodes every face in a photo. Its fields are
// set once; it is then safe for concurrent use if its networks are.
type Pipeline struct {
	Detector  Detector
	Options   ssd.Options // detector options (face-api.js defaults: ssd.DefaultOptions)
	Landmarks LandmarkNet
	Encoder   Encoder
	Align     Align
	// FallbackConfidence, when in (0, Options.MinConfidence), is the lower
	// score threshold tried when nothing passes Options.MinConfidence (same
	// forward pass): a photo known to hold a face still gets one.
	FallbackConfidence float64
	// PadRetry, when > 0 and nothing is found, detects again on the image
	// padded on every side by this fraction of its larger side, which makes
	// the face smaller in the detector's 512x512 input.
	PadRetry float64
	// Tiny, when set, is the last resort: the Tiny Face Detector run with
	// each of TinyOptions in turn when the SSD attempts found nothing.
	Tiny        TinyDetector
	TinyOptions []tinyface.Options
	// Mirror averages the descriptor of the chip with that of its mirror image.
	Mirror bool
	// MirrorLandmarks averages the landmarks of the face crop with those of
	// its mirror image (mapped back, left and right points swapped), which
	// cancels the landmark net's left–right bias and halves its noise.
	MirrorLandmarks bool
	// RequireCentre makes Detect go on to the next attempt while no face
	// found so far has a box holding the image centre, for photos framed on
	// their subject (LFW); with none anywhere, the first faces found count.
	RequireCentre bool
	// MaxDetectSide, when > 0, downsizes larger images (area average) for
	// detection only; landmarks and chips still come from the full image.
	MaxDetectSide int
}

// Stage says which detection attempt found the faces.
type Stage int

// The stages, in the order Detect tries them.
const (
	StageNone     Stage = iota // nothing found
	StageDefault               // at Options.MinConfidence
	StageFallback              // at FallbackConfidence
	StagePadded                // on the padded image
	StageTiny                  // by the Tiny Face Detector
)

// Detect returns the detector's faces in img ([H,W,3] RGB 0..255), best
// score first, with boxes in img's pixels, and the attempt that found them;
// no face is an empty result, not an error. The attempts run in Stage
// order until one finds a face (with RequireCentre, a face whose box holds
// the image centre; failing that, the first attempt's faces are returned).
func (p *Pipeline) Detect(img *tensor.Tensor) ([]ssd.Detection, Stage, error) {
	src, scale := img, 1.0
	if side := max(img.Shape[0], img.Shape[1]); p.MaxDetectSide > 0 && side > p.MaxDetectSide {
		scale = float64(side) / float64(p.MaxDetectSide)
		src = imageio.DownscaleArea(img, p.MaxDetectSide)
	}
	var dets []ssd.Detection
	stage := StageNone
	// take keeps found as the answer when it is the first non-empty one or
	// the first to satisfy RequireCentre, and says whether to stop.
	take := func(found []ssd.Detection, s Stage) bool {
		if len(found) == 0 {
			return false
		}
		if !p.RequireCentre || holdsCentre(found, src) {
			dets, stage = found, s
			return true
		}
		if dets == nil {
			dets, stage = found, s
		}
		return false
	}
	done, err := p.detectOnce(src, 0, StageDefault, take)
	if err == nil && !done && p.PadRetry > 0 {
		pad := int(p.PadRetry * float64(max(src.Shape[0], src.Shape[1])))
		done, err = p.detectOnce(padBorder(src, pad), pad, StagePadded, take)
	}
	for _, opt := range p.TinyOptions {
		if err != nil || done || p.Tiny == nil {
			break
		}
		var found []ssd.Detection
		found, err = p.Tiny.Detect(src, opt)
		done = take(found, StageTiny)
	}
	if err != nil {
		return nil, StageNone, err
	}
	for i := range dets {
		b := &dets[i].Box
		b.X, b.Y, b.W, b.H = b.X*scale, b.Y*scale, b.W*scale, b.H*scale
	}
	return dets, stage, nil
}

// detectOnce runs the detector once on img (src with pad pixels of border,
// which are taken off the boxes) and offers take its faces at the default
// threshold, then at the fallback one; stage is the stage of a
// default-threshold hit. It reports whether take said to stop.
func (p *Pipeline) detectOnce(img *tensor.Tensor, pad int, stage Stage, take func([]ssd.Detection, Stage) bool) (bool, error) {
	out, err := p.Detector.Run(img)
	if err != nil {
		return false, err
	}
	sel := func(opt ssd.Options) ([]ssd.Detection, error) {
		dets, err := out.Select(opt)
		for i := range dets {
			dets[i].Box.X -= float64(pad)
			dets[i].Box.Y -= float64(pad)
		}
		return dets, err
	}
	dets, err := sel(p.Options)
	if err != nil || take(dets, stage) {
		return err == nil, err
	}
	if fc := p.FallbackConfidence; fc > 0 && fc < p.Options.MinConfidence {
		opt := p.Options
		opt.MinConfidence = fc
		if stage == StageDefault {
			stage = StageFallback
		}
		dets, err = sel(opt)
		return err == nil && take(dets, stage), err
	}
	return false, nil
}

// holdsCentre reports whether one of dets' boxes holds img's centre.
func holdsCentre(dets []ssd.Detection, img *tensor.Tensor) bool {
	cx, cy := centreOf(img)
	for _, d := range dets {
		if b := d.Box; b.X <= cx && cx <= b.X+b.W && b.Y <= cy && cy <= b.Y+b.H {
			return true
		}
	}
	return false
}

// centreOf is img's ([H,W,C]) centre in pixel coordinates.
func centreOf(img *tensor.Tensor) (x, y float64) {
	return float64(img.Shape[1]) / 2, float64(img.Shape[0]) / 2
}

// LargestDetection returns the index of the detection with the largest box
// area, the first of equals; -1 for none.
func LargestDetection(dets []ssd.Detection) int {
	return bestBy(dets, detectionBox, boxArea)
}

// CentralDetection returns the index of the detection whose box centre is
// nearest img's centre (where LFW puts its subject), the first of equals;
// -1 for none.
func CentralDetection(dets []ssd.Detection, img *tensor.Tensor) int {
	cx, cy := centreOf(img)
	return bestBy(dets, detectionBox, func(b Box) float64 {
		dx, dy := b.X+b.W/2-cx, b.Y+b.H/2-cy
		return -(dx*dx + dy*dy)
	})
}

func detectionBox(d ssd.Detection) Box { return d.Box }

func boxArea(b Box) float64 { return b.W * b.H }

// bestBy returns the index of the item whose box scores highest, the first
// of equals; -1 for none.
func bestBy[T any](items []T, box func(T) Box, score func(Box) float64) int {
	i, top := -1, math.Inf(-1)
	for j, item := range items {
		if s := score(box(item)); s > top {
			i, top = j, s
		}
	}
	return i
}

// Landmarks68 returns the 68 landmarks, in img's pixels, of the face in box,
// as face-api.js's withFaceLandmarks: the box is cut out (clipped, floored),
// the landmark net run on the crop and its points shifted by the box corner.
func (p *Pipeline) Landmarks68(img *tensor.Tensor, box Box) ([]landmarks.Point, error) {
	crop, err := Crop(img, box)
	if err != nil {
		return nil, err
	}
	pts, err := p.Landmarks.Detect(crop)
	if err != nil {
		return nil, err
	}
	if p.MirrorLandmarks {
		m, err := p.Landmarks.Detect(Mirror(crop))
		if err != nil {
			return nil, err
		}
		w := float64(crop.Shape[1])
		for i := range pts {
			q := m[landmarks.MirrorIndex[i]]
			pts[i].X = (pts[i].X + w - q.X) / 2
			pts[i].Y = (pts[i].Y + q.Y) / 2
		}
	}
	for i := range pts {
		pts[i].X += box.X
		pts[i].Y += box.Y
	}
	return pts, nil
}

// Encode aligns the face with landmarks pts as p.Align selects and returns
// its descriptor (averaged with the mirror chip's when p.Mirror is set).
func (p *Pipeline) Encode(img *tensor.Tensor, pts []landmarks.Point) ([]float32, error) {
	plain, averaged, err := p.encode(img, pts, p.Mirror)
	if p.Mirror {
		return averaged, err
	}
	return plain, err
}

// EncodeBoth returns, for p.Align whatever p.Mirror says, the chip's
// descriptor and its average with the mirror chip's (one chip, two encoder
// runs; with AlignBoth, each the mean over the two chips), for comparing
// the two.
func (p *Pipeline) EncodeBoth(img *tensor.Tensor, pts []landmarks.Point) (plain, averaged []float32, err error) {
	return p.encode(img, pts, true)
}

func (p *Pipeline) encode(img *tensor.Tensor, pts []landmarks.Point, mirror bool) (plain, averaged []float32, err error) {
	chips, err := p.chips(img, pts)
	if err != nil {
		return nil, nil, err
	}
	var plains, all [][]float32
	for _, chip := range chips {
		d, err := p.Encoder.Encode(chip)
		if err != nil {
			return nil, nil, err
		}
		plains, all = append(plains, d), append(all, d)
		if mirror {
			if d, err = p.Encoder.Encode(Mirror(chip)); err != nil {
				return nil, nil, err
			}
			all = append(all, d)
		}
	}
	plain = MeanDescriptor(plains...)
	if mirror {
		averaged = MeanDescriptor(all...)
	}
	return plain, averaged, nil
}

// Chips returns the aligned chips of the face with landmarks pts in img,
// whose descriptors make the face's descriptor (the first is the main
// alignment's): for showing what the encoder saw.
func (p *Pipeline) Chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error) {
	return p.chips(img, pts)
}

// chips are the face's chips: the encoder's own when it is a FaceEncoder
// (which knows the alignment it was trained for), else p.Align's.
func (p *Pipeline) chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error) {
	if fe, ok := p.Encoder.(FaceEncoder); ok {
		return fe.Chips(img, pts)
	}
	return p.Align.chips(img, pts)
}

// MeanDescriptor returns the element-wise mean of ds (at least one, all of
// one length); a single descriptor is returned as it is.
func MeanDescriptor(ds ...[]float32) []float32 {
	if len(ds) == 1 {
		return ds[0]
	}
	out := make([]float32, len(ds[0]))
	for _, d := range ds {
		for i, v := range d {
			out[i] += v
		}
	}
	for i := range out {
		out[i] /= float32(len(ds))
	}
	return out
}

// Faces detects, landmarks, aligns and encodes every face in img ([H,W,3]
// RGB 0..255), best detector score first. It returns an error wrapping
// ErrNoFace when none is found.
func (p *Pipeline) Faces(img *tensor.Tensor) ([]Face, error) {
	dets, err := p.detectChecked(img)
	if err != nil {
		return nil, err
	}
	faces := make([]Face, 0, len(dets))
	for _, d := range dets {
		f, err := p.describe(img, d)
		if errors.Is(err, errOutside) {
			continue
		}
		if err != nil {
			return nil, err
		}
		faces = append(faces, f)
	}
	if len(faces) == 0 {
		return nil, fmt.Errorf("face: %w", ErrNoFace)
	}
	return faces, nil
}

// LargestFace is Faces for the detection with the largest box only, which
// saves the other faces' landmark and encoder runs.
func (p *Pipeline) LargestFace(img *tensor.Tensor) (Face, error) {
	dets, err := p.detectChecked(img)
	if err != nil {
		return Face{}, err
	}
	best := LargestDetection(dets)
	if best < 0 {
		return Face{}, fmt.Errorf("face: %w", ErrNoFace)
	}
	f, err := p.describe(img, dets[best])
	if errors.Is(err, errOutside) {
		return Face{}, fmt.Errorf("face: %w", ErrNoFace)
	}
	return f, err
}

func (p *Pipeline) detectChecked(img *tensor.Tensor) ([]ssd.Detection, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] == 0 || img.Shape[1] == 0 {
		return nil, fmt.Errorf("face: expected an image of shape [H,W,3], found %v", img.Shape)
	}
	dets, _, err := p.Detect(img)
	return dets, err
}

// errOutside marks a detection box with no pixel inside the image.
var errOutside = errors.New("face: detection box outside the image")

// describe adds landmarks and the descriptor to one detection.
func (p *Pipeline) describe(img *tensor.Tensor, d ssd.Detection) (Face, error) {
	pts, err := p.Landmarks68(img, d.Box)
	if err != nil {
		return Face{}, errOutside
	}
	enc, err := p.Encode(img, pts)
	if err != nil {
		return Face{}, err
	}
	return Face{Box: d.Box, Score: d.Score, Landmarks: pts, Encoding: enc}, nil
}

// Largest returns the index of the face with the largest box area; -1 for none.
func Largest(faces []Face) int {
	return bestBy(faces, func(f Face) Box { return f.Box }, boxArea)
}

// padBorder returns img ([H,W,C]) with pad zero pixels added on every side.
func padBorder(img *tensor.Tensor, pad int) *tensor.Tensor {
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	out := tensor.New(h+2*pad, w+2*pad, c)
	ow := w + 2*pad
	for y := range h {
		copy(out.Data[((y+pad)*ow+pad)*c:((y+pad)*ow+pad+w)*c], img.Data[y*w*c:(y+1)*w*c])
	}
	return out
}

// Detection fallbacks Visage uses beyond face-api.js's defaults, for photos
// that are known to hold a face (the CLI, LFW): a lower score threshold when
// nothing passes the default one, then a padded retry.
const (
	DefaultFallbackConfidence = 0.1
	DefaultPadRetry           = 0.25
)

// DefaultTinyOptions are the Tiny Face Detector attempts Visage makes when
// the SSD finds nothing: face-api.js's defaults, then a small input size,
// which suits faces that fill much of the photo.
func DefaultTinyOptions() []tinyface.Options {
	return []tinyface.Options{tinyface.DefaultOptions(), {InputSize: 160, ScoreThreshold: 0.5}}
}

// WithPhotoFallbacks returns a copy of p that makes the retries for a photo
// known to hold a face: DefaultFallbackConfidence, DefaultPadRetry and, when
// tiny is not nil, the Tiny Face Detector with DefaultTinyOptions. The CLI
// and the browser's enrollment use it, so the two cannot drift apart.
func (p Pipeline) WithPhotoFallbacks(tiny TinyDetector) *Pipeline {
	p.FallbackConfidence = DefaultFallbackConfidence
	p.PadRetry = DefaultPadRetry
	if tiny != nil {
		p.Tiny, p.TinyOptions = tiny, DefaultTinyOptions()
	}
	return &p
}

// ForDecisions returns a copy of p with DecisionSettings, for enroll,
// verify, unlock, and identify on demand; p is left as it was. The camera
// overlay keeps LiveSettings' one-chip pipeline.
func (p Pipeline) ForDecisions() *Pipeline {
	return p.With(DecisionSettings())
}

// LoadPipeline loads the SSD detector and the 68-point landmark net from
// fsys (the face-api.js model folder) and returns a pipeline with
// face-api.js's detector defaults, enc as encoder and alignment a.
func LoadPipeline(fsys fs.FS, enc Encoder, a Align) (*Pipeline, error) {
	det, err := ssd.Load(fsys)
	if err != nil {
		return nil, err
	}
	lm, err := landmarks.Load(fsys)
	if err != nil {
		return nil, err
	}
	return &Pipeline{Detector: det, Options: ssd.DefaultOptions(), Landmarks: lm, Encoder: enc, Align: a}, nil
}
