//go:build js && wasm

package webvault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/gowebapi/webapi/crypto"
	"github.com/gowebapi/webapi/indexeddb"

	"visage/core/vault"
)

// How a gallery's data key is kept: the "kind" of its key record ("keys"
// store, key "data-key"), a JS object:
//
//	{kind: 'device', key: CryptoKey}
//	    a non-extractable AES-256-GCM key, kept by IndexedDB as it is
//	{kind: 'passphrase', kdf: 'PBKDF2-HMAC-SHA256', iterations, salt, wrapped}
//	    a random data key, sealed (vault.WrapKey's layout) with the key
//	    PBKDF2 derives from the passphrase
//	{kind: 'webauthn-prf', credentialId, prfSalt, wrapped}
//	    the same, with the key HKDF derives from the credential's PRF
//	    output for prfSalt
const (
	Device     = "device"
	Passphrase = "passphrase"
	PRF        = "webauthn-prf"
	keyRecord  = "data-key"
)

// Protection is how the caller wants the gallery's key protected, and the
// secret that opens it.
type Protection struct {
	Kind         string // Device, Passphrase or PRF
	Passphrase   []byte // for Passphrase
	PRFOutput    []byte // for PRF: the credential's PRF output for KeyInfo's PRFSalt
	CredentialID []byte // for PRF: the credential that gave PRFOutput
	PRFSalt      []byte // for PRF, a new gallery: the salt PRFOutput was evaluated for
}

// KeyInfo is what a stored key record says in the clear: its kind and, for
// PRF, the credential and salt to evaluate.
type KeyInfo struct {
	Kind         string `js:"kind"`
	CredentialID []byte `js:"credentialId,omitempty"`
	PRFSalt      []byte `js:"prfSalt,omitempty"`
}

// ErrWrongSecret is the error of a passphrase or PRF output that does not
// open the gallery's key; nothing was changed.
var ErrWrongSecret = errors.New("the passphrase (or security key) does not open this gallery's key; nothing was changed")

// KeyInfo returns the gallery's key record's kind (ok false when it has
// none yet).
func (d *DB) KeyInfo() (info KeyInfo, ok bool, err error) {
	rec, err := d.keyRecord()
	if err != nil || rec.IsUndefined() {
		return KeyInfo{}, false, err
	}
	info.Kind = rec.Get("kind").String()
	if info.Kind == PRF {
		if info.CredentialID, err = bytesGo(rec.Get("credentialId")); err != nil {
			return KeyInfo{}, false, err
		}
		if info.PRFSalt, err = bytesGo(rec.Get("prfSalt")); err != nil {
			return KeyInfo{}, false, err
		}
	}
	return info, true, nil
}

func (d *DB) keyRecord() (js.Value, error) {
	tx := d.tx(indexeddb.ReadonlyIDBTransactionMode, keysStore)
	req := tx.ObjectStore(keysStore).Get(keyRecord)
	if err := wait(tx); err != nil {
		return js.Value{}, fmt.Errorf("reading the gallery's key: %w", err)
	}
	return req.Result(), nil
}

// Key returns the Sealer of the gallery's records under p: the stored key
// opened with p's secret, or, for a gallery without a key record and
// without records, a new key protected as p says. A key record of another
// kind than p's, a wrong secret (ErrWrongSecret) and records without a key
// are errors that change nothing.
func (d *DB) Key(p Protection) (*Sealer, error) {
	for range 2 { // a second time when another tab made the key meanwhile
		rec, err := d.keyRecord()
		if err != nil {
			return nil, err
		}
		if !rec.IsUndefined() {
			return openKey(rec, p)
		}
		if records, err := d.List(); err != nil {
			return nil, err
		} else if len(records) > 0 {
			return nil, fmt.Errorf("the gallery holds %d records but no key: they cannot be read, and are left as they are", len(records))
		}
		rec, err = newKeyRecord(p)
		if err != nil {
			return nil, err
		}
		tx := d.tx(indexeddb.ReadwriteIDBTransactionMode, keysStore)
		tx.ObjectStore(keysStore).Add(rec, keyRecord) // add, not put: never replaces a key another tab made
		if err := wait(tx); isDOMError(err, "ConstraintError") {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("saving the gallery's key: %w", err)
		}
		return openKey(rec, p)
	}
	return nil, errors.New("the gallery's key changed twice while it was being read")
}

