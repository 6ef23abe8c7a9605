package download

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"visage/models/weights"
)

// fakeSource serves files from an in-memory folder, in parts of part bytes,
// declaring each file's length unless told otherwise.
type fakeSource struct {
	files    fstest.MapFS
	part     int
	declared map[string]int64 // a length to declare instead of the true one (-1: none)
	cut      map[string]int   // stop the body after this many bytes
	hang     map[string]bool  // block until ctx is done
	mu       sync.Mutex
	opened   []string
}

func (s *fakeSource) Open(ctx context.Context, name string) (io.ReadCloser, int64, error) {
	s.mu.Lock()
	s.opened = append(s.opened, name)
	s.mu.Unlock()
	f, ok := s.files[name]
	if !ok {
		return nil, 0, fmt.Errorf("could not fetch %s: HTTP 404: %w", name, ErrNotFound)
	}
	data := f.Data
	declared := int64(len(data))
	if d, ok := s.declared[name]; ok {
		declared = d
	}
	if n, ok := s.cut[name]; ok {
		data = data[:n]
	}
	return &fakeBody{ctx: ctx, r: bytes.NewReader(data), part: max(s.part, 1), hang: s.hang[name]}, declared, nil
}

type fakeBody struct {
	ctx  context.Context
	r    *bytes.Reader
	part int
	hang bool
}

func (b *fakeBody) Read(p []byte) (int, error) {
	if b.hang {
		<-b.ctx.Done()
	}
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	return b.r.Read(p[:min(len(p), b.part)])
}

func (b *fakeBody) Close() error { return nil }

// A face-api.js-like folder: a manifest with one quantized weight in one
// shard, a second in two shards, and a graph model with its own shard.
const (
	manifestA = `[{"paths": ["a.bin"], "weights": [
	  {"name": "a/q8", "shape": [10], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 1, "min": 0}},
	  {"name": "a/h", "shape": [3], "dtype": "float32", "quantization": {"dtype": "float16"}}]}]`
	manifestB = `[{"paths": ["b-shard1", "b-shard2"], "weights": [
	  {"name": "b/w", "shape": [2, 5], "dtype": "float32"},
	  {"name": "b/q16", "shape": [4], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 1, "min": 0}}]}]`
	graphG = `{"modelTopology": {"node": []}, "weightsManifest": [{"paths": ["g.bin"], "weights": [
	  {"name": "g/i", "shape": [3], "dtype": "int32"}]}]}`
)

// Hand-counted: a.bin 10·1 + 3·2 = 16; b's shards 10·4 + 4·2 = 48 (32 + 16);
// g.bin 3·4 = 12; 76 in all.
func folder() fstest.MapFS {
	return fstest.MapFS{
		"a-weights_manifest.json": {Data: []byte(manifestA)},
		"a.bin":                   {Data: bytes.Repeat([]byte{1}, 16)},
		"b-weights_manifest.json": {Data: []byte(manifestB)},
		"b-shard1":                {Data: bytes.Repeat([]byte{2}, 32)},
		"b-shard2":                {Data: bytes.Repeat([]byte{3}, 16)},
		"g.json":                  {Data: []byte(graphG)},
		"g.bin":                   {Data: bytes.Repeat([]byte{4}, 12)},
	}
}

var (
	manifests = []string{"a-weights_manifest.json", "b-weights_manifest.json"}
	graphs    = []string{"g.json"}
)

func TestTFJSFetchesEveryFileAndReportsProgress(t *testing.T) {
	src := &fakeSource{files: folder(), part: 5}
	var mu sync.Mutex
	var reports [][2]int64
	l := &Loader{Source: src, Progress: func(loaded, total int64) {
		mu.Lock()
		reports = append(reports, [2]int64{loaded, total})
		mu.Unlock()
	}}
	got, err := l.TFJS(context.Background(), manifests, graphs)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range folder() {
		if !bytes.Equal(got[name].Data, f.Data) {
			t.Errorf("%s: got %d bytes, want the served %d", name, len(got[name].Data), len(f.Data))
		}
	}
	if len(got) != len(folder()) {
		t.Errorf("got %d files, want %d", len(got), len(folder()))
	}
	if len(reports) == 0 {
		t.Fatal("no progress reported")
	}
	for i, r := range reports {
		if r[1] != 76 {
			t.Fatalf("report %d: total %d, want 76 (16 + 48 + 12, the shards' bytes)", i, r[1])
		}
		if i > 0 && r[0] <= reports[i-1][0] {
			t.Fatalf("report %d: loaded %d after %d, want it to grow", i, r[0], reports[i-1][0])
		}
	}
	if last := reports[len(reports)-1]; last[0] != 76 {
		t.Errorf("last report loaded %d bytes, want 76", last[0])
	}
	// What was fetched decodes.
	if _, err := weights.Load(got, "b-weights_manifest.json"); err != nil {
		t.Errorf("the fetched b does not load: %v", err)
	}
}

