// Package atomicfile writes files so that a reader, or a crash, sees either the
// old content or the new, never a part: user data (galleries, caches, pictures)
// is never left half-written.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes path through write: into a temporary file in the same
// directory, synced, then renamed over path. A new file gets the permissions
// perm (use 0600 for biometric data such as descriptors); an existing one keeps
// its own. On any error the temporary file is removed and path is untouched.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	mode := perm
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
	if err := write(tmp); err != nil {
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
