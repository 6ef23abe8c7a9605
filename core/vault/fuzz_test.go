package vault

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzUnmarshalRecord: a person's record never panics the reader; what it
// accepts passes CheckPerson and marshals back to a record that reads the
// same.
func FuzzUnmarshalRecord(f *testing.F) {
	good, err := MarshalRecord(Person{ID: "abc", Name: "Ada", Encoder: DefaultEncoder, Descriptors: [][]float32{desc(1)}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"dlib"`), []byte(`"faceres"`), 1))
	f.Add([]byte(`{"version":1,"id":"abc","name":"Ada","encoder":"dlib","descriptors":[[1,2]]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := UnmarshalRecord("abc", data)
		if err != nil {
			return
		}
		if err := CheckPerson(p); err != nil {
			t.Fatalf("read a record CheckPerson refuses: %v", err)
		}
		again, err := MarshalRecord(p)
		if err != nil {
			t.Fatalf("a record read cannot be written: %v", err)
		}
		back, err := UnmarshalRecord("abc", again)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("written and read again: %+v, %v; want %+v", back, err, p)
		}
	})
}

// FuzzReadFile: a gallery file (the CLI's database, in the clear or
// encrypted, or a FaceMatcher JSON one) never panics the reader; a file in
// the clear that it reads writes back to one that reads the same records.
func FuzzReadFile(f *testing.F) {
	clear := &MemStore{}
	g, err := Open(clear, Unsealed{})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := g.Enroll("Ada", "", desc(1), nil); err != nil {
		f.Fatal(err)
	}
	file, err := WriteFile(clear, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(file)
	f.Add([]byte(`{"distanceThreshold":0.6,"labeledDescriptors":[]}`))
	f.Add([]byte(`{"format":"visage-gallery","version":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		store, key, err := ReadFile(data, func() ([]byte, error) { return nil, errors.New("no passphrase in a fuzz test") })
		if err != nil || key != nil {
			return
		}
		g, err := Open(store, Unsealed{})
		if err != nil {
			t.Fatalf("ReadFile accepted a store that does not open: %v", err)
		}
		again, err := WriteFile(store, nil)
		if err != nil {
			t.Fatalf("a file read cannot be written: %v", err)
		}
		back, _, err := ReadFile(again, nil)
		if err != nil {
			t.Fatalf("written and read again: %v", err)
		}
		h, err := Open(back, Unsealed{})
		if err != nil || !reflect.DeepEqual(h.People(), g.People()) || !h.Matcher().Equal(g.Matcher()) {
			t.Fatalf("written and read again: %v; the people or the matcher differ", err)
		}
	})
}
