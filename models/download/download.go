// Package download fetches the model files Visage runs, from a Source (in the
// browser, the worker's fetch: see models/download/webfetch), and checks each one's
// length before anything is decoded, so that a download cut short is reported
// as what it is, naming the file and the bytes expected and received, rather
// than as a network that will not load.
//
// What is checked:
//
//   - every response against the length the server declared for it
//     (Content-Length), when it declared one;
//   - for a TensorFlow.js weights manifest (face-api.js's networks, a graph
//     model's weightsManifest), each group's shards together against the
//     bytes its weights need (weights.Needs: elements × stored width);
//   - for VGG-19, each raw file against manifest.json's size for it
//     (vgg19.Files);
//   - when the site ships sha256.json (HashesFile, written by build.sh), each
//     file it lists against its SHA-256.
//
// A file longer than it may be is cut off as soon as it passes its limit, so
// a wrong server cannot fill memory. Files are fetched at once, and the first
// failure cancels the others.
package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"testing/fstest"

	"visage/models/vgg19"
	"visage/models/weights"
)

// Source fetches files by name.
type Source interface {
	// Open starts fetching name (a slash-separated path relative to the
	// models' folder) and returns its body and the length the server
	// declared for it: -1 when it declared none, or when the length it
	// declared counts something else than the body's bytes (a
	// content-encoded response). A missing file is an error wrapping
	// ErrNotFound. Reading the body after ctx is done fails.
	Open(ctx context.Context, name string) (body io.ReadCloser, declared int64, err error)
}

// ErrNotFound is wrapped by a Source's error for a file the server does not
// have.
var ErrNotFound = errors.New("not found")

// Progress is told, after each part of a weight file that arrives, the bytes
// received so far of the total the manifests announce. It may be called from
// several goroutines, one call at a time.
type Progress func(loaded, total int64)

// HashesFile is the file, beside the models, that lists their SHA-256 hashes
// as {"name": "hex", …}.
const HashesFile = "sha256.json"

// maxManifest bounds a manifest, a graph model's JSON or HashesFile.
const maxManifest = 16 << 20

// Loader fetches model files from Source.
type Loader struct {
	Source   Source
	Progress Progress // nil: no reports
	// Hashes maps file names to their SHA-256 in hex (see LoadHashes);
	// every fetched file it names must match. nil: no hashes are checked.
	Hashes map[string]string
	// Optional names manifests and graph models that may be missing: a
	// Source error wrapping ErrNotFound for one leaves it and its shards
	// out instead of failing.
	Optional map[string]bool
}

