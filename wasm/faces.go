//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/models/ssd"
)

// detector is an error unless load loaded the face detector.
func (a *api) detector(op string) error {
	switch {
	case a.live == nil && a.net == nil:
		return fmt.Errorf("%s called before load finished", op)
	case a.live == nil:
		return fmt.Errorf("%s needs the face detector, but load was given no %s", op, ssd.Manifest)
	}
	return nil
}

// pipelineSteps is detector, and an error unless the detection pipeline
// is there to run its steps one at a time (detectFaces, landmarks).
func (a *api) pipelineSteps(op string) error {
	if err := a.detector(op); err != nil || a.pipeline != nil {
		return err
	}
	return fmt.Errorf("%s needs the detection pipeline, which this Visage does not have", op)
}

// faces runs finder (a.live, or a.deciding when decide) on img: none is
// an empty list.
func (a *api) faces(img *tensor.Tensor, decide bool) ([]face.Face, error) {
	finder := a.live
	if decide {
		finder = a.deciding
	}
	faces, err := finder.Faces(img)
	if errors.Is(err, face.ErrNoFace) {
		return nil, nil
	}
	return faces, err
}

type detectArgs struct {
	Image   image
	Options struct {
		Chips bool `js:"chips,omitempty"`
		Fast  bool `js:"fast,omitempty"` // one chip a face, as the camera overlay needs; false: as enroll, verify and identify decide
	} `js:"options,flat,omitempty"`
}

func (in *detectArgs) defaults() { in.Options.Fast = true }

// detected is one face of detect's result.
type detected struct {
	face.Face
	Chip *pixels `js:"chip,omitempty"`
}

func (a *api) detect(in *detectArgs) (any, error) {
	faces, err := a.faces(in.Image.Tensor, !in.Options.Fast)
	if err != nil {
		return nil, err
	}
	out := make([]detected, len(faces))
	for i, f := range faces {
		out[i].Face = f
		if in.Options.Chips && a.pipeline != nil {
			chips, err := a.pipeline.Chips(in.Image.Tensor, f.Landmarks)
			if err != nil {
				return nil, err
			}
			chip := pixelsOf(chips[0])
			out[i].Chip = &chip
		}
	}
	return out, nil
}

