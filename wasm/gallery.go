//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/jsvalue"
	"visage/core/vault"
	"visage/core/vault/webvault"
)

// setGallery makes g the api's gallery (a.gallery is its matcher).
func (a *api) setGallery(g *vault.Gallery) {
	a.people, a.gallery = g, g.Matcher()
}

// galleryInfo is gallery()'s result: people in enrollment order,
// identify's rule at the default target FPIR for this many people.
type galleryInfo struct {
	Threshold float64    `js:"threshold"`
	People    []person   `js:"people"`
	Stored    bool       `js:"stored"`
	Identify  *fpir.Rule `js:"identify"`
}

type person struct {
	Name      string  `js:"name"`
	Samples   int     `js:"samples"`
	Encoder   string  `js:"encoder"`
	Thumbnail *pixels `js:"thumbnail"`
}

func (a *api) galleryInfo(*none) (any, error) { return a.info() }

// info is gallery()'s result.
func (a *api) info() (galleryInfo, error) {
	list := a.people.People()
	info := galleryInfo{Threshold: a.gallery.Threshold(), People: make([]person, len(list)), Stored: a.vaultDB != nil}
	for i, p := range list {
		info.People[i] = person{Name: p.Name, Samples: len(p.Descriptors), Encoder: p.Encoder}
		if t := p.Thumbnail; t != nil {
			info.People[i].Thumbnail = &pixels{t.Width, t.Height, t.RGBA}
		}
	}
	r, err := fpir.For(a.gallery, fpir.DefaultTarget)
	info.Identify = &r
	return info, err
}

// edit runs change and returns gallery().
func (a *api) edit(change func() error) (any, error) {
	if err := change(); err != nil {
		return nil, err
	}
	return a.info()
}

func (a *api) remove(in *struct {
	Name string `js:"name"`
}) (any, error) {
	return a.edit(func() error { return a.people.Remove(in.Name) })
}

func (a *api) rename(in *struct {
	Old string `js:"old name"`
	New string `js:"new name"`
}) (any, error) {
	return a.edit(func() error { return a.people.Rename(in.Old, in.New) })
}

func (a *api) setThreshold(in *struct {
	T float64 `js:"threshold"`
}) (any, error) {
	return a.edit(func() error { return a.people.SetThreshold(in.T) })
}

func (a *api) clear(*none) (any, error) { return a.edit(a.people.Clear) }

func (a *api) importGallery(in *struct {
	Text string `js:"json"`
}) (any, error) {
	return a.edit(func() error {
		if err := a.people.ImportFaceMatcher([]byte(in.Text)); err != nil {
			return fmt.Errorf("importGallery: %w", err)
		}
		return nil
	})
}

func (a *api) exportGallery(*none) (any, error) {
	data, err := vault.ToFaceMatcher(a.people)
	return string(data), err
}

type openVaultArgs struct {
	Options struct {
		Database      string  `js:"database"`
		KeyProtection string  `js:"keyProtection"`
		Passphrase    *string `js:"passphrase,omitempty"`
		PRFOutput     []byte  `js:"prfOutput,omitempty"`
		CredentialID  []byte  `js:"credentialId,omitempty"`
		PRFSalt       []byte  `js:"prfSalt,omitempty"`
	} `js:"options,flat"`
	OnChange js.Value `js:"onChange"`
}

func (in *openVaultArgs) check() error {
	if o := in.Options; o.KeyProtection == webvault.Passphrase && o.Passphrase == nil || o.KeyProtection == webvault.PRF && (o.PRFOutput == nil || o.CredentialID == nil || o.PRFSalt == nil) {
		return fmt.Errorf("openVault: keyProtection %q needs its secret: passphrase (a string), or prfOutput, credentialId and prfSalt (Uint8Arrays)", o.KeyProtection)
	}
	return nil
}

// openVault's onChange(gallery() | Error), the worker's second argument, is
// called whenever another tab or worker changes the database, once this one
// has reloaded it. An empty stored gallery takes load's encoder; one of
// another encoder rejects.
func (a *api) openVault(in *openVaultArgs) (any, error) {
	o := in.Options
	p := webvault.Protection{Kind: o.KeyProtection, PRFOutput: o.PRFOutput, CredentialID: o.CredentialID, PRFSalt: o.PRFSalt}
	if o.Passphrase != nil {
		p.Passphrase = []byte(*o.Passphrase)
	}
	db, err := webvault.OpenDB(o.Database)
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
	if onChange := in.OnChange; onChange.Type() == js.TypeFunction {
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
					result, err = a.info()
				}
				if err != nil {
					result = jsError(fmt.Errorf("reloading the gallery another tab changed: %w", err))
				}
				a.mu.Unlock()
				onChange.Invoke(jsvalue.Encode(result))
			}()
		})
	}
	info, err := a.info()
	return struct {
		galleryInfo
		Migrated int `js:"migrated"`
	}{info, migrated}, err
}

// vaultKey says how the stored gallery's key is protected, read in the
// clear (null when there is none); for a WebAuthn PRF key, what the page
// must ask the authenticator to evaluate.
func (a *api) vaultKey(in *struct {
	Database string `js:"database"`
}) (any, error) {
	db, err := webvault.OpenDB(in.Database)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	info, ok, err := db.KeyInfo()
	if err != nil || !ok {
		return nil, err
	}
	return info, nil
}

func (a *api) exportEncrypted(in *struct {
	Passphrase string `js:"passphrase"`
}) (any, error) {
	data, err := a.people.ExportFile([]byte(in.Passphrase))
	return string(data), err
}

func (a *api) importEncrypted(in *struct {
	Text       string `js:"file"`
	Passphrase string `js:"passphrase"`
}) (any, error) {
	return a.edit(func() error {
		err := a.people.ImportFile([]byte(in.Text), []byte(in.Passphrase))
		if errors.Is(err, vault.ErrOpen) {
			return errors.New("importEncrypted: wrong passphrase; nothing was changed")
		}
		return err
	})
}
