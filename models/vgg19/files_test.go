package vgg19

import (
	"encoding/json"
	"strings"
	"testing"
)

// testManifest is a manifest.json with an entry for every file Load reads
// (conv kernels 3×3×1×1, biases [1]) and one it does not (fc6).
func testManifest(edit func(map[string]any)) []byte {
	w := map[string]any{}
	for _, name := range convNames {
		w[name+"/kernel"] = map[string]any{"filename": name + "_kernel", "size": 9, "shape": []int{3, 3, 1, 1}}
		w[name+"/bias"] = map[string]any{"filename": name + "_bias", "size": 1, "shape": []int{1}}
	}
	w["fc6/kernel"] = map[string]any{"filename": "fc6_kernel", "size": 4, "shape": []int{4}}
	if edit != nil {
		edit(w)
	}
	b, err := json.Marshal(map[string]any{"weights": w})
	if err != nil {
		panic(err)
	}
	return b
}

func TestFiles(t *testing.T) {
	files, err := Files(testManifest(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2*len(convNames) {
		t.Fatalf("Files listed %d files, want %d (a kernel and a bias per layer up to conv5_1)", len(files), 2*len(convNames))
	}
	for i, name := range convNames {
		k, b := files[2*i], files[2*i+1]
		if k != (File{name + "_kernel", 9}) || b != (File{name + "_bias", 1}) {
			t.Errorf("layer %s: files %+v %+v, want %s_kernel (9 bytes) and %s_bias (1 byte)", name, k, b, name, name)
		}
	}
	for _, f := range files {
		if strings.HasPrefix(f.Name, "fc6") {
			t.Errorf("Files lists %s, which Load does not read", f.Name)
		}
	}
}

func TestFilesRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"missing entry", func(w map[string]any) { delete(w, "conv3_2/bias") }, `no entry "conv3_2/bias"`},
		{"size against shape", func(w map[string]any) { w["conv1_1/kernel"].(map[string]any)["size"] = 8 }, "conv1_1_kernel (conv1_1/kernel): manifest shape [3 3 1 1] holds 9 values but size is 8"},
		{"escaping name", func(w map[string]any) { w["conv1_1/bias"].(map[string]any)["filename"] = "../x" }, `file "../x"`},
		{"absolute name", func(w map[string]any) { w["conv1_1/bias"].(map[string]any)["filename"] = "/x" }, `file "/x"`},
	} {
		_, err := Files(testManifest(c.edit))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Files error %v, want one saying %q", c.name, err, c.want)
		}
	}
	if _, err := Files([]byte("{")); err == nil || !strings.Contains(err.Error(), ManifestName) {
		t.Errorf("malformed JSON: error %v, want one naming %s", err, ManifestName)
	}
}
