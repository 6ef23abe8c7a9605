package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"visage/core/face"
)

// SchemaVersion is the version of the record layout this package writes. It
// is stored in the clear in front of every sealed record and is part of the
// record's associated data (see AAD).
const SchemaVersion = 1

// DefaultEncoder is the encoder tag of descriptors from face-api.js's
// recognition network (dlib's ResNet): what every record made before encoder
// tags existed holds.
const DefaultEncoder = "dlib"

// Store keys: one per person, and one for the gallery's settings.
const (
	personPrefix = "person/"
	settingsKey  = "settings"
)

// Thumbnail is a small picture of a person's face: Width×Height RGBA pixels,
// 4 bytes a pixel, row by row.
type Thumbnail struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	RGBA   []byte `json:"rgba"`
}

// Person is one enrolled person's record.
type Person struct {
	ID          string      // stable for the person's life, renames included; the store key is "person/"+ID
	Name        string      // unique in a gallery, not blank
	Encoder     string      // the network the descriptors come from; DefaultEncoder when empty
	Created     int64       // orders people: enrollment order is ascending Created, then ID
	Descriptors [][]float32 // at least one, each face.EncoderDim(Encoder) finite numbers
	Thumbnail   *Thumbnail  // nil when there is no picture (an imported person)

	merged []string // ids of other records of this name that Reload merged into this one
}

// personJSON is a Person's plaintext record.
type personJSON struct {
	Version     int         `json:"version"`
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Encoder     string      `json:"encoder"`
	Created     int64       `json:"created"`
	Descriptors [][]float32 `json:"descriptors"`
	Thumbnail   *Thumbnail  `json:"thumbnail,omitempty"`
}

// settingsJSON is the settings record's plaintext.
type settingsJSON struct {
	Version   int      `json:"version"`
	Threshold *float64 `json:"threshold"`
}

// MarshalRecord returns p's plaintext record, after checking it (see
// CheckPerson). An empty Encoder is written as DefaultEncoder.
func MarshalRecord(p Person) ([]byte, error) {
	if err := CheckPerson(p); err != nil {
		return nil, err
	}
	enc := p.Encoder
	if enc == "" {
		enc = DefaultEncoder
	}
	return json.Marshal(personJSON{SchemaVersion, p.ID, p.Name, enc, p.Created, p.Descriptors, p.Thumbnail})
}

// UnmarshalRecord reads a plaintext record written by MarshalRecord under
// the store key id (the person's ID). Unknown fields, another schema version,
// an id other than the key's, and anything CheckPerson refuses are errors
// saying what was expected and what was found.
func UnmarshalRecord(id string, data []byte) (Person, error) {
	var r personJSON
	if err := decodeStrict(data, &r); err != nil {
		return Person{}, fmt.Errorf("vault: record %s: %w", id, err)
	}
	if r.Version != SchemaVersion {
		return Person{}, fmt.Errorf("vault: record %s has schema version %d, expected %d", id, r.Version, SchemaVersion)
	}
	if r.ID != id {
		return Person{}, fmt.Errorf("vault: record stored as %q says its id is %q", id, r.ID)
	}
	if r.Encoder == "" {
		return Person{}, fmt.Errorf("vault: record %s has no encoder tag", id)
	}
	p := Person{ID: r.ID, Name: r.Name, Encoder: r.Encoder, Created: r.Created, Descriptors: r.Descriptors, Thumbnail: r.Thumbnail}
	if err := CheckPerson(p); err != nil {
		return Person{}, err
	}
	return p, nil
}

// CheckPerson reports whether p can be stored: an id of letters, digits, '-'
// or '_', a name that is not blank, at least one descriptor of
// face.EncoderDim(Encoder) finite numbers, and a thumbnail (if any) whose RGBA
// holds Width×Height×4 bytes.
func CheckPerson(p Person) error {
	if p.ID == "" || strings.TrimLeft(p.ID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return fmt.Errorf("vault: a person's id must be letters, digits, '-' or '_', found %q", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		return fmt.Errorf("vault: person %s: a name must not be empty or blank, found %q", p.ID, p.Name)
	}
	if len(p.Descriptors) == 0 {
		return fmt.Errorf("vault: person %s (%q) has no descriptors", p.ID, p.Name)
	}
	encoder := p.Encoder
	if encoder == "" {
		encoder = DefaultEncoder
	}
	for i, d := range p.Descriptors {
		if err := face.CheckEncoderDescriptor(encoder, d); err != nil {
			return fmt.Errorf("vault: person %s (%q) descriptor %d: %w", p.ID, p.Name, i, err)
		}
	}
	if t := p.Thumbnail; t != nil {
		if t.Width <= 0 || t.Height <= 0 || t.Width > 1024 || t.Height > 1024 || len(t.RGBA) != t.Width*t.Height*4 {
			return fmt.Errorf("vault: person %s (%q): a thumbnail of 1..1024 × 1..1024 pixels needs width×height×4 bytes, found %dx%d with %d bytes",
				p.ID, p.Name, t.Width, t.Height, len(t.RGBA))
		}
	}
	return nil
}

// marshalSettings returns the settings record for threshold.
func marshalSettings(threshold float64) ([]byte, error) {
	if err := face.CheckThreshold(threshold); err != nil {
		return nil, err
	}
	return json.Marshal(settingsJSON{SchemaVersion, &threshold})
}

// unmarshalSettings reads a settings record, checking its version and
// threshold.
func unmarshalSettings(data []byte) (float64, error) {
	var s settingsJSON
	if err := decodeStrict(data, &s); err != nil {
		return 0, fmt.Errorf("vault: settings: %w", err)
	}
	if s.Version != SchemaVersion {
		return 0, fmt.Errorf("vault: settings have schema version %d, expected %d", s.Version, SchemaVersion)
	}
	if s.Threshold == nil {
		return 0, fmt.Errorf("vault: settings have no threshold")
	}
	if err := face.CheckThreshold(*s.Threshold); err != nil {
		return 0, fmt.Errorf("vault: settings: %w", err)
	}
	return *s.Threshold, nil
}

// decodeStrict unmarshals data into v, refusing unknown fields and trailing
// data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return fmt.Errorf("expected the end after the record, found more data")
	}
	return nil
}
