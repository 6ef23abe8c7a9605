package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteReplacesAndKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	if err := Write(path, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "two"); return err }); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	st, _ = os.Stat(path)
	if string(got) != "two" || st.Mode().Perm() != 0o644 {
		t.Errorf("after rewrite: %q mode %v, want \"two\" 0644", got, st.Mode().Perm())
	}
}

func TestFailedWriteLeavesOldFileAndNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, 0o600, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file now %q, want the old content", got)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the file (temp not removed)", len(ents))
	}
}

// writeString is a Write callback that writes s.
func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// assertEntries checks that dir holds exactly the names want (so no
// temporary file was left behind).
func assertEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

// TestWriteThroughSymlink: writing a link (here a chain of two, the first
// relative) replaces the file at its end, which keeps its mode, and leaves
// the links as they were.
func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real", "db.json")
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	mid, link := filepath.Join(dir, "mid.json"), filepath.Join(dir, "link.json")
	if err := os.Symlink("real/db.json", mid); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(mid, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, 0o600, writeString("new")); err != nil {
		t.Fatal(err)
	}
	for l, want := range map[string]string{mid: "real/db.json", link: mid} {
		if dest, err := os.Readlink(l); err != nil || dest != want {
			t.Errorf("%s now leads to %q (%v), want the link to %q kept", l, dest, err, want)
		}
	}
	got, _ := os.ReadFile(target)
	st, _ := os.Stat(target)
	if string(got) != "new" || st.Mode().Perm() != 0o640 {
		t.Errorf("target after Write through the link: %q mode %v, want \"new\" 0640", got, st.Mode().Perm())
	}
	assertEntries(t, dir, "link.json", "mid.json", "real")
	assertEntries(t, filepath.Join(dir, "real"), "db.json")
}

// TestWriteThroughDanglingSymlink: a link to a missing file makes Write
// create that file, with perm, and the link then leads to it.
func TestWriteThroughDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link, target := filepath.Join(dir, "link.json"), filepath.Join(dir, "db.json")
	if err := os.Symlink("db.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, 0o600, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link (%v)", link, err)
	}
	got, _ := os.ReadFile(target)
	st, _ := os.Stat(target)
	if string(got) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("file created through the dangling link: %q mode %v, want \"new\" 0600", got, st.Mode().Perm())
	}
}

// TestWriteRefusesReadOnly: a file with no write bit is refused (root
// included, whom the system would let replace it), directly or through a
// link; the error names the file and its mode, the writer is not called, and
// the file is untouched.
func TestWriteRefusesReadOnly(t *testing.T) {
	dir := t.TempDir()
	path, link := filepath.Join(dir, "db.json"), filepath.Join(dir, "link.json")
	if err := os.WriteFile(path, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("db.json", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, link} {
		called := false
		err := Write(p, 0o600, func(w io.Writer) error { called = true; return nil })
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "read-only (mode 0444); refusing to replace it") {
			t.Errorf("Write(%s) of a 0444 file: err = %v, want it refused, naming the file and its mode", p, err)
		}
		if called {
			t.Errorf("Write(%s) of a 0444 file called the writer", p)
		}
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(got) != "old" || st.Mode().Perm() != 0o444 {
		t.Errorf("read-only file now %q mode %v, want \"old\" 0444", got, st.Mode().Perm())
	}
	assertEntries(t, dir, "db.json", "link.json")
}

// TestWriteRefusesDirectory: a directory in the file's place is refused
// with an error that says so, and left as it was.
func TestWriteRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, 0o600, writeString("new")); err == nil || !strings.Contains(err.Error(), path+" is a directory, expected a regular file") {
		t.Errorf("Write over a directory: err = %v, want it refused as a directory", err)
	}
	assertEntries(t, dir, "db.json")
	assertEntries(t, path)
}

// TestSyncDir: syncing a directory succeeds, and a missing one is an error
// naming it (so a failure would reach Write's caller).
func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	if err := syncDir(dir); err != nil {
		t.Errorf("syncDir(%s): %v", dir, err)
	}
	missing := filepath.Join(dir, "missing")
	if err := syncDir(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("syncDir of a missing directory: err = %v, want one naming it", err)
	}
}

// TestLockSharedThroughSymlink: a link and its target share one lock, a
// sidecar beside the target; a second Lock waits until the first is released.
func TestLockSharedThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "db.json"), filepath.Join(dir, "link.json")
	if err := os.Symlink("db.json", link); err != nil {
		t.Fatal(err)
	}
	unlock, err := Lock(link)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error)
	go func() {
		unlock2, err := Lock(target)
		if err == nil {
			unlock2()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock(%s) returned (%v) while Lock(%s) was held", target, err, link)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("Lock(%s) after the release: %v", target, err)
	}
	assertEntries(t, dir, "db.json.lock", "link.json")
}

// counterEnv, when set, makes TestLockHelper a worker process that adds
// counterAdds to the counter file it names.
const (
	counterEnv  = "ATOMICFILE_TEST_COUNTER"
	counterAdds = 20
)

// TestLockKeepsEveryUpdate runs several processes that each increment a
// counter file counterAdds times, each increment a Lock, a read, a pause and
// a Write: without the lock, processes would overwrite one another's counts.
func TestLockKeepsEveryUpdate(t *testing.T) {
	const procs = 4
	path := filepath.Join(t.TempDir(), "counter")
	if err := os.WriteFile(path, []byte("0"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmds := make([]*exec.Cmd, procs)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestLockHelper$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), counterEnv+"="+path)
		cmds[i].Stderr = os.Stderr
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker: %v", err)
		}
	}
	data, _ := os.ReadFile(path)
	if n, err := strconv.Atoi(string(data)); err != nil || n != procs*counterAdds {
		t.Errorf("counter is %q, want %d (%d processes × %d increments)", data, procs*counterAdds, procs, counterAdds)
	}
}

// TestLockHelper is TestLockKeepsEveryUpdate's worker; run directly it does
// nothing.
func TestLockHelper(t *testing.T) {
	path := os.Getenv(counterEnv)
	if path == "" {
		t.Skip("a worker process of TestLockKeepsEveryUpdate")
	}
	for range counterAdds {
		unlock, err := Lock(path)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(string(data))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // let another process read the same n, were there no lock
		if err := Write(path, 0o600, writeString(strconv.Itoa(n+1))); err != nil {
			t.Fatal(err)
		}
		unlock()
	}
}
