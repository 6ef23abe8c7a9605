//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"visage/core/engine"
	"visage/core/jsvalue"
	"visage/core/vault/webvault"
)

// The gallery kept in IndexedDB (core/vault/webvault), encrypted at rest.

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

func (in *openVaultArgs) Check() error {
	if o := in.Options; o.KeyProtection == webvault.Passphrase && o.Passphrase == nil || o.KeyProtection == webvault.PRF && (o.PRFOutput == nil || o.CredentialID == nil || o.PRFSalt == nil) {
		return fmt.Errorf("openVault: keyProtection %q needs its secret: passphrase (a string), or prfOutput, credentialId and prfSalt (Uint8Arrays)", o.KeyProtection)
	}
	return nil
}

// openVault makes the gallery stored in the database the engine's
// (Engine.UseStoredGallery). Its onChange(gallery() | Error), the worker's
// second argument, is called whenever another tab or worker changes the
// database, once this one has reloaded it.
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
		err = a.e.UseStoredGallery(g)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if a.vaultDB != nil {
		a.vaultDB.Close()
	}
	a.vaultDB = db
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
					result, err = a.e.Gallery(nil)
				}
				if err != nil {
					result = jsError(fmt.Errorf("reloading the gallery another tab changed: %w", err))
				}
				a.mu.Unlock()
				onChange.Invoke(jsvalue.Encode(result))
			}()
		})
	}
	info, err := a.e.Gallery(nil)
	return struct {
		engine.GalleryInfo
		Migrated int `js:"migrated"`
	}{info, migrated}, err
}

// vaultKey says how the stored gallery's key is protected, read in the
// clear (null when there is none); for a WebAuthn PRF key, what the page
// must ask the authenticator to evaluate.
func vaultKey(in *struct {
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
