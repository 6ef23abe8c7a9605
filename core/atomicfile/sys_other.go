//go:build !unix

package atomicfile

import (
	"fmt"
	"os"
	"runtime"
)

// canWrite leaves the question to the mode bits replaceable has checked:
// there is no access(2) here.
func canWrite(string) error { return nil }

// lockFile fails: there is no flock(2) here.
func lockFile(*os.File) error {
	return fmt.Errorf("file locking is not supported on %s", runtime.GOOS)
}

// syncDir does nothing: outside Unix a directory cannot be opened and synced
// (Windows refuses, js/wasm has no disk of its own), and the rename is as
// durable as the system makes it.
func syncDir(string) error { return nil }