// detectFacesArgs' options are face-api.js's SsdMobilenetv1Options; nil:
// the pipeline's.
type detectFacesArgs struct {
	Image   image
	Options struct {
		MinConfidence *float64 `js:"minConfidence,omitempty"`
		MaxResults    *float64 `js:"maxResults,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *detectFacesArgs) check() error {
	if n := in.Options.MaxResults; n != nil && (*n != math.Trunc(*n) || *n < 1 || *n > math.MaxInt32) {
		return fmt.Errorf("detectFaces: maxResults must be a whole number ≥ 1, found %v", *n)
	}
	if c := in.Options.MinConfidence; c != nil && !(*c > 0 && *c < 1) {
		return fmt.Errorf("detectFaces: minConfidence must be in (0, 1), found %v", *c)
	}
	return nil
}

func (a *api) detectFaces(in *detectFacesArgs) (any, error) {
	p := *a.pipeline
	if c := in.Options.MinConfidence; c != nil {
		p.Options.MinConfidence = *c
	}
	if n := in.Options.MaxResults; n != nil {
		p.Options.MaxResults = int(*n)
	}
	dets, _, err := p.Detect(in.Image.Tensor)
	return dets, err
}

type landmarksArgs struct {
	Image image
	Box   face.Box `js:"box"`
}

func (in *landmarksArgs) check() error {
	if b := in.Box; !(b.W > 0 && b.H > 0) {
		return fmt.Errorf("landmarks: box width and height must be > 0, found %v×%v", b.W, b.H)
	}
	return nil
}

func (a *api) landmarks(in *landmarksArgs) (any, error) {
	pts, err := a.pipeline.Landmarks68(in.Image.Tensor, in.Box)
	if err != nil {
		return nil, fmt.Errorf("landmarks: %w", err)
	}
	return pts, nil
}

// identifyOptions are identify's and identifyDescriptor's options.
type identifyOptions struct {
	Fast bool    `js:"fast,omitempty"` // identify's only
	FPIR float64 `js:"fpir,omitempty"`
}

func (o *identifyOptions) defaults() { o.FPIR = fpir.DefaultTarget }

// rule is fpir.For the gallery at o's FPIR; op names the call in errors.
func (a *api) rule(op string, o identifyOptions) (fpir.Rule, error) {
	rule, err := fpir.For(a.gallery, o.FPIR)
	if err != nil {
		return rule, fmt.Errorf("%s: %w", op, err)
	}
	return rule, nil
}

type identifyArgs struct {
	Image           image
	identifyOptions `js:"options,flat,omitempty"`
}

func (a *api) identify(in *identifyArgs) (any, error) {
	rule, err := a.rule("identify", in.identifyOptions)
	if err != nil {
		return nil, err
	}
	faces, err := a.faces(in.Image.Tensor, !in.Fast)
	if err != nil {
		return nil, err
	}
	type identified struct {
		ssd.Detection
		named
	}
	out := make([]identified, len(faces))
	for i, f := range faces {
		out[i] = identified{ssd.Detection{Box: f.Box, Score: f.Score}, a.named(f.Encoding, rule)}
	}
	return out, nil
}

type identifyDescriptorArgs struct {
	Descriptor      descriptor
	identifyOptions `js:"options,flat,omitempty"`
}

func (a *api) identifyDescriptor(in *identifyDescriptorArgs) (any, error) {
	if n := face.EncoderDim(a.gallery.Encoder()); len(in.Descriptor) != n {
		return nil, fmt.Errorf("identifyDescriptor: the gallery holds %s descriptors of %d numbers, found %d", a.gallery.Encoder(), n, len(in.Descriptor))
	}
	rule, err := a.rule("identifyDescriptor", in.identifyOptions)
	if err != nil {
		return nil, err
	}
	return a.named(in.Descriptor, rule), nil
}

// named is identify's answer for one descriptor
// (learn.Head.IdentifyMargin): name null when no one is named, distance
// and ruleScore null when no one is enrolled.
type named struct {
	Name      *string    `js:"name"`
	Distance  float64    `js:"distance,finite"`
	RuleScore float64    `js:"ruleScore,finite"`
	Threshold float64    `js:"threshold"`
	Margin    float64    `js:"margin"`
	Head      *headScore `js:"head,omitempty"`
}

func (a *api) named(enc []float32, rule fpir.Rule) named {
	id := a.head.IdentifyMargin(a.gallery, enc, rule.Threshold, rule.Margin)
	r := named{Distance: id.Distance, RuleScore: id.RuleScore, Threshold: rule.Threshold, Margin: rule.Margin}
	if id.Name != "" {
		r.Name = &id.Name
	}
	if a.head != nil {
		r.Head = a.headScore(id.HeadScore)
	}
	return r
}

// personArgs are enroll's and verify's arguments.
type personArgs struct {
	Name  string `js:"name"`
	Image image
}

func (a *api) enroll(in *personArgs) (any, error) {
	f, err := a.enrolling.LargestFace(in.Image.Tensor)
	if err != nil {
		return nil, fmt.Errorf("enroll %q: %w", in.Name, err)
	}
	thumb, err := vault.CutThumbnail(in.Image.Tensor, f.Box)
	if err != nil {
		return nil, err
	}
	samples, err := a.people.Enroll(in.Name, a.gallery.Encoder(), f.Encoding, thumb)
	return struct {
		Name    string `js:"name"`
		Samples int    `js:"samples"`
		ssd.Detection
	}{in.Name, samples, ssd.Detection{Box: f.Box, Score: f.Score}}, err
}

func (a *api) verify(in *personArgs) (any, error) {
	if a.gallery.DescriptorCount(in.Name) == 0 {
		return nil, fmt.Errorf("verify: no one called %q is enrolled", in.Name)
	}
	f, err := a.deciding.LargestFace(in.Image.Tensor)
	if err != nil {
		return nil, fmt.Errorf("verify %q: %w", in.Name, err)
	}
	match, dist, err := a.gallery.Verify(in.Name, f.Encoding)
	if err != nil {
		return nil, err
	}
	v := struct {
		Name string `js:"name"`
		comparison
		ssd.Detection
	}{in.Name, comparison{Distance: dist, Match: match, Threshold: a.gallery.Threshold()}, ssd.Detection{Box: f.Box, Score: f.Score}}
	if a.head != nil {
		match, score, err := a.head.Verify(a.gallery, in.Name, f.Encoding)
		if err != nil {
			return nil, err
		}
		v.Match, v.Head = match, a.headScore(score)
	}
	return v, nil
}
