package main

import (
	"errors"
	"fmt"
	"io/fs"

	"visage/core/face"
)

// openDB reads the gallery file at path (--db). A missing file is an empty
// gallery when create is set (enroll), and an error otherwise.
func openDB(path string, create bool) (*face.Gallery, error) {
	if path == "" {
		return nil, usagef("--db FILE is required")
	}
	g, err := face.LoadGallery(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		return face.NewGallery(), nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no database %s (create it with `visage enroll --db %s --name NAME IMAGE`)", path, path)
	}
	return g, err
}
