package vault

import (
	"bytes"
	"encoding/json"
	"fmt"

	"visage/core/face"
)

// ThumbnailsField is the field a page export (ToFaceMatcher) adds beside
// face-api.js's FaceMatcher.toJSON layout: each person's thumbnail by name,
// so that a person imported from the file keeps their picture.
// FaceMatcher.fromJSON ignores it.
const ThumbnailsField = "thumbnails"

// maxThumbSide bounds a thumbnail read from a file, in pixels.
const maxThumbSide = 256

// FromFaceMatcher reads a gallery in face-api.js's FaceMatcher.toJSON layout
// (or a bare LabeledFaceDescriptors array; see face.Gallery.UnmarshalJSON,
// which checks all of it) as people for Replace, in its order, and its
// threshold. thumbs gives pictures by name (the browser's old store kept
// them beside the JSON); the file's own ThumbnailsField, when it has one,
// wins over them. A thumbnail for a name the gallery lacks is not used. The
// people have no ID yet and the DefaultEncoder tag.
func FromFaceMatcher(data []byte, thumbs map[string]Thumbnail) ([]Person, float64, error) {
	data, own, err := splitThumbnails(data)
	if err != nil {
		return nil, 0, err
	}
	if len(own) > 0 {
		merged := make(map[string]Thumbnail, len(thumbs)+len(own))
		for n, t := range thumbs {
			merged[n] = t
		}
		for n, t := range own {
			merged[n] = t
		}
		thumbs = merged
	}
	g := face.NewGallery()
	if err := g.UnmarshalJSON(data); err != nil {
		return nil, 0, err
	}
	return FromGallery(g, thumbs), g.Threshold(), nil
}

// splitThumbnails takes ThumbnailsField out of a FaceMatcher object, checking
// each thumbnail, and returns the rest. data without the field is returned
// as it is.
func splitThumbnails(data []byte) ([]byte, map[string]Thumbnail, error) {
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return data, nil, nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil || fields[ThumbnailsField] == nil {
		return data, nil, nil // the strict decoder reports what is wrong
	}
	var thumbs map[string]Thumbnail
	if err := decodeStrict(fields[ThumbnailsField], &thumbs); err != nil {
		return nil, nil, fmt.Errorf("vault: gallery JSON %q: %w", ThumbnailsField, err)
	}
	for n, t := range thumbs {
		if t.Width < 1 || t.Height < 1 || t.Width > maxThumbSide || t.Height > maxThumbSide || len(t.RGBA) != 4*t.Width*t.Height {
			return nil, nil, fmt.Errorf("vault: gallery JSON %q: %q's thumbnail is not %d×%d RGBA pixels of at most %d a side", ThumbnailsField, n, t.Width, t.Height, maxThumbSide)
		}
	}
	delete(fields, ThumbnailsField)
	rest, err := json.Marshal(fields)
	if err != nil {
		return nil, nil, err
	}
	return rest, thumbs, nil
}

// ToFaceMatcher writes g in face-api.js's FaceMatcher.toJSON layout with
// the people's thumbnails in ThumbnailsField (left out when nobody has
// one); FromFaceMatcher reads it back, pictures included.
func ToFaceMatcher(g *Gallery) ([]byte, error) {
	base, err := json.Marshal(g.Matcher())
	if err != nil {
		return nil, err
	}
	thumbs := map[string]Thumbnail{}
	for _, p := range g.People() {
		if p.Thumbnail != nil {
			thumbs[p.Name] = *p.Thumbnail
		}
	}
	if len(thumbs) == 0 {
		return base, nil
	}
	t, err := json.Marshal(thumbs)
	if err != nil {
		return nil, err
	}
	out := append(bytes.TrimRight(base, "}"), `,"`+ThumbnailsField+`":`...)
	return append(append(out, t...), '}'), nil
}

// FromGallery returns g's people for Replace, as FromFaceMatcher does, each
// tagged with g's encoder (DefaultEncoder for face-api.js's files, which
// name none).
func FromGallery(g *face.Gallery, thumbs map[string]Thumbnail) []Person {
	names := g.Names()
	people := make([]Person, len(names))
	for i, n := range names {
		people[i] = Person{Name: n, Encoder: g.Encoder(), Descriptors: g.Descriptors(n)}
		if t, ok := thumbs[n]; ok {
			people[i].Thumbnail = &t
		}
	}
	return people
}
