package face

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadGallery reads a gallery file written by SaveGallery or by face-api.js
// (see UnmarshalJSON for the layouts accepted). A missing file is an error
// that matches fs.ErrNotExist.
func LoadGallery(path string) (*Gallery, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	g := NewGallery()
	if err := g.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// SaveGallery writes g to path atomically: the JSON goes to a temporary file in
// the same directory, is flushed to disk, and then renamed over path, so a
// reader (or a crash) sees either the old file or the new one, never a part.
// A new file is readable by its owner only, since descriptors are biometric
// data; an existing file keeps its permissions.
func SaveGallery(path string, g *Gallery) (err error) {
	data, err := json.Marshal(g)
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
