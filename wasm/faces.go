//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"visage/core/face"
	"visage/core/tensor"
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

// facesIn returns every face that the live pipeline finds in the image
// argument args[0] of op; a photo without faces is an empty result, not an
// error.
func (a *api) facesIn(args []js.Value, op string) ([]face.Face, error) {
	img, err := a.photo(args, 0, op)
	if err != nil {
		return nil, err
	}
	faces, err := a.live.Faces(img)
	if errors.Is(err, face.ErrNoFace) {
		return nil, nil
	}
	return faces, err
}

// detect(image) → [{box, score, landmarks, descriptor}, …]
func (a *api) detect(args []js.Value) (any, error) {
	faces, err := a.facesIn(args, "detect")
	if err != nil {
		return nil, err
	}
	out := make([]any, len(faces))
	for i, f := range faces {
		pts := make([]any, len(f.Landmarks))
		for j, p := range f.Landmarks {
			pts[j] = map[string]any{"x": p.X, "y": p.Y}
		}
		out[i] = map[string]any{"box": boxJS(f.Box), "score": f.Score, "landmarks": pts, "descriptor": float32Array(f.Encoding)}
	}
	return out, nil
}

// identify(image) → [{box, score, name, distance}, …]
func (a *api) identify(args []js.Value) (any, error) {
	faces, err := a.facesIn(args, "identify")
	if err != nil {
		return nil, err
	}
	out := make([]any, len(faces))
	for i, f := range faces {
		r := map[string]any{"box": boxJS(f.Box), "score": f.Score, "name": nil, "distance": nil}
		name, dist, ok := a.gallery.Identify(f.Encoding)
		if a.head != nil {
			name, dist, ok, r["head"] = a.headIdentify(f.Encoding)
		}
		if ok {
			r["name"] = name
		}
		if !math.IsInf(dist, 1) {
			r["distance"] = dist
		}
		out[i] = r
	}
	return out, nil
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
	if err := a.gallery.Enroll(name, f.Encoding); err != nil {
		return nil, err
	}
	return map[string]any{"name": name, "samples": a.gallery.DescriptorCount(name), "box": boxJS(f.Box), "score": f.Score}, nil
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
	f, err := a.live.LargestFace(img)
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
