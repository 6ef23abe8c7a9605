// Package atomicfile writes files so that a reader, or a crash, sees either the
// old content or the new, never a part: user data (galleries, caches, pictures)
// is never left half-written. Lock serialises the read-modify-write cycles of
// several processes on one file, so that none of their changes is lost.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes path through write: into a temporary file in the directory of
// the file path names, synced, then renamed over that file, and the directory
// synced in turn so that the rename itself survives a crash (where the system
// can sync a directory; see syncDir).
//
// A symbolic link is written through, never replaced: the new content goes
// to the file the link leads to (created if the link dangles) and the link
// stays a link. A new file gets the permissions perm (use 0600 for biometric
// data such as descriptors); an existing one keeps its own. Write refuses to
// replace what is not a regular file, or a file whose mode bits do not let
// this process write it: a read-only file (no write bit, as chmod a-w leaves
// it) is refused even to root, whom the system would let rename over it.
//
// On any error before the rename the temporary file is removed and path is
// untouched. An error from syncing the directory means the new content is in
// place but might not survive a crash.
//
// Write takes no lock: two processes that each read, change and Write the
// same file can lose one's change. Hold Lock around such a cycle.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	mode := perm
	if st, err := os.Stat(target); err == nil {
		if err := replaceable(describe(path, target), target, st); err != nil {
			return err
		}
		mode = st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*.tmp")
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
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("%s was replaced, but syncing its directory failed (the change may not survive a crash): %w", describe(path, target), err)
	}
	return nil
}

// Lock takes an exclusive lock for a read-modify-write cycle on path and
// returns the function that releases it. The caller calls Lock before it
// reads path and unlock after its Write has returned; every process that
// changes path must do the same, and then no cycle sees a state older than
// the last one's Write. Lock waits, without a time limit, while another
// process holds the lock. Readers need not lock: Write's rename shows them the
// old file or the new one.
//
// The lock is an flock(2) on a sidecar file, the target's name plus ".lock"
// beside it (created if missing, never removed, as removing it would let a
// waiter lock a file that a newcomer no longer finds), where the target is
// the file that Write(path) replaces: a symbolic link and the file it leads
// to share one lock. The lock is advisory (it binds only those who call
// Lock) and the system releases it when the process ends, however it ends.
// Systems without flock (anything but Unix) get an error.
func Lock(path string) (unlock func(), err error) {
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	name := target + ".lock"
	f, err := os.OpenFile(name, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s with %s: %w", path, name, err)
	}
	return func() { f.Close() }, nil
}

// maxLinks bounds the chain of symbolic links resolve follows, as the
// system's own limit (ELOOP) does.
const maxLinks = 255

// resolve returns the file that writing path replaces or creates: path itself
// when it is no symbolic link, else the file at the end of its chain of links,
// which need not exist (a dangling link names the file to create).
func resolve(path string) (string, error) {
	target, err := filepath.EvalSymlinks(path)
	if err == nil {
		return target, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	// Something on the way is missing: path itself, its directory, or the
	// end of a chain of links. Follow the links by hand to the missing name.
	for p, n := path, 0; n <= maxLinks; n++ {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || err == nil && st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			// Relative to the link's directory as the system finds it,
			// which a lexical join gets wrong when that directory is
			// reached through a link and dest climbs out with "..".
			dir, err := filepath.EvalSymlinks(filepath.Dir(p))
			if err != nil {
				return "", err
			}
			dest = filepath.Join(dir, dest)
		}
		p = dest
	}
	return "", fmt.Errorf("%s: more than %d symbolic links in a chain, expected a file at its end", path, maxLinks)
}

// describe names the file for an error: path, and the file it resolves to
// when that is another.
func describe(path, target string) string {
	if target == filepath.Clean(path) {
		return path
	}
	return fmt.Sprintf("%s (resolved to %s)", path, target)
}

// replaceable returns nil when Write may replace the existing file target,
// whose Stat is st, and otherwise an error that names the file as name and
// says what was found: not a regular file, read-only, or not writable by
// this process.
func replaceable(name, target string, st fs.FileInfo) error {
	mode := st.Mode()
	switch {
	case mode.IsDir():
		return fmt.Errorf("%s is a directory, expected a regular file; refusing to replace it", name)
	case !mode.IsRegular():
		return fmt.Errorf("%s is not a regular file (mode %v); refusing to replace it", name, mode)
	case mode.Perm()&0o222 == 0:
		return fmt.Errorf("%s is read-only (mode %#o); refusing to replace it", name, uint32(mode.Perm()))
	}
	if err := canWrite(target); err != nil {
		return fmt.Errorf("%s is not writable by this user (mode %#o): %w; refusing to replace it", name, uint32(mode.Perm()), err)
	}
	return nil
}
