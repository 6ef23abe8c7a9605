package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"

	"visage/core/atomicfile"
	"visage/core/face"
	"visage/core/learn"
)

// errNoDB is the error of a command run without its --db.
var errNoDB = usagef("--db FILE is required")

// openDB reads the gallery file at path (--db), which must exist, for a
// command that only reads it (verify, identify). It takes no lock: the
// database is only ever replaced whole, by a rename (atomicfile.Write), so a
// reader sees one complete version.
func openDB(path string) (*face.Gallery, error) {
	if path == "" {
		return nil, errNoDB
	}
	g, err := face.LoadGallery(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database %s (create it with `visage enroll --db %s --name NAME IMAGE`)", path, path)
	}
	return g, err
}

// lockDB takes the database's exclusive lock (atomicfile.Lock, a sidecar
// PATH.lock) and then reads the gallery at path (--db), for a command that
// changes it (enroll); a missing file is an empty gallery. The caller saves
// with face.SaveGallery and only then calls unlock, so that a command running
// beside it reads the saved gallery and no change is lost. unlock is nil when
// err is not.
func lockDB(path string) (g *face.Gallery, unlock func(), err error) {
	if path == "" {
		return nil, nil, errNoDB
	}
	if unlock, err = atomicfile.Lock(path); err != nil {
		return nil, nil, err
	}
	g, err = face.LoadGallery(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return face.NewGallery(), unlock, nil
	case err != nil:
		unlock()
		return nil, nil, err
	}
	return g, unlock, nil
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
	m.db = fl.String("db", "", "database `FILE` written by `visage enroll` (or face-api.js's FaceMatcher.toJSON, dlib descriptors); its encoder must be --encoder's")
	fl.Var(&m.threshold, "threshold", verb+fmt.Sprintf(" when the distance is below `T`, in (0, %v] (default: the database's, normally 0.6); with --head, the head's threshold instead", face.MaxThreshold))
}

// open reads the database, which must exist, with --threshold applied when
// given and no head decides (with one, the value is the head's threshold).
func (m *matchFlags) open(head *learn.Head) (*face.Gallery, error) {
	g, err := openDB(*m.db)
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