// TFJS fetches the weight manifests named in manifests (face-api.js's
// `<model>-weights_manifest.json`) and the graph models named in graphs
// (model.json files whose weightsManifest lists their shards), then all
// their shards at once, and returns every file by name. Progress counts the
// shards' bytes, of the total their manifests need. Shard paths are
// resolved against their manifest's folder and must stay in it.
func (l *Loader) TFJS(ctx context.Context, manifests, graphs []string) (fstest.MapFS, error) {
	files := fstest.MapFS{}
	docs, err := l.fetchAll(ctx, append(append([]string(nil), manifests...), graphs...), nil, nil, nil, l.Optional)
	if err != nil {
		return nil, err
	}
	type group struct {
		label string // the manifest it belongs to
		need  weights.Need
		files []string // its paths, resolved
	}
	var groups []group
	limits := map[string]int64{}
	var shards []string
	var total int64
	for i, name := range append(append([]string(nil), manifests...), graphs...) {
		raw := docs[i]
		if raw == nil {
			continue // optional, and missing
		}
		files[name] = &fstest.MapFile{Data: raw}
		label := name
		if i >= len(manifests) {
			if raw, err = weightsManifest(name, raw); err != nil {
				return nil, err
			}
			if raw == nil {
				continue // a graph without weights
			}
			label = name + " weightsManifest"
		}
		needs, err := weights.Needs(label, raw)
		if err != nil {
			return nil, fmt.Errorf("download: %w", err)
		}
		for _, n := range needs {
			g := group{label: name, need: n}
			for _, p := range n.Paths {
				file := path.Join(path.Dir(name), p)
				if _, twice := limits[file]; twice {
					return nil, fmt.Errorf("download: %s names shard %s, which another manifest names too", name, file)
				}
				limits[file] = n.Bytes // no shard of a group holds more than the group needs
				shards = append(shards, file)
				g.files = append(g.files, file)
			}
			groups = append(groups, g)
			total += n.Bytes
		}
	}
	// A group is checked as soon as its shards are in, so that a truncated
	// one stops the other downloads.
	var mu sync.Mutex
	got := map[string][]byte{}
	left := make([]int, len(groups))
	groupOf := map[string]int{}
	for gi, g := range groups {
		left[gi] = len(g.files)
		for _, f := range g.files {
			groupOf[f] = gi
		}
	}
	_, err = l.fetchAll(ctx, shards, limits, newCounter(l.Progress, total), func(i int, b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		got[shards[i]] = b
		gi := groupOf[shards[i]]
		if left[gi]--; left[gi] > 0 {
			return nil
		}
		g := groups[gi]
		return CheckGroup(g.label, g.need.Bytes, g.files, got)
	}, nil)
	if err != nil {
		return nil, err
	}
	for s, b := range got {
		files[s] = &fstest.MapFile{Data: b}
	}
	if err := l.checkHashes(files); err != nil {
		return nil, err
	}
	return files, nil
}

