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

// photo reads the image argument v for r's call, after checking that the
// detector is loaded; steps also checks for the pipeline whose steps
// detectFaces and landmarks run one at a time.
func (a *api) photo(r *reader, v js.Value, steps bool) *tensor.Tensor {
	switch {
	case r.err != nil:
	case a.live == nil && a.net == nil:
		r.check(fmt.Errorf("%s called before load finished", r.op))
	case a.live == nil:
		r.check(fmt.Errorf("%s needs the face detector, but load was given no %s", r.op, ssd.Manifest))
	case steps && a.pipeline == nil:
		r.check(fmt.Errorf("%s needs the detection pipeline, which this Visage does not have", r.op))
	}
	return r.image(v, "")
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

// detect(image, {chips, fast}?) → [{box, score, landmarks, descriptor, chip?}, …];
// with chips: true each face also has its aligned chip (the similarity
// chip) as RGBA pixels {width, height, data}. fast (default true) encodes
// that one chip, as the camera overlay needs; fast: false encodes as
// enroll, verify and identify decide (both chips and their mirrors), so that
// decide(a, b) on two such descriptors has the accuracy the README states.
func (a *api) detect(args []js.Value) (any, error) {
	r := argsOf("detect", args)
	img, o := a.photo(r, r.arg(0), false), r.options(1)
	withChips, fast := r.optBool(o, "chips", false), r.optBool(o, "fast", true)
	if r.err != nil {
		return nil, r.err
	}
	faces, err := a.faces(img, !fast)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(faces))
	for i, f := range faces {
		d := map[string]any{"box": boxJS(f.Box), "score": f.Score, "landmarks": pointsJS(f.Landmarks), "descriptor": float32Array(f.Encoding)}
		if withChips && a.pipeline != nil {
			chips, err := a.pipeline.Chips(img, f.Landmarks)
			if err != nil {
				return nil, err
			}
			d["chip"] = rgbaJS(chips[0])
		}
		out[i] = d
	}
	return out, nil
}

// detectFaces(image, {minConfidence, maxResults}?) → [{box, score}, …]:
// the detector alone, at face-api.js's SsdMobilenetv1Options (defaults 0.5
// and 100), best score first.
func (a *api) detectFaces(args []js.Value) (any, error) {
	r := argsOf("detectFaces", args)
	img, o := a.photo(r, r.arg(0), true), r.options(1)
	if r.err != nil {
		return nil, r.err
	}
	p := *a.pipeline
	p.Options.MinConfidence = r.optNumber(o, "minConfidence", p.Options.MinConfidence)
	if n := r.optNumber(o, "maxResults", float64(p.Options.MaxResults)); n != math.Trunc(n) || n < 1 || n > math.MaxInt32 {
		r.failf("maxResults must be a whole number ≥ 1, found %v", n)
	} else {
		p.Options.MaxResults = int(n)
	}
	if c := p.Options.MinConfidence; !(c > 0 && c < 1) {
		r.failf("minConfidence must be in (0, 1), found %v", c)
	}
	if r.err != nil {
		return nil, r.err
	}
	dets, _, err := p.Detect(img)
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
	r := argsOf("landmarks", args)
	img, b := a.photo(r, r.arg(0), true), r.arg(1)
	if b.Type() != js.TypeObject {
		r.failf("box must be {x, y, width, height}, found %s", describe(b))
	}
	box := face.Box{X: r.finite(field(b, "x"), "box.x"), Y: r.finite(field(b, "y"), "box.y"), W: r.finite(field(b, "width"), "box.width"), H: r.finite(field(b, "height"), "box.height")}
	if r.err == nil && !(box.W > 0 && box.H > 0) {
		r.failf("box width and height must be > 0, found %v×%v", box.W, box.H)
	}
	if r.err != nil {
		return nil, r.err
	}
	pts, err := a.pipeline.Landmarks68(img, box)
	if err != nil {
		return nil, fmt.Errorf("landmarks: %w", err)
	}
	return pointsJS(pts), nil
}

// identify(image, {fast, fpir}?) → [{box, score, name, distance, ruleScore, threshold, margin, head?}, …]
func (a *api) identify(args []js.Value) (any, error) {
	r := argsOf("identify", args)
	img, o := a.photo(r, r.arg(0), false), r.options(1)
	fast, rule := r.optBool(o, "fast", false), a.identifyRule(r, o)
	if r.err != nil {
		return nil, r.err
	}
	faces, err := a.faces(img, !fast)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(faces))
	for i, f := range faces {
		n := a.named(f.Encoding, rule)
		n["box"], n["score"] = boxJS(f.Box), f.Score
		out[i] = n
	}
	return out, nil
}

// identifyDescriptor(descriptor, {fpir}?) → {name, distance, ruleScore, threshold, margin, head?}:
// identify's decision for a descriptor already computed (encode, detect).
func (a *api) identifyDescriptor(args []js.Value) (any, error) {
	r := argsOf("identifyDescriptor", args)
	d, err := descriptorOf(r.arg(0))
	if err != nil {
		r.failf("%w", err)
	} else if n := face.EncoderDim(a.gallery.Encoder()); len(d) != n {
		r.failf("the gallery holds %s descriptors of %d numbers, found %d", a.gallery.Encoder(), n, len(d))
	}
	rule := a.identifyRule(r, r.options(1))
	if r.err != nil {
		return nil, r.err
	}
	return a.named(d, rule), nil
}

// identifyRule is fpir.For the gallery at options o's fpir (default
// fpir.DefaultTarget).
func (a *api) identifyRule(r *reader, o js.Value) fpir.Rule {
	rule, err := fpir.For(a.gallery, r.optNumber(o, "fpir", fpir.DefaultTarget))
	if err != nil {
		r.failf("%w", err)
	}
	return rule
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
	r := argsOf("enroll", args)
	name := r.str(r.arg(0), "name")
	img := a.photo(r, r.arg(1), false)
	if r.err != nil {
		return nil, r.err
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

// verify(name, image) → {name, match, distance, threshold, box, score, head?}
func (a *api) verify(args []js.Value) (any, error) {
	r := argsOf("verify", args)
	name := r.str(r.arg(0), "name")
	if r.err == nil && a.gallery.DescriptorCount(name) == 0 {
		r.failf("no one called %q is enrolled", name)
	}
	img := a.photo(r, r.arg(1), false)
	if r.err != nil {
		return nil, r.err
	}
	f, err := a.deciding.LargestFace(img)
	if err != nil {
		return nil, fmt.Errorf("verify %q: %w", name, err)
	}
	match, dist, err := a.gallery.Verify(name, f.Encoding)
	if err != nil {
		return nil, err
	}
	v := map[string]any{"name": name, "match": match, "distance": dist, "threshold": a.gallery.Threshold(), "box": boxJS(f.Box), "score": f.Score}
	if a.head != nil {
		match, score, err := a.head.Verify(a.gallery, name, f.Encoding)
		if err != nil {
			return nil, err
		}
		v["match"], v["head"] = match, a.headJS(score)
	}
	return v, nil
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
