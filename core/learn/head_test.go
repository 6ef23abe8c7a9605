package learn

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeadSave: Save writes MarshalJSON's bytes and a newline to a new 0644
// file, and refuses to replace a read-only one, which it leaves as it was
// (os.WriteFile, as root, would have overwritten it).
func TestHeadSave(t *testing.T) {
	x, l := clusters(rand.New(rand.NewPCG(8, 8)), 4, 3)
	h, _, err := TrainTriplet(Dataset{FromRows(x), l}, TripletConfig{Identity: true, Dim: 128, Margin: 0.2, P: 2, K: 2, Epochs: 1, Optim: "sgd", LR: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	h.Threshold = 1 // a head is saved with its threshold, which must be in its kind's range
	want, err := h.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "head.json")
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if !bytes.Equal(got, append(want, '\n')) || st.Mode().Perm() != 0o644 {
		t.Errorf("saved %d bytes, mode %v; want MarshalJSON's %d and a newline, mode 0644", len(got), st.Mode().Perm(), len(want))
	}

	ro := filepath.Join(dir, "ro.json")
	if err := os.WriteFile(ro, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := h.Save(ro); err == nil || !strings.Contains(err.Error(), ro+" is read-only") {
		t.Errorf("Save over a 0444 file: err = %v, want it refused as read-only", err)
	}
	if got, _ := os.ReadFile(ro); string(got) != "old" {
		t.Errorf("read-only file now %.40q, want it untouched", got)
	}
}
