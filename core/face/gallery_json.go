package face

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// galleryJSON is face-api.js's FaceMatcher.toJSON layout.
type galleryJSON struct {
	DistanceThreshold  *float64       `json:"distanceThreshold"`
	LabeledDescriptors *[]labeledJSON `json:"labeledDescriptors"`
	// Encoder is Visage's addition: the encoder of every descriptor
	// (absent: dlib, as every FaceMatcher file is).
	Encoder *string `json:"encoder,omitempty"`
}

// labeledJSON is face-api.js's LabeledFaceDescriptors.toJSON layout. Numbers
// are pointers so that a null is reported rather than read as 0.
type labeledJSON struct {
	Label       *string      `json:"label"`
	Descriptors [][]*float64 `json:"descriptors"`
}

// MarshalJSON writes g in face-api.js's FaceMatcher.toJSON layout:
//
//	{"distanceThreshold":0.6,"labeledDescriptors":[{"label":"…","descriptors":[[128 numbers],…]},…]}
//
// which FaceMatcher.fromJSON reads back; a gallery of another encoder than
// dlib adds "encoder":"mobilefacenet" (FaceMatcher cannot use it).
func (g *Gallery) MarshalJSON() ([]byte, error) {
	type labeled struct {
		Label       string      `json:"label"`
		Descriptors [][]float32 `json:"descriptors"`
	}
	out := struct {
		DistanceThreshold  float64   `json:"distanceThreshold"`
		LabeledDescriptors []labeled `json:"labeledDescriptors"`
		Encoder            string    `json:"encoder,omitempty"`
	}{g.threshold, make([]labeled, len(g.people)), g.encoder}
	for i, p := range g.people {
		out.LabeledDescriptors[i] = labeled{p.label, p.descriptors}
	}
	return json.Marshal(out)
}

// UnmarshalJSON replaces g's contents with data, which is either the
// FaceMatcher.toJSON layout written by MarshalJSON (a missing distanceThreshold
// means DefaultThreshold, as in FaceMatcher) or a bare array of
// LabeledFaceDescriptors ([{"label":…,"descriptors":[…]},…], threshold
// DefaultThreshold), both dlib's unless the object says "encoder" (Visage's
// own key; the descriptors must then have that encoder's length, and a
// missing distanceThreshold is that encoder's). Everything is checked before g changes: unknown fields,
// labels that are missing, blank or repeated, people without descriptors,
// descriptors that are not DescriptorLen finite float32 numbers, and a
// distanceThreshold outside (0, MaxThreshold] (see CheckThreshold) are errors
// naming the field or the person and descriptor.
func (g *Gallery) UnmarshalJSON(data []byte) error {
	var doc galleryJSON
	var list []labeledJSON
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		if err := decodeStrict(data, &list); err != nil {
			return err
		}
	} else {
		if err := decodeStrict(data, &doc); err != nil {
			return err
		}
		if doc.LabeledDescriptors == nil {
			return fmt.Errorf("face: gallery JSON must have \"labeledDescriptors\" (an array), found none")
		}
		list = *doc.LabeledDescriptors
	}
	encoder := EncoderDlib
	if doc.Encoder != nil {
		encoder = *doc.Encoder
		if err := CheckEncoderName(encoder); err != nil {
			return fmt.Errorf("face: gallery JSON \"encoder\": %w", err)
		}
	}
	threshold := EncoderThreshold(encoder)
	if doc.DistanceThreshold != nil {
		threshold = *doc.DistanceThreshold
	}
	if err := thresholdError(`gallery JSON "distanceThreshold"`, threshold); err != nil {
		return err
	}
	people, err := peopleFromJSON(list, EncoderDim(encoder))
	if err != nil {
		return err
	}
	g.threshold, g.people, g.encoder = threshold, people, encoder
	if encoder == EncoderDlib {
		g.encoder = ""
	}
	g.search.forget()
	return nil
}

// decodeStrict unmarshals data into v, refusing unknown fields (which a later
// save would silently drop) and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("face: gallery JSON: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return fmt.Errorf("face: gallery JSON: expected the end after the gallery, found more data")
	}
	return nil
}

// peopleFromJSON validates list and converts it to people.
func peopleFromJSON(list []labeledJSON, dim int) ([]person, error) {
	people := make([]person, len(list))
	seen := make(map[string]bool, len(list))
	for i, ld := range list {
		if ld.Label == nil {
			return nil, fmt.Errorf("face: gallery entry %d has no \"label\"", i)
		}
		label := *ld.Label
		if err := labelError(label); err != nil {
			return nil, fmt.Errorf("face: gallery entry %d: %w", i, err)
		}
		if seen[label] {
			return nil, fmt.Errorf("face: gallery entry %d: label %q appears more than once", i, label)
		}
		seen[label] = true
		if len(ld.Descriptors) == 0 {
			return nil, fmt.Errorf("face: gallery entry %d (%q) has no descriptors", i, label)
		}
		p := person{label: label, descriptors: make([][]float32, len(ld.Descriptors))}
		for j, d := range ld.Descriptors {
			enc, err := descriptorFromJSON(d, dim)
			if err != nil {
				return nil, fmt.Errorf("face: gallery entry %d (%q) descriptor %d: %w", i, label, j, err)
			}
			p.descriptors[j] = enc
		}
		people[i] = p
	}
	return people, nil
}

// descriptorFromJSON converts one decoded descriptor, refusing nulls, values
// beyond float32's range and wrong lengths.
func descriptorFromJSON(d []*float64, dim int) ([]float32, error) {
	if len(d) != dim {
		return nil, fmt.Errorf("descriptor must have %d numbers, found %d", dim, len(d))
	}
	enc := make([]float32, len(d))
	for k, v := range d {
		if v == nil {
			return nil, fmt.Errorf("descriptor value %d must be a number, found null", k)
		}
		if math.Abs(*v) > math.MaxFloat32 {
			return nil, fmt.Errorf("descriptor value %d must fit a float32, found %v", k, *v)
		}
		enc[k] = float32(*v)
	}
	return enc, nil
}
