package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"visage/core/atomicfile"
	"visage/core/face"
	"visage/core/learn"
	"visage/core/vault"
)

// errNoDB is the error of a command run without its --db.
var errNoDB = usagef("--db FILE is required")

// envPassphrase is the environment variable holding a database's passphrase
// when no --passphrase-fd is given.
const envPassphrase = "VISAGE_PASSPHRASE"

// secretFlag is --passphrase-fd N: the database's passphrase is the first
// line read from file descriptor N (a pipe, say), never a flag's value,
// which other users could read in the process list.
type secretFlag struct {
	fd  int
	set bool
}

func (s *secretFlag) String() string {
	if !s.set {
		return ""
	}
	return fmt.Sprint(s.fd)
}

func (s *secretFlag) Set(v string) error {
	if _, err := fmt.Sscan(v, &s.fd); err != nil || s.fd < 0 || fmt.Sprint(s.fd) != v {
		return fmt.Errorf("expected a file descriptor number (0 or more), found %q", v)
	}
	s.set = true
	return nil
}

// add declares --passphrase-fd on fl.
func (s *secretFlag) add(fl *flag.FlagSet) {
	fl.Var(s, "passphrase-fd", "read the database's passphrase from file descriptor `N` (its first line); "+
		"else $"+envPassphrase+" if set. With one, enroll writes the database encrypted")
}

// passphrase returns the passphrase (--passphrase-fd's, else
// $VISAGE_PASSPHRASE's), or nil when none is given.
func (s *secretFlag) passphrase() ([]byte, error) {
	if !s.set {
		if v, ok := os.LookupEnv(envPassphrase); ok {
			if v == "" {
				return nil, fmt.Errorf("$%s is set but empty", envPassphrase)
			}
			return []byte(v), nil
		}
		return nil, nil
	}
	f := os.NewFile(uintptr(s.fd), fmt.Sprintf("passphrase-fd %d", s.fd))
	if f == nil {
		return nil, fmt.Errorf("--passphrase-fd %d is not an open file descriptor", s.fd)
	}
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the passphrase from file descriptor %d: %w", s.fd, err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, fmt.Errorf("file descriptor %d gave an empty passphrase", s.fd)
	}
	return line, nil
}

// dbFile is a database read for a change: its records and, when it is
// encrypted, its key.
type dbFile struct {
	path  string
	store *vault.MemStore
	key   *vault.FileKey // nil: in the clear
}

// readDB reads the database at path (a vault.FileFormat file, encrypted or
// not, or the older FaceMatcher JSON). pass is asked for only when the file
// is encrypted. A missing file is an error matching fs.ErrNotExist.
func readDB(path string, pass *secretFlag) (*dbFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	store, key, err := vault.ReadFile(data, func() ([]byte, error) {
		p, err := pass.passphrase()
		if err == nil && p == nil {
			err = fmt.Errorf("%s is encrypted: give its passphrase with --passphrase-fd N or $%s", path, envPassphrase)
		}
		return p, err
	})
	if errors.Is(err, vault.ErrOpen) {
		return nil, fmt.Errorf("wrong passphrase for %s; nothing was changed", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &dbFile{path, store, key}, nil
}

// openDB reads the gallery file at path (--db), which must exist, for a
// command that only reads it (verify, identify). It takes no lock: the
// database is only ever replaced whole, by a rename (atomicfile.Write), so a
// reader sees one complete version.
func openDB(path string, pass *secretFlag) (*face.Gallery, error) {
	if path == "" {
		return nil, errNoDB
	}
	db, err := readDB(path, pass)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database %s (create it with `visage enroll --db %s --name NAME IMAGE`)", path, path)
	}
	if err != nil {
		return nil, err
	}
	g, err := vault.Open(db.store, db.key.Sealer())
	if err != nil {
		return nil, err
	}
	return g.Matcher(), nil
}

// lockDB takes the database's exclusive lock (atomicfile.Lock, a sidecar
// PATH.lock) and then reads the gallery at path (--db), for a command that
// changes it (enroll); a missing file is an empty gallery. Given a
// passphrase, a database in the clear (or a new one) is encrypted from this
// save on. The caller saves with db.save and only then calls unlock, so that
// a command running beside it reads the saved gallery and no change is
// lost. unlock is nil when err is not.
func lockDB(path string, pass *secretFlag) (g *vault.Gallery, db *dbFile, unlock func(), err error) {
	if path == "" {
		return nil, nil, nil, errNoDB
	}
	release, err := atomicfile.Lock(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	db, err = readDB(path, pass)
	if errors.Is(err, fs.ErrNotExist) {
		db, err = &dbFile{path: path, store: &vault.MemStore{}}, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if db.key == nil {
		p, err := pass.passphrase()
		if err != nil {
			return nil, nil, nil, err
		}
		if p != nil {
			key, err := vault.NewFileKey(p)
			if err != nil {
				return nil, nil, nil, err
			}
			if db.store, err = vault.Reseal(db.store, vault.Unsealed{}, key.Sealer()); err != nil {
				return nil, nil, nil, err
			}
			db.key = key
		}
	}
	if g, err = vault.Open(db.store, db.key.Sealer()); err != nil {
		return nil, nil, nil, err
	}
	return g, db, release, nil
}

// save writes the database atomically (atomicfile.Write): a reader, or a
// crash, sees the old file or the new one, never a part. A new file is
// readable by its owner only, since descriptors are biometric data; an
// existing file keeps its permissions.
func (db *dbFile) save() error {
	data, err := vault.WriteFile(db.store, db.key)
	if err != nil {
		return err
	}
	return atomicfile.Write(db.path, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// matchFlags are the --db, --passphrase-fd and --threshold flags of the
// commands that compare a face with an existing database (verify,
// identify).
type matchFlags struct {
	db        *string
	pass      secretFlag
	threshold thresholdFlag
}

// add declares the flags on fl; verb says what a distance below the
// threshold does ("match", "recognise").
func (m *matchFlags) add(fl *flag.FlagSet, verb string) {
	m.db = fl.String("db", "", "database `FILE` written by `visage enroll` (or face-api.js's FaceMatcher.toJSON, dlib descriptors); its encoder must be --encoder's")
	m.pass.add(fl)
	fl.Var(&m.threshold, "threshold", verb+fmt.Sprintf(" when the distance is below `T`, in (0, %v] (default: the database's, normally 0.6); with --head, the head's threshold instead", face.MaxThreshold))
}

// open reads the database, which must exist, with --threshold applied when
// given and no head decides (with one, the value is the head's threshold).
func (m *matchFlags) open(head *learn.Head) (*face.Gallery, error) {
	g, err := openDB(*m.db, &m.pass)
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
