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

// galleryInfo: gallery() → {threshold, people: [{name, samples, encoder,
// thumbnail: {width, height, data: Uint8ClampedArray RGBA} | null}, …],
// identify}, people in enrollment order; identify is identify's rule at the
// default target FPIR for this many people (ruleJS).
func (a *api) galleryInfo([]js.Value) (any, error) {
	list := a.people.People()
	people := make([]any, len(list))
	for i, p := range list {
		thumb := js.Null()
		if t := p.Thumbnail; t != nil {
			data := js.Global().Get("Uint8ClampedArray").New(len(t.RGBA))
			js.CopyBytesToJS(data, t.RGBA)
			thumb = js.ValueOf(map[string]any{"width": t.Width, "height": t.Height, "data": data})
		}
		people[i] = map[string]any{"name": p.Name, "samples": len(p.Descriptors), "encoder": p.Encoder, "thumbnail": thumb}
	}
	rule, err := fpir.For(a.gallery, fpir.DefaultTarget)
	if err != nil {
		return nil, err
	}
	return map[string]any{"threshold": a.gallery.Threshold(), "people": people, "stored": a.vaultDB != nil, "identify": ruleJS(rule)}, nil
}

// ruleJS is identify's rule as gallery() reports it: {threshold, why,
// expected: {fpir, fnir, target, measuredK, note} | null}, expected null when
// the gallery's own threshold decides.
func ruleJS(r fpir.Rule) map[string]any {
	out := map[string]any{"threshold": r.Threshold, "margin": r.Margin, "why": r.Why, "expected": nil}
	if e := r.Expected; e != nil {
		out["expected"] = map[string]any{"fpir": e.FPIR, "fnir": e.FNIR, "target": e.Target, "note": e.Note}
	}
	return out
}

// removePerson(name) → gallery()
func (a *api) remove(args []js.Value) (any, error) {
	name, err := stringOf(arg(args, 0), "removePerson: name")
	if err != nil {
		return nil, err
	}
	if err := a.people.Remove(name); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// renamePerson(old, new) → gallery()
func (a *api) rename(args []js.Value) (any, error) {
	old, err := stringOf(arg(args, 0), "renamePerson: old name")
	if err != nil {
		return nil, err
	}
	name, err := stringOf(arg(args, 1), "renamePerson: new name")
	if err != nil {
		return nil, err
	}
	if err := a.people.Rename(old, name); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// setThreshold(t) → gallery()
func (a *api) setThreshold(args []js.Value) (any, error) {
	t, err := numberOf(arg(args, 0), "setThreshold: threshold")
	if err != nil {
		return nil, err
	}
	if err := a.people.SetThreshold(t); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// clearGallery() → gallery(): forgets everyone; the threshold stays.
func (a *api) clear([]js.Value) (any, error) {
	if err := a.people.Clear(); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// importGallery(json) → gallery(), see vault.Gallery.ImportFaceMatcher.
func (a *api) importGallery(args []js.Value) (any, error) {
	text, err := stringOf(arg(args, 0), "importGallery: json")
	if err != nil {
		return nil, err
	}
	if err := a.people.ImportFaceMatcher([]byte(text)); err != nil {
		return nil, fmt.Errorf("importGallery: %w", err)
	}
	return a.galleryInfo(nil)
}

// exportGallery() → string in FaceMatcher.toJSON's layout, with the
// thumbnails beside it (vault.ToFaceMatcher), so that an import of the file
// into an emptied gallery shows the people's pictures again.
func (a *api) exportGallery([]js.Value) (any, error) {
	data, err := vault.ToFaceMatcher(a.people)
	if err != nil {
		return nil, err
	}
	return string(data), nil
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
	opts := arg(args, 0)
	if opts.Type() != js.TypeObject {
		return nil, fmt.Errorf("openVault: options must be an object, found %s", describe(opts))
	}
	name, err := stringOf(opts.Get("database"), "openVault: database")
	if err != nil {
		return nil, err
	}
	var p webvault.Protection
	if p.Kind, err = stringOf(opts.Get("keyProtection"), "openVault: keyProtection"); err != nil {
		return nil, err
	}
	switch p.Kind {
	case webvault.Passphrase:
		pass, err := stringOf(opts.Get("passphrase"), "openVault: passphrase")
		if err != nil {
			return nil, err
		}
		p.Passphrase = []byte(pass)
	case webvault.PRF:
		for _, f := range []struct {
			name string
			dst  *[]byte
		}{{"prfOutput", &p.PRFOutput}, {"credentialId", &p.CredentialID}, {"prfSalt", &p.PRFSalt}} {
			if *f.dst, err = bytesOf(opts.Get(f.name)); err != nil {
				return nil, fmt.Errorf("openVault: %s: %w", f.name, err)
			}
		}
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
				var result any
				if a.vaultDB != db {
					a.mu.Unlock()
					return // another openVault replaced this database
				}
				if err := g.Reload(); err != nil {
					result = jsError(fmt.Errorf("reloading the gallery another tab changed: %w", err))
				} else {
					result, _ = a.galleryInfo(nil)
				}
				a.mu.Unlock()
				onChange.Invoke(result)
			}()
		})
	}
	info, _ := a.galleryInfo(nil)
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
	text, err := stringOf(arg(args, 0), "importEncrypted: file")
	if err != nil {
		return nil, err
	}
	pass, err := stringOf(arg(args, 1), "importEncrypted: passphrase")
	if err != nil {
		return nil, err
	}
	err = a.people.ImportFile([]byte(text), []byte(pass))
	if errors.Is(err, vault.ErrOpen) {
		return nil, errors.New("importEncrypted: wrong passphrase; nothing was changed")
	}
	if err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// bytesJS copies b into a new Uint8Array.
func bytesJS(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}
