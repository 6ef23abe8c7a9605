package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// FileFormat and FileVersion name a gallery file: the CLI's database and the
// browser's encrypted export. Its layout:
//
//	{"format": "visage-gallery", "version": 1,
//	 "key": {"kdf": "PBKDF2-HMAC-SHA256", "iterations": 600000,
//	         "salt": BASE64, "wrapped": BASE64},
//	 "records": {"settings": RECORD, "person/ID": RECORD, …}}
//
// Without "key" the file is in the clear and each RECORD is the plaintext
// record (a JSON object, see MarshalRecord). With it, each RECORD is the
// base64 of the sealed record (see Sealer), under a random data key that
// "wrapped" holds sealed (WrapKey) with the key PassphraseKey derives from
// the passphrase, "salt" and "iterations".
const (
	FileFormat  = "visage-gallery"
	FileVersion = 1
	kdfName     = "PBKDF2-HMAC-SHA256"
)

// ErrPassphraseNeeded is the error of reading an encrypted file without a
// passphrase.
var ErrPassphraseNeeded = errors.New("the gallery is encrypted: a passphrase is needed")

type fileJSON struct {
	Format  string                     `json:"format"`
	Version int                        `json:"version"`
	Key     *fileKeyJSON               `json:"key,omitempty"`
	Records map[string]json.RawMessage `json:"records"`
}

type fileKeyJSON struct {
	KDF        string `json:"kdf"`
	Iterations int    `json:"iterations"`
	Salt       []byte `json:"salt"`
	Wrapped    []byte `json:"wrapped"`
}

// FileKey is the key of an encrypted gallery file: the data key that seals
// its records, and how the passphrase wraps it. Keeping it between a read
// and a write spares a second PBKDF2 run.
type FileKey struct {
	key    fileKeyJSON
	sealer *GCM
}

// NewFileKey returns a new random data key wrapped with passphrase (a
// random SaltSize-byte salt, PBKDF2Iterations rounds).
func NewFileKey(passphrase []byte) (*FileKey, error) {
	return newFileKey(passphrase, PBKDF2Iterations)
}

// newFileKey is NewFileKey with iterations rounds (tests use fewer).
func newFileKey(passphrase []byte, iterations int) (*FileKey, error) {
	salt, dataKey := make([]byte, SaltSize), make([]byte, KeySize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(dataKey); err != nil {
		return nil, err
	}
	kek, err := PassphraseKey(passphrase, salt, iterations)
	if err != nil {
		return nil, err
	}
	wrapped, err := WrapKey(kek, dataKey)
	if err != nil {
		return nil, err
	}
	s, err := NewGCM(dataKey)
	if err != nil {
		return nil, err
	}
	return &FileKey{fileKeyJSON{kdfName, iterations, salt, wrapped}, s}, nil
}

// Sealer returns the sealer of the file's records: Unsealed for a nil key
// (a file in the clear).
func (k *FileKey) Sealer() Sealer {
	if k == nil {
		return Unsealed{}
	}
	return k.sealer
}

// ReadFile reads a gallery file (see FileFormat), or a gallery in
// face-api.js's FaceMatcher.toJSON layout (the CLI's database before this
// format, and face-api.js's own exports; see FromFaceMatcher), into a store.
// key is nil for a file in the clear (a FaceMatcher file included); for an
// encrypted one, passphrase is called once, and a wrong passphrase is an
// error matching ErrOpen. Open the store with key.Sealer().
func ReadFile(data []byte, passphrase func() ([]byte, error)) (store *MemStore, key *FileKey, err error) {
	var probe struct {
		Format *string `json:"format"`
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(data, &probe) != nil || probe.Format == nil {
		people, threshold, err := FromFaceMatcher(data, nil)
		if err != nil {
			return nil, nil, err
		}
		store = &MemStore{}
		g, err := Open(store, Unsealed{})
		if err != nil {
			return nil, nil, err
		}
		return store, nil, g.Replace(people, threshold)
	}
	var f fileJSON
	if err := decodeStrict(data, &f); err != nil {
		return nil, nil, fmt.Errorf("vault: gallery file: %w", err)
	}
	if f.Format != FileFormat || f.Version != FileVersion {
		return nil, nil, fmt.Errorf("vault: expected a %q file of version %d, found %q version %d", FileFormat, FileVersion, f.Format, f.Version)
	}
	if f.Key != nil {
		if f.Key.KDF != kdfName {
			return nil, nil, fmt.Errorf("vault: gallery file key: expected kdf %q, found %q", kdfName, f.Key.KDF)
		}
		pass, err := passphrase()
		if err != nil {
			return nil, nil, err
		}
		kek, err := PassphraseKey(pass, f.Key.Salt, f.Key.Iterations)
		if err != nil {
			return nil, nil, err
		}
		dataKey, err := UnwrapKey(kek, f.Key.Wrapped)
		if err != nil {
			return nil, nil, fmt.Errorf("vault: wrong passphrase: %w", err)
		}
		s, err := NewGCM(dataKey)
		if err != nil {
			return nil, nil, err
		}
		key = &FileKey{*f.Key, s}
	}
	puts := make(map[string][]byte, len(f.Records))
	for k, raw := range f.Records {
		if key == nil {
			puts[k] = raw // the plaintext record
			continue
		}
		var sealed []byte
		if err := json.Unmarshal(raw, &sealed); err != nil {
			return nil, nil, fmt.Errorf("vault: gallery file record %s: expected base64 text, found %.40s", k, raw)
		}
		puts[k] = sealed
	}
	store = &MemStore{}
	if err := store.Write(puts, nil); err != nil {
		return nil, nil, err
	}
	if _, err := Open(store, key.Sealer()); err != nil { // every record must open and parse
		return nil, nil, err
	}
	return store, key, nil
}

// WriteFile returns store's records as a gallery file, encrypted when key is
// not nil; store's records must be sealed with key.Sealer().
func WriteFile(store Store, key *FileKey) ([]byte, error) {
	all, err := store.List()
	if err != nil {
		return nil, err
	}
	f := fileJSON{Format: FileFormat, Version: FileVersion, Records: make(map[string]json.RawMessage, len(all))}
	if key != nil {
		f.Key = &key.key
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if key == nil {
			f.Records[k] = all[k]
		} else if f.Records[k], err = json.Marshal(all[k]); err != nil {
			return nil, err
		}
	}
	out, err := json.MarshalIndent(f, "", "\t")
	return append(out, '\n'), err
}

// Reseal returns a copy of src whose records, opened with from, are sealed
// with to: a gallery file moving into or out of the clear, or the browser's
// records going into an export.
func Reseal(src Store, from, to Sealer) (*MemStore, error) {
	all, err := src.List()
	if err != nil {
		return nil, err
	}
	puts := make(map[string][]byte, len(all))
	for k, v := range all {
		plain, err := from.Open(k, v)
		if err != nil {
			return nil, err
		}
		if puts[k], err = to.Seal(k, plain); err != nil {
			return nil, err
		}
	}
	out := &MemStore{}
	return out, out.Write(puts, nil)
}
