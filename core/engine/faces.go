package engine

import (
	"errors"
	"fmt"
	"math"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/models/landmarks"
	"visage/models/ssd"
)

// Encode returns the descriptor of an aligned face chip (face.AlignedChip
// of the gallery's encoder).
func (e *Engine[T]) Encode(in *struct{ Image Image }) ([]float32, error) {
	return e.encoder.Encode(face.AlignedChip(face.EncoderName(e.encoder), in.Image.Tensor))
}

// Distance is the Euclidean distance between two descriptors.
func (e *Engine[T]) Distance(in *Pair) (float64, error) { return face.Distance(in.A, in.B), nil }

// Comparison is Compare's and Decide's result.
type Comparison struct {
	Distance  float64    `js:"distance"`
	Match     bool       `js:"match"`
	Threshold float64    `js:"threshold"`
	Head      *HeadScore `js:"head,omitempty"`
}

// CompareArgs are Compare's: a match is a distance below Threshold.
type CompareArgs struct {
	Pair
	Threshold float64 `js:"threshold,omitempty"`
}

func (in *CompareArgs) Defaults() { in.Threshold = face.DefaultThreshold }

func (in *CompareArgs) Check() error {
	if err := in.Pair.Check(); err != nil {
		return err
	}
	return face.CheckThreshold(in.Threshold)
}

// Compare compares two descriptors at a threshold of the caller's.
func (e *Engine[T]) Compare(in *CompareArgs) (Comparison, error) {
	d := face.Distance(in.A, in.B)
	return Comparison{Distance: d, Match: d < in.Threshold, Threshold: in.Threshold}, nil
}

// faces runs the live finder, or the deciding one when decide, on img:
// none is an empty list.
func (e *Engine[T]) faces(img *tensor.Tensor, decide bool) ([]face.Face, error) {
	finder := e.live
	if decide {
		finder = e.deciding
	}
	faces, err := finder.Faces(img)
	if errors.Is(err, face.ErrNoFace) {
		return nil, nil
	}
	return faces, err
}

