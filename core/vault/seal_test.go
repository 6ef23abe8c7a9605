package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"
)

// subtleVectors is testdata/subtle_vectors.json: made by WebCrypto in Node
// (testdata/make_vectors.mjs) from the layout's documentation alone.
type subtleVectors struct {
	Key, ID, Plaintext, Sealed string
	Passphrase, Salt           string
	Iterations                 int
	KEK                        string `json:"kek"`
	File                       string
	PRF                        string `json:"prf"`
	PRFKEK                     string `json:"prfKek"`
}

func loadVectors(t *testing.T) subtleVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/subtle_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v subtleVectors
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

// vectorDescriptor is the descriptor make_vectors.mjs stores: fround(sin(i+1)/10).
func vectorDescriptor() []float32 {
	d := make([]float32, 128)
	for i := range d {
		d[i] = float32(math.Sin(float64(i+1)) / 10)
	}
	return d
}

func TestGCMOpensWhatSubtleCryptoSealed(t *testing.T) {
	v := loadVectors(t)
	s, err := NewGCM(b64(t, v.Key))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Open(v.ID, b64(t, v.Sealed))
	if err != nil {
		t.Fatalf("opening the WebCrypto record: %v", err)
	}
	if !bytes.Equal(plain, b64(t, v.Plaintext)) {
		t.Fatalf("opened %q, expected %q", plain, b64(t, v.Plaintext))
	}
	p, err := UnmarshalRecord(v.ID[len(personPrefix):], plain)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Ada" || p.Encoder != "dlib" || len(p.Descriptors) != 1 || p.Thumbnail == nil || !bytes.Equal(p.Thumbnail.RGBA, []byte{1, 2, 3, 255}) {
		t.Fatalf("record read as %+v", p)
	}
	for i, want := range vectorDescriptor() {
		if p.Descriptors[0][i] != want {
			t.Fatalf("descriptor value %d is %v, expected %v", i, p.Descriptors[0][i], want)
		}
	}
}

func TestSealedRecordOpensOnlyAsSealed(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	s, _ := NewGCM(key)
	a, err := s.Seal("person/x", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Seal("person/x", []byte("secret"))
	if bytes.Equal(a[versionSize:versionSize+IVSize], b[versionSize:versionSize+IVSize]) {
		t.Fatal("two seals used the same IV")
	}
	if len(a) != len("secret")+Overhead {
		t.Fatalf("sealed %d bytes into %d, expected %d", len("secret"), len(a), len("secret")+Overhead)
	}
	if got, err := s.Open("person/x", a); err != nil || string(got) != "secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := NewGCM(bytes.Repeat([]byte{8}, KeySize))
	flipped := bytes.Clone(a)
	flipped[len(flipped)-20] ^= 1
	newer := bytes.Clone(a)
	newer[1]++ // schema version 2: part of the associated data
	for name, open := range map[string]func() ([]byte, error){
		"another id":      func() ([]byte, error) { return s.Open("person/y", a) },
		"another key":     func() ([]byte, error) { return other.Open("person/x", a) },
		"a flipped bit":   func() ([]byte, error) { return s.Open("person/x", flipped) },
		"another version": func() ([]byte, error) { return s.Open("person/x", newer) },
	} {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("with %s: Open gave %v, expected ErrOpen", name, err)
		}
	}
	if _, err := s.Open("person/x", a[:Overhead-1]); err == nil {
		t.Error("a record shorter than the overhead opened")
	}
}

func TestKeyDerivationsMatchWebCrypto(t *testing.T) {
	v := loadVectors(t)
	kek, err := PassphraseKey([]byte(v.Passphrase), b64(t, v.Salt), v.Iterations)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kek, b64(t, v.KEK)) {
		t.Errorf("PBKDF2 gave %x, WebCrypto %x", kek, b64(t, v.KEK))
	}
	prfKek, err := PRFKey(b64(t, v.PRF))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(prfKek, b64(t, v.PRFKEK)) {
		t.Errorf("HKDF gave %x, WebCrypto %x", prfKek, b64(t, v.PRFKEK))
	}
	if _, err := PassphraseKey([]byte("x"), b64(t, v.Salt), MinPBKDF2Iterations-1); err == nil {
		t.Error("PBKDF2 accepted fewer iterations than the minimum")
	}
}
