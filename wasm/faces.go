//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/tensor"
	"visage/core/vault"
	"visage/models/landmarks"
	"visage/models/ssd"
)

// photo reads the image argument at args[i] for op, after checking that the
// detector is loaded.
func (a *api) photo(args []js.Value, i int, op string) (*tensor.Tensor, error) {
	if a.live == nil {
		if a.net == nil {
			return nil, fmt.Errorf("%s called before load finished", op)
		}
		return nil, fmt.Errorf("%s needs the face detector, but load was given no %s", op, ssd.Manifest)
	}
	return imageOf(arg(args, i), op)
}

// detect(image, {chips, fast}?) → [{box, score, landmarks, descriptor, chip?}, …];
// with chips: true each face also has its aligned chip (the similarity
// chip) as RGBA pixels {width, height, data}. fast (default true) encodes
// that one chip, as the camera overlay needs; fast: false encodes as
// enroll, verify and identify decide (both chips and their mirrors), so that
// decide(a, b) on two such descriptors has the accuracy the README states.
func (a *api) detect(args []js.Value) (any, error) {
	img, err := a.photo(args, 0, "detect")
	if err != nil {
		return nil, err
	}
	withChips := false
	o, err := optionsOf(args, 1, "detect")
	if err != nil {
		return nil, err
	}
	if err := optionalBool(o, "detect", "chips", &withChips); err != nil {
		return nil, err
	}
	fast := true
	if err := optionalBool(o, "detect", "fast", &fast); err != nil {
		return nil, err
	}
	finder := a.live
	if !fast {
		finder = a.deciding
	}
	faces, err := finder.Faces(img)
	if errors.Is(err, face.ErrNoFace) {
		return []any{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]any, len(faces))
	for i, f := range faces {
		r := map[string]any{"box": boxJS(f.Box), "score": f.Score, "landmarks": pointsJS(f.Landmarks), "descriptor": float32Array(f.Encoding)}
		if withChips && a.pipeline != nil {
			chips, err := a.pipeline.Chips(img, f.Landmarks)
			if err != nil {
				return nil, err
			}
			r["chip"] = rgbaJS(chips[0])
		}
		out[i] = r
	}
	return out, nil
}

// detectFaces(image, {minConfidence, maxResults}?) → [{box, score}, …]:
// the detector alone, at face-api.js's SsdMobilenetv1Options (defaults 0.5
// and 100), best score first.
func (a *api) detectFaces(args []js.Value) (any, error) {
	p, img, err := a.steps(args, "detectFaces")
	if err != nil {
		return nil, err
	}
	opts := p.Options
	if o := arg(args, 1); !o.IsUndefined() {
		if o.Type() != js.TypeObject {
			return nil, fmt.Errorf("detectFaces: options must be an object, found %s", describe(o))
		}
		if v := o.Get("minConfidence"); !v.IsUndefined() {
			if opts.MinConfidence, err = numberOf(v, "detectFaces: minConfidence"); err != nil {
				return nil, err
			}
		}
		if v := o.Get("maxResults"); !v.IsUndefined() {
			n, err := numberOf(v, "detectFaces: maxResults")
			if err != nil {
				return nil, err
			}
			if n != math.Trunc(n) || n < 1 || n > math.MaxInt32 {
				return nil, fmt.Errorf("detectFaces: maxResults must be a whole number ≥ 1, found %v", n)
			}
			opts.MaxResults = int(n)
		}
		if !(opts.MinConfidence > 0 && opts.MinConfidence < 1) {
			return nil, fmt.Errorf("detectFaces: minConfidence must be in (0, 1), found %v", opts.MinConfidence)
		}
	}
	withOpts := *p
	withOpts.Options = opts
	dets, _, err := withOpts.Detect(img)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(dets))
	for i, d := range dets {
		out[i] = map[string]any{"box": boxJS(d.Box), "score": d.Score}
	}
	return out, nil
}

