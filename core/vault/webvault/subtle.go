//go:build js && wasm

package webvault

import (
	"crypto/rand"
	"fmt"
	"syscall/js"

	"github.com/gowebapi/webapi/crypto"

	"visage/core/vault"
)

// subtle is the worker's SubtleCrypto, through webapi's typed binding.
func subtle() (*crypto.SubtleCrypto, error) {
	c := crypto.CryptoFromJS(js.Global().Get("crypto"))
	if c == nil || c.Subtle() == nil {
		return nil, fmt.Errorf("this browser offers no Web Crypto here (it needs https or localhost)")
	}
	return c.Subtle(), nil
}

func union(v js.Value) *crypto.Union { return &crypto.Union{Value: v} }

// aesGCM is the algorithm object of one AES-256-GCM operation.
func aesGCM(iv, aad []byte) *crypto.Union {
	return union((&crypto.AesGcmParams{Name: "AES-GCM", Iv: union(bytesJS(iv)), AdditionalData: union(bytesJS(aad)), TagLength: 128}).JSValue())
}

// Sealer is vault's Sealer over SubtleCrypto with a non-extractable AES-GCM
// CryptoKey: the records it seals open with vault.GCM and the same key's
// bytes, and the other way round (TestSubtleSealerMatchesGo).
type Sealer struct {
	subtle *crypto.SubtleCrypto
	key    *crypto.CryptoKey
}

// NewSealer returns a Sealer with key, an AES-GCM CryptoKey usable to
// encrypt and decrypt.
func NewSealer(key *crypto.CryptoKey) (*Sealer, error) {
	s, err := subtle()
	if err != nil {
		return nil, err
	}
	return &Sealer{s, key}, nil
}

// Seal seals plaintext for the record id: a fresh random IV, AAD(id,
// SchemaVersion).
func (s *Sealer) Seal(id string, plaintext []byte) ([]byte, error) {
	iv := make([]byte, vault.IVSize)
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	ct, err := await(s.subtle.Encrypt(aesGCM(iv, vault.AAD(id, vault.SchemaVersion)), s.key, union(bytesJS(plaintext))))
	if err != nil {
		return nil, fmt.Errorf("sealing %s: %w", id, err)
	}
	b, err := bytesGo(ct)
	if err != nil {
		return nil, err
	}
	return vault.JoinSealed(iv, b), nil
}

// Open opens a record sealed for id; a wrong key or altered bytes is an
// error matching vault.ErrOpen.
func (s *Sealer) Open(id string, sealed []byte) ([]byte, error) {
	version, iv, ct, err := vault.SplitSealed(sealed)
	if err != nil {
		return nil, err
	}
	plain, err := await(s.subtle.Decrypt(aesGCM(iv, vault.AAD(id, version)), s.key, union(bytesJS(ct))))
	if isDOMError(err, "OperationError") {
		return nil, fmt.Errorf("vault: record %s: %w", id, vault.ErrOpen)
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", id, err)
	}
	return bytesGo(plain)
}

// usages are what a gallery's keys are for.
var usages = []crypto.KeyUsage{crypto.EncryptKeyUsage, crypto.DecryptKeyUsage}

// ImportKey imports raw AES-256 key bytes as a non-extractable AES-GCM
// CryptoKey: once imported, the page's code cannot read the bytes back.
func ImportKey(raw []byte) (*crypto.CryptoKey, error) {
	s, err := subtle()
	if err != nil {
		return nil, err
	}
	alg := union((&crypto.Algorithm{Name: "AES-GCM"}).JSValue())
	k, err := await(promise(s.ImportKey(crypto.RawKeyFormat, union(bytesJS(raw)), alg, false, usages)))
	if err != nil {
		return nil, fmt.Errorf("importing an AES key: %w", err)
	}
	return crypto.CryptoKeyFromJS(k), nil
}

// generateKey makes a random non-extractable AES-256-GCM CryptoKey.
func generateKey() (*crypto.CryptoKey, error) {
	s, err := subtle()
	if err != nil {
		return nil, err
	}
	alg := union((&crypto.AesKeyGenParams{Name: "AES-GCM", Length: 256}).JSValue())
	k, err := await(s.GenerateKey(alg, false, usages))
	if err != nil {
		return nil, fmt.Errorf("generating the device key: %w", err)
	}
	return crypto.CryptoKeyFromJS(k), nil
}

// passphraseKEK derives the key-encryption key of passphrase as
// vault.PassphraseKey does (PBKDF2-HMAC-SHA256), in SubtleCrypto, as a
// non-extractable AES-GCM key.
func passphraseKEK(passphrase, salt []byte, iterations int) (*crypto.CryptoKey, error) {
	if iterations < vault.MinPBKDF2Iterations {
		return nil, fmt.Errorf("PBKDF2 needs at least %d iterations, found %d", vault.MinPBKDF2Iterations, iterations)
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("the passphrase is empty")
	}
	return derive("PBKDF2", passphrase, (&crypto.Pbkdf2Params{
		Name: "PBKDF2", Salt: union(bytesJS(salt)), Iterations: uint(iterations), Hash: union(js.ValueOf("SHA-256")),
	}).JSValue())
}

// prfKEK derives the key-encryption key of a WebAuthn PRF output as
// vault.PRFKey does (HKDF-SHA256), in SubtleCrypto.
func prfKEK(prf []byte) (*crypto.CryptoKey, error) {
	if len(prf) < 32 {
		return nil, fmt.Errorf("a PRF output has at least 32 bytes, found %d", len(prf))
	}
	return derive("HKDF", prf, (&crypto.HkdfParams{
		Name: "HKDF", Hash: union(js.ValueOf("SHA-256")), Salt: union(bytesJS(nil)), Info: union(bytesJS([]byte(vault.PRFInfo))),
	}).JSValue())
}

// derive imports secret for the KDF called name and derives a
// non-extractable AES-256-GCM key with params.
func derive(name string, secret []byte, params js.Value) (*crypto.CryptoKey, error) {
	s, err := subtle()
	if err != nil {
		return nil, err
	}
	base, err := await(promise(s.ImportKey(crypto.RawKeyFormat, union(bytesJS(secret)), union(js.ValueOf(name)), false, []crypto.KeyUsage{crypto.DeriveKeyKeyUsage})))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	aes := union((&crypto.AesDerivedKeyParams{Name: "AES-GCM", Length: 256}).JSValue())
	k, err := await(s.DeriveKey(union(params), crypto.CryptoKeyFromJS(base), aes, false, usages))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return crypto.CryptoKeyFromJS(k), nil
}
