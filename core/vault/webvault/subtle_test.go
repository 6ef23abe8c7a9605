//go:build js && wasm

package webvault

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"visage/core/vault"
)

// vectors is core/vault/testdata/subtle_vectors.json: made by WebCrypto in
// Node from the layout's documentation (make_vectors.mjs), and read by
// vault's native tests with Go's crypto/aes.
type vectors struct {
	Key, ID, Plaintext, Sealed, Passphrase, File string
	PRF                                          string `json:"prf"`
	PRFKEK                                       string `json:"prfKek"`
}

func load(t *testing.T) vectors {
	t.Helper()
	data, err := os.ReadFile("../testdata/subtle_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSubtleSealerMatchesGo: what SubtleCrypto (through this package) seals
// opens with Go's crypto/aes (vault.GCM) and the other way round, and the
// committed WebCrypto record opens here too.
func TestSubtleSealerMatchesGo(t *testing.T) {
	v := load(t)
	raw := b64(t, v.Key)
	key, err := ImportKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	subtle, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	goSealer, err := vault.NewGCM(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := subtle.Open(v.ID, b64(t, v.Sealed)); err != nil || !bytes.Equal(got, b64(t, v.Plaintext)) {
		t.Fatalf("the committed WebCrypto record opened as %.40q, %v", got, err)
	}
	plain := []byte(`{"a record":"of some length"}`)
	bySubtle, err := subtle.Seal("person/1", plain)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := goSealer.Open("person/1", bySubtle); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("crypto/aes opened SubtleCrypto's record as %q, %v", got, err)
	}
	byGo, _ := goSealer.Seal("person/2", plain)
	if got, err := subtle.Open("person/2", byGo); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("SubtleCrypto opened crypto/aes's record as %q, %v", got, err)
	}
	if _, err := subtle.Open("person/1", byGo); !errors.Is(err, vault.ErrOpen) {
		t.Errorf("a record opened under another id gave %v, expected ErrOpen", err)
	}
}

// TestSubtleKeyDerivationsMatchGo: the passphrase and PRF key-encryption
// keys SubtleCrypto derives open what WebCrypto and vault wrapped.
func TestSubtleKeyDerivationsMatchGo(t *testing.T) {
	v := load(t)
	var file struct {
		Key struct {
			Iterations    int
			Salt, Wrapped []byte
		}
	}
	if err := json.Unmarshal([]byte(v.File), &file); err != nil {
		t.Fatal(err)
	}
	kek, err := passphraseKEK([]byte(v.Passphrase), file.Key.Salt, file.Key.Iterations)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewSealer(kek)
	if got, err := s.Open(vault.DataKeyID, file.Key.Wrapped); err != nil || !bytes.Equal(got, b64(t, v.Key)) {
		t.Errorf("the passphrase's key unwrapped %x, %v; expected the data key %x", got, err, b64(t, v.Key))
	}
	wrong, _ := passphraseKEK([]byte(v.Passphrase+"!"), file.Key.Salt, file.Key.Iterations)
	s, _ = NewSealer(wrong)
	if _, err := s.Open(vault.DataKeyID, file.Key.Wrapped); !errors.Is(err, vault.ErrOpen) {
		t.Errorf("a wrong passphrase gave %v, expected ErrOpen", err)
	}
	wrapped, err := vault.WrapKey(b64(t, v.PRFKEK), []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	prf, err := prfKEK(b64(t, v.PRF))
	if err != nil {
		t.Fatal(err)
	}
	s, _ = NewSealer(prf)
	if got, err := s.Open(vault.DataKeyID, wrapped); err != nil || string(got) != "0123456789abcdef0123456789abcdef" {
		t.Errorf("the PRF key unwrapped %q, %v", got, err)
	}
}