// landmarks(image, box) → [{x, y}, …68]: the landmark net alone on box
// (image pixels), as detect computes a face's landmarks.
func (a *api) landmarks(args []js.Value) (any, error) {
	p, img, err := a.steps(args, "landmarks")
	if err != nil {
		return nil, err
	}
	b := arg(args, 1)
	if b.Type() != js.TypeObject {
		return nil, fmt.Errorf("landmarks: box must be {x, y, width, height}, found %s", describe(b))
	}
	var box face.Box
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"x", &box.X}, {"y", &box.Y}, {"width", &box.W}, {"height", &box.H}} {
		if *f.dst, err = numberOf(b.Get(f.name), "landmarks: box."+f.name); err != nil {
			return nil, err
		}
		if math.IsNaN(*f.dst) || math.IsInf(*f.dst, 0) {
			return nil, fmt.Errorf("landmarks: box.%s must be finite, found %v", f.name, *f.dst)
		}
	}
	if !(box.W > 0 && box.H > 0) {
		return nil, fmt.Errorf("landmarks: box width and height must be > 0, found %v×%v", box.W, box.H)
	}
	pts, err := p.Landmarks68(img, box)
	if err != nil {
		return nil, fmt.Errorf("landmarks: %w", err)
	}
	return pointsJS(pts), nil
}

// steps returns the live pipeline, whose steps detectFaces and landmarks
// run one at a time, and op's image argument args[0].
func (a *api) steps(args []js.Value, op string) (*face.Pipeline, *tensor.Tensor, error) {
	img, err := a.photo(args, 0, op)
	if err != nil {
		return nil, nil, err
	}
	if a.pipeline == nil {
		return nil, nil, fmt.Errorf("%s needs the detection pipeline, which this Visage does not have", op)
	}
	return a.pipeline, img, nil
}

// identify(image) → [{box, score, name, distance}, …]
func (a *api) identify(args []js.Value) (any, error) {
	img, err := a.photo(args, 0, "identify")
	if err != nil {
		return nil, err
	}
	fast := false
	o, err := optionsOf(args, 1, "identify")
	if err != nil {
		return nil, err
	}
	if err := optionalBool(o, "identify", "fast", &fast); err != nil {
		return nil, err
	}
	rule, err := a.identifyRule(o, "identify")
	if err != nil {
		return nil, err
	}
	finder := a.deciding
	if fast {
		finder = a.live
	}
	faces, err := finder.Faces(img)
	if errors.Is(err, face.ErrNoFace) {
		faces, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]any, len(faces))
	for i, f := range faces {
		r := a.named(f.Encoding, rule)
		r["box"], r["score"] = boxJS(f.Box), f.Score
		out[i] = r
	}
	return out, nil
}

// identifyDescriptor(descriptor, {fpir}?) → {name, distance, threshold, head?}:
// identify's decision for a descriptor already computed (encode, detect).
func (a *api) identifyDescriptor(args []js.Value) (any, error) {
	d, err := descriptorOf(arg(args, 0))
	if err != nil {
		return nil, fmt.Errorf("identifyDescriptor: %w", err)
	}
	if n := face.EncoderDim(a.gallery.Encoder()); len(d) != n {
		return nil, fmt.Errorf("identifyDescriptor: the gallery holds %s descriptors of %d numbers, found %d", a.gallery.Encoder(), n, len(d))
	}
	o, err := optionsOf(args, 1, "identifyDescriptor")
	if err != nil {
		return nil, err
	}
	rule, err := a.identifyRule(o, "identifyDescriptor")
	if err != nil {
		return nil, err
	}
	return a.named(d, rule), nil
}

