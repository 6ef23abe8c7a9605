package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// Sealed record layout, the same from every Sealer:
//
//	version (2 bytes, big-endian) ‖ IV (12 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes)
//
// version is the record's schema version; the associated data is AAD(id,
// version), so a record opens only under the key it was stored at and the
// version it was written with.
const (
	KeySize     = 32 // AES-256
	IVSize      = 12 // GCM's 96-bit nonce, fresh and random for every record
	TagSize     = 16
	versionSize = 2
	// Overhead is how many bytes sealing adds to a plaintext.
	Overhead = versionSize + IVSize + TagSize
)

// ErrOpen is the error of a record that does not open: a wrong key (a wrong
// passphrase), or bytes changed or moved since they were sealed.
var ErrOpen = errors.New("the record does not open with this key (a wrong key or passphrase, or the record was altered)")

// Sealer turns a record's plaintext into the bytes stored, and back. Seal
// uses a fresh random IV for every call; Open fails with an error matching
// ErrOpen when the key is not the one that sealed, or when id or the bytes
// differ from what was sealed.
type Sealer interface {
	Seal(id string, plaintext []byte) ([]byte, error)
	Open(id string, sealed []byte) ([]byte, error)
}

// AAD returns the associated data of the record stored under id at schema
// version: the id's bytes, a zero byte, and version as 2 big-endian bytes.
func AAD(id string, version int) []byte {
	return binary.BigEndian.AppendUint16(append([]byte(id), 0), uint16(version))
}

// SplitSealed returns the version, IV and ciphertext-with-tag of a sealed
// record, or an error saying how its length falls short.
func SplitSealed(sealed []byte) (version int, iv, ciphertext []byte, err error) {
	if len(sealed) < Overhead {
		return 0, nil, nil, fmt.Errorf("vault: a sealed record has at least %d bytes, found %d", Overhead, len(sealed))
	}
	return int(binary.BigEndian.Uint16(sealed)), sealed[versionSize : versionSize+IVSize], sealed[versionSize+IVSize:], nil
}

// JoinSealed is SplitSealed's inverse for records at SchemaVersion.
func JoinSealed(iv, ciphertext []byte) []byte {
	out := binary.BigEndian.AppendUint16(make([]byte, 0, versionSize+len(iv)+len(ciphertext)), SchemaVersion)
	return append(append(out, iv...), ciphertext...)
}

// GCM is a Sealer over Go's crypto/aes: the reference the browser's
// SubtleCrypto sealer (core/vault/webvault) is checked against.
type GCM struct {
	aead cipher.AEAD
}

// NewGCM returns a Sealer with the KeySize-byte key.
func NewGCM(key []byte) (*GCM, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: an AES-256 key has %d bytes, found %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &GCM{aead}, nil
}

// Seal seals plaintext for the record id at SchemaVersion.
func (g *GCM) Seal(id string, plaintext []byte) ([]byte, error) {
	iv := make([]byte, IVSize)
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	return JoinSealed(iv, g.aead.Seal(nil, iv, plaintext, AAD(id, SchemaVersion))), nil
}

// Open opens a record sealed for id.
func (g *GCM) Open(id string, sealed []byte) ([]byte, error) {
	version, iv, ct, err := SplitSealed(sealed)
	if err != nil {
		return nil, err
	}
	out, err := g.aead.Open(nil, iv, ct, AAD(id, version))
	if err != nil {
		return nil, fmt.Errorf("vault: record %s: %w", id, ErrOpen)
	}
	return out, nil
}

// Unsealed is the Sealer of a gallery kept in the clear (an unencrypted CLI
// database, or a page that keeps its gallery in memory only): it stores the
// plaintext as it is.
type Unsealed struct{}

// Seal returns a copy of plaintext.
func (Unsealed) Seal(_ string, plaintext []byte) ([]byte, error) {
	return append([]byte(nil), plaintext...), nil
}

// Open returns a copy of sealed.
func (Unsealed) Open(_ string, sealed []byte) ([]byte, error) {
	return append([]byte(nil), sealed...), nil
}

// PBKDF2Iterations is the work factor of a passphrase: PBKDF2-HMAC-SHA256
// rounds, OWASP's 2023 recommendation for that hash. It is stored beside the
// salt, so a later raise leaves existing galleries readable.
const PBKDF2Iterations = 600_000

// SaltSize is the length of a passphrase's random salt.
const SaltSize = 16

// MinPBKDF2Iterations is the fewest rounds a stored key may claim; fewer is
// taken for a damaged or forged file rather than honoured.
const MinPBKDF2Iterations = 100_000

// PassphraseKey derives the key-encryption key of passphrase with salt and
// iterations rounds of PBKDF2-HMAC-SHA256 (what SubtleCrypto's deriveBits
// with {name: 'PBKDF2', hash: 'SHA-256'} computes).
func PassphraseKey(passphrase, salt []byte, iterations int) ([]byte, error) {
	if iterations < MinPBKDF2Iterations {
		return nil, fmt.Errorf("vault: PBKDF2 needs at least %d iterations, found %d", MinPBKDF2Iterations, iterations)
	}
	if len(passphrase) == 0 {
		return nil, errors.New("vault: the passphrase is empty")
	}
	return pbkdf2.Key(sha256.New, string(passphrase), salt, iterations, KeySize)
}

// PRFInfo is the HKDF info that turns a WebAuthn PRF output into a
// key-encryption key.
const PRFInfo = "visage vault key-encryption key"

// PRFKey derives the key-encryption key of a WebAuthn PRF output with
// HKDF-SHA256 (salt empty, info PRFInfo), as SubtleCrypto's deriveBits with
// {name: 'HKDF', hash: 'SHA-256'} does.
func PRFKey(prfOutput []byte) ([]byte, error) {
	if len(prfOutput) < 32 {
		return nil, fmt.Errorf("vault: a PRF output has at least 32 bytes, found %d", len(prfOutput))
	}
	return hkdf.Key(sha256.New, prfOutput, nil, PRFInfo, KeySize)
}

// DataKeyID is the record id a data key is sealed under when a
// key-encryption key wraps it.
const DataKeyID = "data-key"

// WrapKey seals the raw data key with the key-encryption key kek.
func WrapKey(kek, dataKey []byte) ([]byte, error) {
	s, err := NewGCM(kek)
	if err != nil {
		return nil, err
	}
	return s.Seal(DataKeyID, dataKey)
}

// UnwrapKey opens a data key that WrapKey sealed; a wrong kek (a wrong
// passphrase) is an error matching ErrOpen.
func UnwrapKey(kek, wrapped []byte) ([]byte, error) {
	s, err := NewGCM(kek)
	if err != nil {
		return nil, err
	}
	key, err := s.Open(DataKeyID, wrapped)
	if err != nil {
		return nil, err
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: a data key has %d bytes, found %d", KeySize, len(key))
	}
	return key, nil
}
