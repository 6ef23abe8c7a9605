package vault

import "visage/core/face"

// This file holds what the page does with a whole gallery: start one in
// memory, bind it to the encoder the networks run, and move it in and out of
// files (face-api.js's FaceMatcher layout in the clear, or FileFormat
// sealed by a passphrase).

// InMemory returns an empty gallery in memory, in the clear.
func InMemory() *Gallery {
	g, err := Open(&MemStore{}, Unsealed{})
	if err != nil {
		panic(err) // an empty MemStore always opens
	}
	return g
}

// HoldEncoder makes g hold the descriptors of the encoder called name: an
// empty gallery takes that encoder and its default threshold (its matcher
// stays the same pointer); one holding another encoder's people is an error
// naming both.
func (g *Gallery) HoldEncoder(name string) error {
	if g.match.Encoder() == name {
		return nil
	}
	if g.match.Len() > 0 {
		return g.match.CheckEncoder(name)
	}
	fresh, err := face.NewGalleryFor(name)
	if err != nil {
		return err
	}
	g.match.Replace(fresh)
	return nil
}

// ImportFaceMatcher replaces g's people and threshold with data's, a
// FaceMatcher.toJSON file (FromFaceMatcher), only when all of data is valid
// and its encoder is g's: dlib for face-api.js's files, which name none;
// ToFaceMatcher names any other. A person keeps their thumbnail when the
// file keeps their name and brings none.
func (g *Gallery) ImportFaceMatcher(data []byte) error {
	thumbs := map[string]Thumbnail{}
	for _, p := range g.People() {
		if p.Thumbnail != nil {
			thumbs[p.Name] = *p.Thumbnail
		}
	}
	people, threshold, err := FromFaceMatcher(data, thumbs)
	if err != nil {
		return err
	}
	encoder := face.EncoderDlib
	if len(people) > 0 {
		encoder = people[0].Encoder
	}
	if err := g.match.CheckEncoder(encoder); err != nil {
		return err
	}
	return g.Replace(people, threshold)
}

// ExportFile returns g, thumbnails included, as a gallery file sealed by
// passphrase (FileFormat: PBKDF2-HMAC-SHA256 with PBKDF2Iterations rounds,
// AES-256-GCM records).
func (g *Gallery) ExportFile(passphrase []byte) ([]byte, error) {
	key, err := NewFileKey(passphrase)
	if err != nil {
		return nil, err
	}
	store := &MemStore{}
	sealed, err := Open(store, key.Sealer())
	if err != nil {
		return nil, err
	}
	if err := sealed.Replace(g.People(), g.match.Threshold()); err != nil {
		return nil, err
	}
	return WriteFile(store, key)
}

// ImportFile replaces g's people and threshold with those of data, an
// ExportFile file opened with passphrase; a wrong passphrase is an error
// wrapping ErrOpen, and changes nothing.
func (g *Gallery) ImportFile(data, passphrase []byte) error {
	store, key, err := ReadFile(data, func() ([]byte, error) { return passphrase, nil })
	if err != nil {
		return err
	}
	in, err := Open(store, key.Sealer())
	if err != nil {
		return err
	}
	return g.Replace(in.People(), in.match.Threshold())
}
