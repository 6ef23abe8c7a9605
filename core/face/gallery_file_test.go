package face

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSaveLoadGallery(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "people.json")
	g := testGallery(t)
	if err := g.SetThreshold(0.45); err != nil {
		t.Fatal(err)
	}
	if err := SaveGallery(path, g); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("new gallery file mode = %v, want 0600", st.Mode().Perm())
	}
	back, err := LoadGallery(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(g) {
		t.Errorf("LoadGallery(SaveGallery(g)) differs from g")
	}

	// Overwriting keeps the file's permissions and leaves no temporary file.
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := g.Remove("bob"); err != nil {
		t.Fatal(err)
	}
	if err := SaveGallery(path, g); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("overwritten gallery file mode = %v, want 0640 kept", st.Mode().Perm())
	}
	if back, err := LoadGallery(path); err != nil || !reflect.DeepEqual(back.Names(), []string{"alice"}) {
		t.Errorf("after overwrite: %v, names %q", err, back.Names())
	}
	assertOnlyEntries(t, dir, "people.json")
}

// TestSaveGalleryFailureLeavesNoTrace: when the final rename cannot happen
// (the path is a directory) the error is reported, the directory is
// untouched and the temporary file is removed.
func TestSaveGalleryFailureLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "taken")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveGallery(path, testGallery(t)); err == nil {
		t.Fatalf("SaveGallery over a directory succeeded")
	}
	assertOnlyEntries(t, dir, "taken")
	assertOnlyEntries(t, path, "keep")

	if err := SaveGallery(filepath.Join(dir, "missing", "g.json"), testGallery(t)); err == nil {
		t.Errorf("SaveGallery into a missing directory succeeded")
	}
}

func TestLoadGalleryErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadGallery(filepath.Join(dir, "none.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadGallery of a missing file: err = %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"distanceThreshold":3,"labeledDescriptors":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadGallery(bad); err == nil {
		t.Errorf("LoadGallery of a file with threshold 3 succeeded")
	}
}

func assertOnlyEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}