// newKeyRecord makes a key record of p's kind.
func newKeyRecord(p Protection) (js.Value, error) {
	if p.Kind == Device {
		key, err := generateKey()
		if err != nil {
			return js.Value{}, err
		}
		return js.ValueOf(map[string]any{"kind": Device, "key": key.JSValue()}), nil
	}
	dataKey := make([]byte, vault.KeySize)
	if _, err := rand.Read(dataKey); err != nil {
		return js.Value{}, err
	}
	rec := map[string]any{"kind": p.Kind}
	var kek *crypto.CryptoKey
	var err error
	switch p.Kind {
	case Passphrase:
		salt := make([]byte, vault.SaltSize)
		if _, err := rand.Read(salt); err != nil {
			return js.Value{}, err
		}
		rec["kdf"], rec["iterations"], rec["salt"] = "PBKDF2-HMAC-SHA256", vault.PBKDF2Iterations, bytesJS(salt)
		kek, err = passphraseKEK(p.Passphrase, salt, vault.PBKDF2Iterations)
	case PRF:
		if len(p.CredentialID) == 0 || len(p.PRFSalt) == 0 {
			return js.Value{}, errors.New("a new PRF-protected gallery needs the credential id and the PRF salt")
		}
		rec["credentialId"], rec["prfSalt"] = bytesJS(p.CredentialID), bytesJS(p.PRFSalt)
		kek, err = prfKEK(p.PRFOutput)
	default:
		return js.Value{}, fmt.Errorf("key protection must be %q, %q or %q, found %q", Device, Passphrase, PRF, p.Kind)
	}
	if err != nil {
		return js.Value{}, err
	}
	s, err := NewSealer(kek)
	if err != nil {
		return js.Value{}, err
	}
	wrapped, err := s.Seal(vault.DataKeyID, dataKey)
	if err != nil {
		return js.Value{}, err
	}
	rec["wrapped"] = bytesJS(wrapped)
	return js.ValueOf(rec), nil
}

// openKey returns the Sealer of the key record rec, opened with p.
func openKey(rec js.Value, p Protection) (*Sealer, error) {
	kind := rec.Get("kind")
	if kind.Type() != js.TypeString {
		return nil, fmt.Errorf("the gallery's key record has no kind, found %v", kind)
	}
	if kind.String() != p.Kind {
		return nil, fmt.Errorf("this gallery's key is protected by %s, but %s was asked for; nothing was changed", kind.String(), p.Kind)
	}
	if p.Kind == Device {
		return NewSealer(crypto.CryptoKeyFromJS(rec.Get("key")))
	}
	var kek *crypto.CryptoKey
	var err error
	if p.Kind == Passphrase {
		salt, err := bytesGo(rec.Get("salt"))
		if err != nil {
			return nil, fmt.Errorf("the key record's salt: %w", err)
		}
		kek, err = passphraseKEK(p.Passphrase, salt, rec.Get("iterations").Int())
		if err != nil {
			return nil, err
		}
	} else if kek, err = prfKEK(p.PRFOutput); err != nil {
		return nil, err
	}
	wrapped, err := bytesGo(rec.Get("wrapped"))
	if err != nil {
		return nil, fmt.Errorf("the key record's wrapped key: %w", err)
	}
	s, err := NewSealer(kek)
	if err != nil {
		return nil, err
	}
	raw, err := s.Open(vault.DataKeyID, wrapped)
	if errors.Is(err, vault.ErrOpen) {
		return nil, ErrWrongSecret
	}
	if err != nil {
		return nil, err
	}
	key, err := ImportKey(raw)
	clear(raw)
	if err != nil {
		return nil, err
	}
	return NewSealer(key)
}