// DetectArgs are Detect's: Fast finds faces as the camera overlay does,
// one chip a face; otherwise as Enroll, Verify and Identify decide. Chips
// adds each face's aligned chip.
type DetectArgs struct {
	Image   Image
	Options struct {
		Chips bool `js:"chips,omitempty"`
		Fast  bool `js:"fast,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *DetectArgs) Defaults() { in.Options.Fast = true }

// Detected is one face of Detect's result.
type Detected struct {
	face.Face
	Chip *Pixels `js:"chip,omitempty"`
}

// Detect finds and encodes the faces in an image.
func (e *Engine[T]) Detect(in *DetectArgs) ([]Detected, error) {
	faces, err := e.faces(in.Image.Tensor, !in.Options.Fast)
	if err != nil {
		return nil, err
	}
	out := make([]Detected, len(faces))
	for i, f := range faces {
		out[i].Face = f
		if in.Options.Chips && e.pipeline != nil {
			chips, err := e.pipeline.Chips(in.Image.Tensor, f.Landmarks)
			if err != nil {
				return nil, err
			}
			chip := pixelsOf(chips[0])
			out[i].Chip = &chip
		}
	}
	return out, nil
}

// DetectFacesArgs' options are face-api.js's SsdMobilenetv1Options; nil:
// the pipeline's.
type DetectFacesArgs struct {
	Image   Image
	Options struct {
		MinConfidence *float64 `js:"minConfidence,omitempty"`
		MaxResults    *float64 `js:"maxResults,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *DetectFacesArgs) Check() error {
	if n := in.Options.MaxResults; n != nil && (*n != math.Trunc(*n) || *n < 1 || *n > math.MaxInt32) {
		return fmt.Errorf("detectFaces: maxResults must be a whole number ≥ 1, found %v", *n)
	}
	if c := in.Options.MinConfidence; c != nil && !(*c > 0 && *c < 1) {
		return fmt.Errorf("detectFaces: minConfidence must be in (0, 1), found %v", *c)
	}
	return nil
}

// DetectFaces is the detector's step alone, as face-api.js's
// detectAllFaces.
func (e *Engine[T]) DetectFaces(in *DetectFacesArgs) ([]ssd.Detection, error) {
	p := *e.pipeline
	if c := in.Options.MinConfidence; c != nil {
		p.Options.MinConfidence = *c
	}
	if n := in.Options.MaxResults; n != nil {
		p.Options.MaxResults = int(*n)
	}
	dets, _, err := p.Detect(in.Image.Tensor)
	return dets, err
}

// LandmarksArgs are Landmarks': the face's box in the image.
type LandmarksArgs struct {
	Image Image
	Box   face.Box `js:"box"`
}

func (in *LandmarksArgs) Check() error {
	if b := in.Box; !(b.W > 0 && b.H > 0) {
		return fmt.Errorf("landmarks: box width and height must be > 0, found %v×%v", b.W, b.H)
	}
	return nil
}

// Landmarks is the landmark net's step alone: 68 points in the image.
func (e *Engine[T]) Landmarks(in *LandmarksArgs) ([]landmarks.Point, error) {
	pts, err := e.pipeline.Landmarks68(in.Image.Tensor, in.Box)
	if err != nil {
		return nil, fmt.Errorf("landmarks: %w", err)
	}
	return pts, nil
}

// PersonArgs are Enroll's and Verify's arguments.
type PersonArgs struct {
	Name  string `js:"name"`
	Image Image
}

// Enrolled is Enroll's result.
type Enrolled struct {
	Name    string `js:"name"`
	Samples int    `js:"samples"`
	ssd.Detection
}

// Enroll adds the largest face in a photo to a person's samples.
func (e *Engine[T]) Enroll(in *PersonArgs) (Enrolled, error) {
	f, err := e.enrolling.LargestFace(in.Image.Tensor)
	if err != nil {
		return Enrolled{}, fmt.Errorf("enroll %q: %w", in.Name, err)
	}
	thumb, err := vault.CutThumbnail(in.Image.Tensor, f.Box)
	if err != nil {
		return Enrolled{}, err
	}
	samples, err := e.people.Enroll(in.Name, e.gallery.Encoder(), f.Encoding, thumb)
	return Enrolled{in.Name, samples, ssd.Detection{Box: f.Box, Score: f.Score}}, err
}

// Verified is Verify's result.
type Verified struct {
	Name string `js:"name"`
	Comparison
	ssd.Detection
}

// Verify says whether the largest face in a photo is the person's: by the
// gallery's threshold, or by the head when there is one.
func (e *Engine[T]) Verify(in *PersonArgs) (Verified, error) {
	if e.gallery.DescriptorCount(in.Name) == 0 {
		return Verified{}, fmt.Errorf("verify: no one called %q is enrolled", in.Name)
	}
	f, err := e.deciding.LargestFace(in.Image.Tensor)
	if err != nil {
		return Verified{}, fmt.Errorf("verify %q: %w", in.Name, err)
	}
	match, dist, err := e.gallery.Verify(in.Name, f.Encoding)
	if err != nil {
		return Verified{}, err
	}
	v := Verified{in.Name, Comparison{Distance: dist, Match: match, Threshold: e.gallery.Threshold()}, ssd.Detection{Box: f.Box, Score: f.Score}}
	if e.head != nil {
		match, score, err := e.head.Verify(e.gallery, in.Name, f.Encoding)
		if err != nil {
			return Verified{}, err
		}
		v.Match, v.Head = match, e.headScore(score)
	}
	return v, nil
}

// IdentifyOptions are Identify's and IdentifyDescriptor's options.
type IdentifyOptions struct {
	Fast bool    `js:"fast,omitempty"` // Identify's only
	FPIR float64 `js:"fpir,omitempty"`
}

func (o *IdentifyOptions) Defaults() { o.FPIR = fpir.DefaultTarget }

// rule is fpir.For the gallery at o's FPIR; op names the call in errors.
func (e *Engine[T]) rule(op string, o IdentifyOptions) (fpir.Rule, error) {
	rule, err := fpir.For(e.gallery, o.FPIR)
	if err != nil {
		return rule, fmt.Errorf("%s: %w", op, err)
	}
	return rule, nil
}

// IdentifyArgs are Identify's.
type IdentifyArgs struct {
	Image           Image
	IdentifyOptions `js:"options,flat,omitempty"`
}

// Identified is one face of Identify's result.
type Identified struct {
	ssd.Detection
	Named
}

// Identify names each face in an image, or no one (open-set, at the
// threshold measured for the target FPIR: fpir.For).
func (e *Engine[T]) Identify(in *IdentifyArgs) ([]Identified, error) {
	rule, err := e.rule("identify", in.IdentifyOptions)
	if err != nil {
		return nil, err
	}
	faces, err := e.faces(in.Image.Tensor, !in.Fast)
	if err != nil {
		return nil, err
	}
	out := make([]Identified, len(faces))
	for i, f := range faces {
		out[i] = Identified{ssd.Detection{Box: f.Box, Score: f.Score}, e.named(f.Encoding, rule)}
	}
	return out, nil
}

// IdentifyDescriptorArgs are IdentifyDescriptor's.
type IdentifyDescriptorArgs struct {
	Descriptor      Descriptor
	IdentifyOptions `js:"options,flat,omitempty"`
}

// IdentifyDescriptor is Identify for a descriptor.
func (e *Engine[T]) IdentifyDescriptor(in *IdentifyDescriptorArgs) (Named, error) {
	if n := face.EncoderDim(e.gallery.Encoder()); len(in.Descriptor) != n {
		return Named{}, fmt.Errorf("identifyDescriptor: the gallery holds %s descriptors of %d numbers, found %d", e.gallery.Encoder(), n, len(in.Descriptor))
	}
	rule, err := e.rule("identifyDescriptor", in.IdentifyOptions)
	if err != nil {
		return Named{}, err
	}
	return e.named(in.Descriptor, rule), nil
}

// Named is Identify's answer for one descriptor
// (learn.Head.IdentifyMargin): name null when no one is named, distance
// and ruleScore null when no one is enrolled.
type Named struct {
	Name      *string    `js:"name"`
	Distance  float64    `js:"distance,finite"`
	RuleScore float64    `js:"ruleScore,finite"`
	Threshold float64    `js:"threshold"`
	Margin    float64    `js:"margin"`
	Head      *HeadScore `js:"head,omitempty"`
}

func (e *Engine[T]) named(enc []float32, rule fpir.Rule) Named {
	id := e.head.IdentifyMargin(e.gallery, enc, rule.Threshold, rule.Margin)
	r := Named{Distance: id.Distance, RuleScore: id.RuleScore, Threshold: rule.Threshold, Margin: rule.Margin}
	if id.Name != "" {
		r.Name = &id.Name
	}
	if e.head != nil {
		r.Head = e.headScore(id.HeadScore)
	}
	return r
}
