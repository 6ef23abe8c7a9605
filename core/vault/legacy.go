package vault

import (
	"visage/core/face"
)

// FromFaceMatcher reads a gallery in face-api.js's FaceMatcher.toJSON layout
// (or a bare LabeledFaceDescriptors array; see face.Gallery.UnmarshalJSON,
// which checks all of it) as people for Replace, in its order, and its
// threshold. thumbs gives pictures by name (the browser's old store kept
// them beside the JSON); a thumbnail for a name the gallery lacks is not
// used. The people have no ID yet and the DefaultEncoder tag.
func FromFaceMatcher(data []byte, thumbs map[string]Thumbnail) ([]Person, float64, error) {
	g := face.NewGallery()
	if err := g.UnmarshalJSON(data); err != nil {
		return nil, 0, err
	}
	return FromGallery(g, thumbs), g.Threshold(), nil
}

// FromGallery returns g's people for Replace, as FromFaceMatcher does.
func FromGallery(g *face.Gallery, thumbs map[string]Thumbnail) []Person {
	names := g.Names()
	people := make([]Person, len(names))
	for i, n := range names {
		people[i] = Person{Name: n, Encoder: DefaultEncoder, Descriptors: g.Descriptors(n)}
		if t, ok := thumbs[n]; ok {
			people[i].Thumbnail = &t
		}
	}
	return people
}