// identifyRule is fpir.For the gallery at options o's fpir (default
// fpir.DefaultTarget); op names the call in errors.
func (a *api) identifyRule(o js.Value, op string) (fpir.Rule, error) {
	target := fpir.DefaultTarget
	if x := field(o, "fpir"); !x.IsUndefined() {
		var err error
		if target, err = numberOf(x, op+": fpir"); err != nil {
			return fpir.Rule{}, err
		}
	}
	rule, err := fpir.For(a.gallery, target)
	if err != nil {
		return fpir.Rule{}, fmt.Errorf("%s: %w", op, err)
	}
	return rule, nil
}

// named is identify's answer for one descriptor (learn.Head.IdentifyMargin):
// {name, distance, ruleScore, threshold, margin, head?}, name null when no
// one is named, distance and ruleScore null when no one is enrolled.
func (a *api) named(enc []float32, rule fpir.Rule) map[string]any {
	id := a.head.IdentifyMargin(a.gallery, enc, rule.Threshold, rule.Margin)
	r := map[string]any{"name": nil, "distance": nil, "ruleScore": nil, "threshold": rule.Threshold, "margin": rule.Margin}
	if id.Name != "" {
		r["name"] = id.Name
	}
	if !math.IsInf(id.Distance, 1) {
		r["distance"] = id.Distance
	}
	if !math.IsInf(id.RuleScore, 1) && !math.IsNaN(id.RuleScore) {
		r["ruleScore"] = id.RuleScore
	}
	if a.head != nil {
		r["head"] = a.headJS(id.HeadScore)
	}
	return r
}

// enroll(name, image) → {name, samples, box, score}
func (a *api) enroll(args []js.Value) (any, error) {
	name, err := stringOf(arg(args, 0), "enroll: name")
	if err != nil {
		return nil, err
	}
	img, err := a.photo(args, 1, "enroll")
	if err != nil {
		return nil, err
	}
	f, err := a.enrolling.LargestFace(img)
	if err != nil {
		return nil, fmt.Errorf("enroll %q: %w", name, err)
	}
	thumb, err := vault.CutThumbnail(img, f.Box)
	if err != nil {
		return nil, err
	}
	samples, err := a.people.Enroll(name, a.gallery.Encoder(), f.Encoding, thumb)
	if err != nil {
		return nil, err
	}
	return map[string]any{"name": name, "samples": samples, "box": boxJS(f.Box), "score": f.Score}, nil
}

// verify(name, image) → {name, match, distance, threshold, box, score}
func (a *api) verify(args []js.Value) (any, error) {
	name, err := stringOf(arg(args, 0), "verify: name")
	if err != nil {
		return nil, err
	}
	if a.gallery.DescriptorCount(name) == 0 {
		return nil, fmt.Errorf("verify: no one called %q is enrolled", name)
	}
	img, err := a.photo(args, 1, "verify")
	if err != nil {
		return nil, err
	}
	f, err := a.deciding.LargestFace(img)
	if err != nil {
		return nil, fmt.Errorf("verify %q: %w", name, err)
	}
	match, dist, err := a.gallery.Verify(name, f.Encoding)
	if err != nil {
		return nil, err
	}
	r := map[string]any{
		"name": name, "match": match, "distance": dist, "threshold": a.gallery.Threshold(),
		"box": boxJS(f.Box), "score": f.Score,
	}
	if a.head != nil {
		match, score, err := a.head.Verify(a.gallery, name, f.Encoding)
		if err != nil {
			return nil, err
		}
		r["match"], r["head"] = match, a.headJS(score)
	}
	return r, nil
}

// boxJS is b as the JS API returns boxes: {x, y, width, height}.
func boxJS(b face.Box) map[string]any {
	return map[string]any{"x": b.X, "y": b.Y, "width": b.W, "height": b.H}
}

// pointsJS is pts as the JS API returns landmarks: [{x, y}, …].
func pointsJS(pts []landmarks.Point) []any {
	out := make([]any, len(pts))
	for i, p := range pts {
		out[i] = map[string]any{"x": p.X, "y": p.Y}
	}
	return out
}
