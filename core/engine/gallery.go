package engine

import (
	"errors"
	"fmt"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/vault"
)

// useGallery makes g the gallery (e.gallery is its matcher); stored says
// whether it is kept in a database.
func (e *Engine[T]) useGallery(g *vault.Gallery, stored bool) {
	e.people, e.gallery, e.stored = g, g.Matcher(), stored
}

// UseStoredGallery makes g, a gallery kept in a database (webvault's),
// the gallery. An empty g takes Load's encoder; one of another encoder is
// an error, and the gallery stays.
func (e *Engine[T]) UseStoredGallery(g *vault.Gallery) error {
	if err := g.HoldEncoder(face.EncoderName(e.encoder)); err != nil {
		return err
	}
	e.useGallery(g, true)
	return nil
}

// GalleryInfo is Gallery's result: people in enrollment order, Identify's
// rule at the default target FPIR for this many people.
type GalleryInfo struct {
	Threshold float64    `js:"threshold"`
	People    []Person   `js:"people"`
	Stored    bool       `js:"stored"`
	Identify  *fpir.Rule `js:"identify"`
}

// Person is one person of GalleryInfo.
type Person struct {
	Name      string  `js:"name"`
	Samples   int     `js:"samples"`
	Encoder   string  `js:"encoder"`
	Thumbnail *Pixels `js:"thumbnail"`
}

// Gallery lists the people enrolled.
func (e *Engine[T]) Gallery(*None) (GalleryInfo, error) {
	list := e.people.People()
	info := GalleryInfo{Threshold: e.gallery.Threshold(), People: make([]Person, len(list)), Stored: e.stored}
	for i, p := range list {
		info.People[i] = Person{Name: p.Name, Samples: len(p.Descriptors), Encoder: p.Encoder}
		if t := p.Thumbnail; t != nil {
			info.People[i].Thumbnail = &Pixels{t.Width, t.Height, t.RGBA}
		}
	}
	r, err := fpir.For(e.gallery, fpir.DefaultTarget)
	info.Identify = &r
	return info, err
}

// edit runs change and returns Gallery's result.
func (e *Engine[T]) edit(change func() error) (GalleryInfo, error) {
	if err := change(); err != nil {
		return GalleryInfo{}, err
	}
	return e.Gallery(nil)
}

// RemovePerson removes a person and their samples.
func (e *Engine[T]) RemovePerson(in *struct {
	Name string `js:"name"`
}) (GalleryInfo, error) {
	return e.edit(func() error { return e.people.Remove(in.Name) })
}

// RenamePerson renames a person, unless the new name is taken.
func (e *Engine[T]) RenamePerson(in *struct {
	Old string `js:"old name"`
	New string `js:"new name"`
}) (GalleryInfo, error) {
	return e.edit(func() error { return e.people.Rename(in.Old, in.New) })
}

// SetThreshold chooses the gallery's threshold, which then decides
// Identify too.
func (e *Engine[T]) SetThreshold(in *struct {
	T float64 `js:"threshold"`
}) (GalleryInfo, error) {
	return e.edit(func() error { return e.people.SetThreshold(in.T) })
}

// ClearGallery removes everyone, keeping the threshold.
func (e *Engine[T]) ClearGallery(*None) (GalleryInfo, error) { return e.edit(e.people.Clear) }

// ImportGallery replaces the gallery with face-api.js's FaceMatcher JSON.
func (e *Engine[T]) ImportGallery(in *struct {
	Text string `js:"json"`
}) (GalleryInfo, error) {
	return e.edit(func() error {
		if err := e.people.ImportFaceMatcher([]byte(in.Text)); err != nil {
			return fmt.Errorf("importGallery: %w", err)
		}
		return nil
	})
}

// ExportGallery writes the gallery as face-api.js's FaceMatcher.toJSON.
func (e *Engine[T]) ExportGallery(*None) (string, error) {
	data, err := vault.ToFaceMatcher(e.people)
	return string(data), err
}

// ExportEncrypted writes the gallery sealed with a passphrase
// (vault.Gallery.ExportFile).
func (e *Engine[T]) ExportEncrypted(in *struct {
	Passphrase string `js:"passphrase"`
}) (string, error) {
	data, err := e.people.ExportFile([]byte(in.Passphrase))
	return string(data), err
}

// ImportEncrypted replaces the gallery with a file ExportEncrypted wrote.
func (e *Engine[T]) ImportEncrypted(in *struct {
	Text       string `js:"file"`
	Passphrase string `js:"passphrase"`
}) (GalleryInfo, error) {
	return e.edit(func() error {
		err := e.people.ImportFile([]byte(in.Text), []byte(in.Passphrase))
		if errors.Is(err, vault.ErrOpen) {
			return errors.New("importEncrypted: wrong passphrase; nothing was changed")
		}
		return err
	})
}