func TestTFJSDetectsTruncation(t *testing.T) {
	for _, c := range []struct {
		name   string
		edit   func(f fstest.MapFS, s *fakeSource)
		want   string
		notSay string
	}{
		{"a shard cut short on disk", func(f fstest.MapFS, _ *fakeSource) { f["a.bin"].Data = f["a.bin"].Data[:11] },
			"a.bin: received 11 bytes, expected 16 (what a-weights_manifest.json's weights need): the download was cut short", ""},
		{"a graph's shard cut short", func(f fstest.MapFS, _ *fakeSource) { f["g.bin"].Data = f["g.bin"].Data[:8] },
			"g.bin: received 8 bytes, expected 12 (what g.json's weights need)", ""},
		{"one shard of two cut short", func(f fstest.MapFS, _ *fakeSource) { f["b-shard2"].Data = f["b-shard2"].Data[:1] },
			"b-shard1+b-shard2: received 33 bytes in all (b-shard1 32, b-shard2 1), expected 48", ""},
		{"a connection dropped before Content-Length", func(_ fstest.MapFS, s *fakeSource) { s.cut = map[string]int{"a.bin": 7} },
			"a.bin: received 7 bytes, expected 16 (the server's Content-Length): the download was cut short", ""},
		{"dropped, no Content-Length", func(_ fstest.MapFS, s *fakeSource) {
			s.cut, s.declared = map[string]int{"b-shard1": 30}, map[string]int64{"b-shard1": -1}
		}, "b-shard1+b-shard2: received 46 bytes in all (b-shard1 30, b-shard2 16), expected 48", ""},
		{"a longer file", func(f fstest.MapFS, s *fakeSource) {
			f["a.bin"].Data = make([]byte, 100)
			s.declared = map[string]int64{"a.bin": -1}
		}, "a.bin: received more than the 16 bytes expected", ""},
		{"a longer file, announced", func(f fstest.MapFS, _ *fakeSource) { f["a.bin"].Data = make([]byte, 100) },
			"a.bin: the server announces 100 bytes, more than the 16 expected", ""},
		{"a missing shard", func(f fstest.MapFS, _ *fakeSource) { delete(f, "g.bin") }, "g.bin: could not fetch g.bin: HTTP 404", ""},
		{"a malformed manifest", func(f fstest.MapFS, _ *fakeSource) { f["a-weights_manifest.json"].Data = []byte(`[{"paths": ["../x"]`) },
			"a-weights_manifest.json: not a TensorFlow.js weights manifest", ""},
		{"an escaping shard path", func(f fstest.MapFS, _ *fakeSource) {
			f["a-weights_manifest.json"].Data = []byte(strings.Replace(manifestA, "a.bin", "../a.bin", 1))
		}, `"../a.bin" must be relative`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := &fakeSource{files: folder(), part: 4}
			c.edit(src.files, src)
			_, err := (&Loader{Source: src}).TFJS(context.Background(), manifests, graphs)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// A failure cancels the fetches still running: nothing waits on a stalled
// file once another has failed.
func TestFailureCancelsTheOthers(t *testing.T) {
	src := &fakeSource{files: folder(), hang: map[string]bool{"b-shard1": true}}
	src.files["a.bin"].Data = src.files["a.bin"].Data[:3]
	done := make(chan error, 1)
	go func() {
		_, err := (&Loader{Source: src}).TFJS(context.Background(), manifests, graphs)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a.bin: received 3 bytes, expected 16") {
			t.Errorf("error %v, want a.bin's truncation", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("TFJS still waits on the stalled shard after another failed")
	}
}

func vggFolder(t *testing.T) fstest.MapFS {
	// Every file vgg19.Files lists: a 3×3×1×1 kernel, a bias of 1.
	w := map[string]any{}
	f := fstest.MapFS{}
	for _, name := range []string{"conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3", "conv3_4", "conv4_1", "conv4_2", "conv4_3", "conv4_4", "conv5_1"} {
		w[name+"/kernel"] = map[string]any{"filename": name + "_kernel", "size": 9, "shape": []int{3, 3, 1, 1}}
		w[name+"/bias"] = map[string]any{"filename": name + "_bias", "size": 1, "shape": []int{1}}
		f[name+"_kernel"] = &fstest.MapFile{Data: make([]byte, 9)}
		f[name+"_bias"] = &fstest.MapFile{Data: make([]byte, 1)}
	}
	w["fc6/kernel"] = map[string]any{"filename": "fc6_kernel", "size": 4, "shape": []int{4}}
	f["fc6_kernel"] = &fstest.MapFile{Data: make([]byte, 4)}
	raw, err := json.Marshal(map[string]any{"weights": w})
	if err != nil {
		t.Fatal(err)
	}
	f["manifest.json"] = &fstest.MapFile{Data: raw}
	return f
}

func TestVGG19(t *testing.T) {
	src := &fakeSource{files: vggFolder(t), part: 4}
	var last [2]int64
	got, err := (&Loader{Source: src, Progress: func(l, t int64) { last = [2]int64{l, t} }}).VGG19(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1+26 || got["fc6_kernel"] != nil {
		t.Errorf("got %d files (fc6 %v), want manifest.json and the 26 files of conv1_1..conv5_1", len(got), got["fc6_kernel"] != nil)
	}
	if last != [2]int64{130, 130} {
		t.Errorf("last progress %v, want [130 130] (13 × (9 + 1))", last)
	}
	for _, s := range src.opened {
		if s == "fc6_kernel" {
			t.Error("fetched fc6_kernel, which no layer up to conv5_1 needs")
		}
	}

	src = &fakeSource{files: vggFolder(t), declared: map[string]int64{"conv4_2_kernel": -1}}
	src.files["conv4_2_kernel"].Data = src.files["conv4_2_kernel"].Data[:5]
	_, err = (&Loader{Source: src}).VGG19(context.Background())
	if want := "conv4_2_kernel: received 5 bytes, expected 9 (manifest.json's size for it): the download was cut short"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("truncated file: error %v, want %q", err, want)
	}
}

func TestHashes(t *testing.T) {
	files := folder()
	hashes := map[string]string{}
	for name, f := range files {
		hashes[name] = Hash(f.Data)
	}
	raw, _ := json.Marshal(hashes)
	files[HashesFile] = &fstest.MapFile{Data: raw}
	src := &fakeSource{files: files}
	h, err := LoadHashes(context.Background(), src)
	if err != nil || len(h) != len(hashes) {
		t.Fatalf("LoadHashes = %d hashes, %v; want %d", len(h), err, len(hashes))
	}
	if _, err := (&Loader{Source: src, Hashes: h}).TFJS(context.Background(), manifests, graphs); err != nil {
		t.Fatalf("matching hashes: %v", err)
	}
	files["g.bin"].Data = bytes.Repeat([]byte{9}, 12) // right size, other bytes
	_, err = (&Loader{Source: src, Hashes: h}).TFJS(context.Background(), manifests, graphs)
	if want := "g.bin: SHA-256 " + Hash(files["g.bin"].Data) + ", sha256.json says " + hashes["g.bin"]; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("replaced file: error %v, want %q", err, want)
	}

	delete(files, HashesFile)
	if h, err := LoadHashes(context.Background(), src); h != nil || err != nil {
		t.Errorf("no %s: LoadHashes = %v, %v; want nil, nil", HashesFile, h, err)
	}
	files[HashesFile] = &fstest.MapFile{Data: []byte("[1]")}
	if _, err := LoadHashes(context.Background(), src); err == nil || !strings.Contains(err.Error(), HashesFile) {
		t.Errorf("malformed %s: error %v", HashesFile, err)
	}
}

// An optional graph that is missing is left out; a missing required file,
// or an optional one that is there but truncated, still fails.
func TestOptionalGraphs(t *testing.T) {
	src := &fakeSource{files: folder()}
	delete(src.files, "g.json")
	l := &Loader{Source: src, Optional: map[string]bool{"g.json": true}}
	got, err := l.TFJS(context.Background(), manifests, graphs)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["g.json"]; ok || got["g.bin"] != nil || got["a.bin"] == nil {
		t.Errorf("got %d files, want a's and b's without g's", len(got))
	}
	src = &fakeSource{files: folder()}
	src.files["g.bin"].Data = src.files["g.bin"].Data[:2]
	l.Source = src
	if _, err := l.TFJS(context.Background(), manifests, graphs); err == nil || !strings.Contains(err.Error(), "g.bin: received 2 bytes, expected 12") {
		t.Errorf("optional but truncated: error %v", err)
	}
	src = &fakeSource{files: folder()}
	delete(src.files, "a-weights_manifest.json")
	if _, err := (&Loader{Source: src, Optional: l.Optional}).TFJS(context.Background(), manifests, graphs); err == nil || !errors.Is(err, ErrNotFound) {
		t.Errorf("a required manifest missing: error %v, want ErrNotFound", err)
	}
}
