package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"

	"visage/core/face"
	"visage/core/learn"
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

// matchFlags are the --db and --threshold flags of the commands that compare
// a face with an existing database (verify, identify).
type matchFlags struct {
	db        *string
	threshold thresholdFlag
}

// add declares the flags on fl; verb says what a distance below the
// threshold does ("match", "recognise").
func (m *matchFlags) add(fl *flag.FlagSet, verb string) {
	m.db = fl.String("db", "", "database `FILE` written by `visage enroll` (or face-api.js's FaceMatcher.toJSON)")
	fl.Var(&m.threshold, "threshold", verb+fmt.Sprintf(" when the distance is below `T`, in (0, %v] (default: the database's, normally 0.6); with --head, the head's threshold instead", face.MaxThreshold))
}

// open reads the database, which must exist, with --threshold applied when
// given and no head decides (with one, the value is the head's threshold).
func (m *matchFlags) open(head *learn.Head) (*face.Gallery, error) {
	g, err := openDB(*m.db, false)
	if err != nil {
		return nil, err
	}
	if m.threshold.set && head == nil {
		if err := g.SetThreshold(m.threshold.value); err != nil {
			return nil, err
		}
	}
	return g, nil
}
