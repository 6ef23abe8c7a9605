//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/vault"
	"visage/core/vault/webvault"
)

// setGallery makes g the api's gallery (a.gallery is its matcher).
func (a *api) setGallery(g *vault.Gallery) {
	a.people, a.gallery = g, g.Matcher()
}

// galleryInfo: gallery() → {threshold, stored, people: [{name, samples,
// encoder, thumbnail: {width, height, data: Uint8ClampedArray RGBA} | null},
// …], identify}, people in enrollment order; identify is identify's rule
// at the default target FPIR for this many people: {threshold, margin, why,
// expected: {fpir, fnir, target, note} | null}, expected null when the
// gallery's own threshold decides.
func (a *api) galleryInfo([]js.Value) (any, error) {
	list := a.people.People()
	people := make([]any, len(list))
	for i, p := range list {
		var thumb any
		if t := p.Thumbnail; t != nil {
			thumb = map[string]any{"width": t.Width, "height": t.Height, "data": uint8ClampedJS(t.RGBA)}
		}
		people[i] = map[string]any{"name": p.Name, "samples": len(p.Descriptors), "encoder": p.Encoder, "thumbnail": thumb}
	}
	r, err := fpir.For(a.gallery, fpir.DefaultTarget)
	if err != nil {
		return nil, err
	}
	rule := map[string]any{"threshold": r.Threshold, "margin": r.Margin, "why": r.Why, "expected": nil}
	if e := r.Expected; e != nil {
		rule["expected"] = map[string]any{"fpir": e.FPIR, "fnir": e.FNIR, "target": e.Target, "note": e.Note}
	}
	return map[string]any{"threshold": a.gallery.Threshold(), "people": people, "stored": a.vaultDB != nil, "identify": rule}, nil
}

// edit runs change, unless r met a bad argument, and returns gallery().
func (a *api) edit(r *reader, change func() error) (any, error) {
	if r.err == nil {
		r.check(change())
	}
	if r.err != nil {
		return nil, r.err
	}
	return a.galleryInfo(nil)
}

// removePerson(name) → gallery()
func (a *api) remove(args []js.Value) (any, error) {
	r := argsOf("removePerson", args)
	name := r.str(r.arg(0), "name")
	return a.edit(r, func() error { return a.people.Remove(name) })
}

// renamePerson(old, new) → gallery()
func (a *api) rename(args []js.Value) (any, error) {
	r := argsOf("renamePerson", args)
	old, name := r.str(r.arg(0), "old name"), r.str(r.arg(1), "new name")
	return a.edit(r, func() error { return a.people.Rename(old, name) })
}

// setThreshold(t) → gallery()
func (a *api) setThreshold(args []js.Value) (any, error) {
	r := argsOf("setThreshold", args)
	t := r.num(r.arg(0), "threshold")
	return a.edit(r, func() error { return a.people.SetThreshold(t) })
}

// clearGallery() → gallery(): forgets everyone; the threshold stays.
func (a *api) clear(args []js.Value) (any, error) {
	return a.edit(argsOf("clearGallery", args), a.people.Clear)
}

// importGallery(json) → gallery(), see vault.Gallery.ImportFaceMatcher.
func (a *api) importGallery(args []js.Value) (any, error) {
	r := argsOf("importGallery", args)
	text := r.str(r.arg(0), "json")
	return a.edit(r, func() error {
		if err := a.people.ImportFaceMatcher([]byte(text)); err != nil {
			return fmt.Errorf("importGallery: %w", err)
		}
		return nil
	})
}

// exportGallery() → string in FaceMatcher.toJSON's layout, with the
// thumbnails beside it (vault.ToFaceMatcher), so that an import of the file
// into an emptied gallery shows the people's pictures again.
func (a *api) exportGallery([]js.Value) (any, error) {
	data, err := vault.ToFaceMatcher(a.people)
	return string(data), err
}

