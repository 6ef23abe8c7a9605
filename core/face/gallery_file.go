package face

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"visage/core/atomicfile"
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
func SaveGallery(path string, g *Gallery) error {
	data, err := json.Marshal(g)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}