// VGG19 fetches VGG-19's manifest.json, then the raw files of the layers
// vgg19.Load reads (vgg19.Files), and returns them by name. Progress counts
// the raw files' bytes, of the total manifest.json gives them.
func (l *Loader) VGG19(ctx context.Context) (fstest.MapFS, error) {
	docs, err := l.fetchAll(ctx, []string{vgg19.ManifestName}, nil, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	list, err := vgg19.Files(docs[0])
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	names := make([]string, len(list))
	limits := map[string]int64{}
	var total int64
	for i, f := range list {
		names[i] = f.Name
		limits[f.Name] = f.Size
		total += f.Size
	}
	bodies, err := l.fetchAll(ctx, names, limits, newCounter(l.Progress, total), func(i int, b []byte) error {
		return checkSize(list[i].Name, list[i].Size, int64(len(b)), vgg19.ManifestName+"'s size for it")
	}, nil)
	if err != nil {
		return nil, err
	}
	files := fstest.MapFS{vgg19.ManifestName: {Data: docs[0]}}
	for i, f := range list {
		files[f.Name] = &fstest.MapFile{Data: bodies[i]}
	}
	if err := l.checkHashes(files); err != nil {
		return nil, err
	}
	return files, nil
}

// LoadHashes fetches HashesFile from src: nil (and no error) when the server
// has none, since a site may host the models without it.
func LoadHashes(ctx context.Context, src Source) (map[string]string, error) {
	l := &Loader{Source: src}
	docs, err := l.fetchAll(ctx, []string{HashesFile}, nil, nil, nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h map[string]string
	if err := json.Unmarshal(docs[0], &h); err != nil {
		return nil, fmt.Errorf("download: %s: want {\"file\": \"SHA-256 in hex\", …}: %w", HashesFile, err)
	}
	return h, nil
}

// Hash returns b's SHA-256 in lower-case hex, as HashesFile lists it.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// checkHashes checks every file in files that l.Hashes names.
func (l *Loader) checkHashes(files fstest.MapFS) error {
	for name, f := range files {
		want, ok := l.Hashes[name]
		if !ok {
			continue
		}
		if got := Hash(f.Data); !strings.EqualFold(got, want) {
			return fmt.Errorf("download: %s: SHA-256 %s, %s says %s (a corrupt or replaced file)", name, got, HashesFile, want)
		}
	}
	return nil
}

// CheckGroup checks that the shards of one weights group (files, as fetched
// in got) hold together the want bytes its weights need (manifest names the
// manifest). The error names the file, or the group's files with what each
// holds, and the bytes expected and received.
func CheckGroup(manifest string, want int64, files []string, got map[string][]byte) error {
	var have int64
	sizes := make([]string, len(files))
	for i, f := range files {
		have += int64(len(got[f]))
		sizes[i] = fmt.Sprintf("%s %d", f, len(got[f]))
	}
	if have == want {
		return nil
	}
	why := "what " + manifest + "'s weights need"
	if len(files) == 1 {
		return checkSize(files[0], want, have, why)
	}
	return fmt.Errorf("download: %s: received %d bytes in all (%s), expected %d (%s): %s",
		strings.Join(files, "+"), have, strings.Join(sizes, ", "), want, why, verdict(want, have))
}

// checkSize checks that name's received bytes are the expected ones; why
// says where the expected count comes from.
func checkSize(name string, expected, received int64, why string) error {
	if expected == received {
		return nil
	}
	return fmt.Errorf("download: %s: received %d bytes, expected %d (%s): %s", name, received, expected, why, verdict(expected, received))
}

func verdict(expected, received int64) string {
	if received < expected {
		return "the download was cut short, or the file is truncated"
	}
	return "the file is not the one the manifest describes"
}

// weightsManifest returns a graph model's weightsManifest (nil when it has
// none).
func weightsManifest(name string, raw []byte) ([]byte, error) {
	var m struct {
		WeightsManifest json.RawMessage `json:"weightsManifest"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("download: %s: not a TensorFlow.js graph model: %w", name, err)
	}
	if len(m.WeightsManifest) == 0 || string(m.WeightsManifest) == "null" {
		return nil, nil
	}
	return m.WeightsManifest, nil
}

// counter sums the bytes received by several fetches and reports them.
type counter struct {
	mu       sync.Mutex
	progress Progress
	loaded   int64
	total    int64
}

func newCounter(p Progress, total int64) *counter {
	if p == nil {
		return nil
	}
	return &counter{progress: p, total: total}
}

func (c *counter) add(n int) {
	if c == nil || n == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loaded += int64(n)
	c.progress(c.loaded, c.total)
}

// fetchAll fetches names at once and returns their bodies in order; limits
// bounds each file's bytes (absent: maxManifest), and check, when not nil,
// is called with each body as it completes. The first failure (a fetch's or
// a check's) cancels the other fetches, and fetchAll returns it once they
// have all stopped. A file in optional that is not found has a nil body.
func (l *Loader) fetchAll(ctx context.Context, names []string, limits map[string]int64, c *counter, check func(i int, body []byte) error, optional map[string]bool) ([][]byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([][]byte, len(names))
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for i, name := range names {
		limit, ok := limits[name]
		if !ok {
			limit = maxManifest
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := l.fetch(ctx, name, limit, c)
			if errors.Is(err, ErrNotFound) && optional[name] {
				return
			}
			if err == nil && check != nil {
				err = check(i, b)
			}
			if err != nil {
				once.Do(func() { first = err; cancel() })
				return
			}
			out[i] = b
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return out, nil
}

// fetch reads one file of at most limit bytes and checks it against the
// length the server declared.
func (l *Loader) fetch(ctx context.Context, name string, limit int64, c *counter) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body, declared, err := l.Source.Open(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("download: %s: %w", name, err)
	}
	defer body.Close()
	if declared > limit {
		return nil, fmt.Errorf("download: %s: the server announces %d bytes, more than the %d expected: the file is not the one the manifest describes", name, declared, limit)
	}
	size := limit
	if declared >= 0 {
		size = declared
	}
	buf := make([]byte, 0, min(size, 64<<20)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		c.add(n)
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("download: %s: received more than the %d bytes expected: the file is not the one the manifest describes", name, limit)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("download: %s: after %d bytes: %w", name, len(buf), err)
		}
	}
	if declared >= 0 {
		if err := checkSize(name, declared, int64(len(buf)), "the server's Content-Length"); err != nil {
			return nil, err
		}
	}
	return buf, nil
}