// openVault({database, keyProtection, passphrase?, prfOutput?,
// credentialId?, prfSalt?}, onChange?) → gallery() & {migrated}: keeps the
// gallery from now on in IndexedDB database (sealed records, see
// core/vault/webvault), its key protected as keyProtection says ('device',
// 'passphrase' or 'webauthn-prf', with the secret beside it), after moving
// in what the older page (web/store.js) saved there. The gallery in memory
// is replaced by the stored one. onChange(gallery() | Error) is called
// whenever another tab or worker changes the database, once this one has
// reloaded it. A wrong secret, or a stored gallery of another encoder than
// load's, rejects and changes nothing; an empty one takes load's encoder.
func (a *api) openVault(args []js.Value) (any, error) {
	r := argsOf("openVault", args)
	opts := r.arg(0)
	if opts.Type() != js.TypeObject {
		r.failf("options must be an object, found %s", describe(opts))
	}
	name := r.str(field(opts, "database"), "database")
	p := webvault.Protection{Kind: r.str(field(opts, "keyProtection"), "keyProtection")}
	switch p.Kind {
	case webvault.Passphrase:
		p.Passphrase = []byte(r.str(opts.Get("passphrase"), "passphrase"))
	case webvault.PRF:
		p.PRFOutput, p.CredentialID, p.PRFSalt = r.bytes(opts.Get("prfOutput"), "prfOutput"), r.bytes(opts.Get("credentialId"), "credentialId"), r.bytes(opts.Get("prfSalt"), "prfSalt")
	}
	if r.err != nil {
		return nil, r.err
	}
	db, err := webvault.OpenDB(name)
	if err != nil {
		return nil, err
	}
	g, migrated, err := db.OpenGallery(p)
	if err == nil {
		err = g.HoldEncoder(face.EncoderName(a.encoder))
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if a.vaultDB != nil {
		a.vaultDB.Close()
	}
	a.vaultDB = db
	a.setGallery(g)
	if onChange := arg(args, 1); onChange.Type() == js.TypeFunction {
		db.OnChange(func() {
			go func() { // a JS callback must not block: reload on a goroutine of its own
				a.mu.Lock()
				if a.vaultDB != db {
					a.mu.Unlock()
					return // another openVault replaced this database
				}
				var result any
				err := g.Reload()
				if err == nil {
					result, err = a.galleryInfo(nil)
				}
				if err != nil {
					result = jsError(fmt.Errorf("reloading the gallery another tab changed: %w", err))
				}
				a.mu.Unlock()
				onChange.Invoke(result)
			}()
		})
	}
	info, err := a.galleryInfo(nil)
	if err != nil {
		return nil, err
	}
	info.(map[string]any)["migrated"] = migrated
	return info, nil
}

// vaultKey(database) → {kind, credentialId?, prfSalt?} | null: how the
// stored gallery's key is protected, read in the clear; for a WebAuthn PRF
// key, what the page must ask the authenticator to evaluate.
func (a *api) vaultKey(args []js.Value) (any, error) {
	name, err := stringOf(arg(args, 0), "vaultKey: database")
	if err != nil {
		return nil, err
	}
	db, err := webvault.OpenDB(name)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	info, ok, err := db.KeyInfo()
	if err != nil || !ok {
		return nil, err
	}
	out := map[string]any{"kind": info.Kind}
	if info.Kind == webvault.PRF {
		out["credentialId"], out["prfSalt"] = bytesJS(info.CredentialID), bytesJS(info.PRFSalt)
	}
	return out, nil
}

// exportEncrypted(passphrase) → string: the gallery as a passphrase-encrypted
// file (vault.Gallery.ExportFile).
func (a *api) exportEncrypted(args []js.Value) (any, error) {
	pass, err := stringOf(arg(args, 0), "exportEncrypted: passphrase")
	if err != nil {
		return nil, err
	}
	data, err := a.people.ExportFile([]byte(pass))
	return string(data), err
}

// importEncrypted(text, passphrase) → gallery(): replaces the gallery with
// an exportEncrypted file's; a wrong passphrase rejects and changes nothing.
func (a *api) importEncrypted(args []js.Value) (any, error) {
	r := argsOf("importEncrypted", args)
	text, pass := r.str(r.arg(0), "file"), r.str(r.arg(1), "passphrase")
	return a.edit(r, func() error {
		err := a.people.ImportFile([]byte(text), []byte(pass))
		if errors.Is(err, vault.ErrOpen) {
			return errors.New("importEncrypted: wrong passphrase; nothing was changed")
		}
		return err
	})
}
