//go:build unix

package atomicfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// canWrite asks the system whether this process may write path (access(2)
// with W_OK, which consults owner, group, other and any ACL). Root passes
// whatever the mode; replaceable checks the mode bits first for that reason.
func canWrite(path string) error {
	return unix.Access(path, unix.W_OK)
}

// lockFile waits for an exclusive flock(2) on f.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			return err
		}
	}
}

// syncDir flushes the directory dir, and with it the names just renamed in
// it, to disk. Filesystems that cannot sync a directory answer EINVAL or
// ENOTSUP; there nothing more can be done, and that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTSUP) {
		return err
	}
	return nil
}
