//go:build js && wasm

package webvault

import "visage/core/vault"

// OpenGallery opens the gallery kept in d with p's key (Key), after moving
// in what the older page left there (Migrate); migrated is how many people
// that moved.
func (d *DB) OpenGallery(p Protection) (g *vault.Gallery, migrated int, err error) {
	sealer, err := d.Key(p)
	if err != nil {
		return nil, 0, err
	}
	if migrated, err = d.Migrate(sealer); err != nil {
		return nil, 0, err
	}
	if g, err = vault.Open(d, sealer); err != nil {
		return nil, 0, err
	}
	return g, migrated, nil
}
