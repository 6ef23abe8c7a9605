//go:build js && wasm

// These tests run under Node (see wasm/main_test.go), with globalThis.fetch
// replaced by a fake serving streamed Responses.
package webfetch

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall/js"
	"testing"

	"visage/models/download"
)

// fakeFetch installs a globalThis.fetch serving files (URL → {data: bytes,
// length: the Content-Length to send, or null for none, encoding: a
// Content-Encoding}) in parts of 3 bytes, and restores the real one when the
// test ends.
func fakeFetch(t *testing.T, files map[string]map[string]any) {
	t.Helper()
	newFetch := js.Global().Get("Function").New("files", `
	  return async (url) => {
	    const f = files[url];
	    if (!f) return new Response('missing', { status: 404 });
	    if (f.hang) return new Response(new ReadableStream({ pull: () => new Promise(() => {}) }));
	    const data = Uint8Array.from(f.data);
	    let at = 0;
	    const body = new ReadableStream({
	      pull(c) {
	        if (at >= data.length) { c.close(); return; }
	        c.enqueue(data.slice(at, at + 3));
	        at += 3;
	      },
	    });
	    const headers = {};
	    if (f.length !== null) headers['Content-Length'] = String(f.length ?? data.length);
	    if (f.encoding) headers['Content-Encoding'] = f.encoding;
	    return new Response(body, { headers });
	  };`)
	served := map[string]any{}
	for u, f := range files {
		served[u] = f
	}
	old := js.Global().Get("fetch")
	js.Global().Set("fetch", newFetch.Invoke(served))
	t.Cleanup(func() { js.Global().Set("fetch", old) })
}

func bytesAny(b []byte) []any {
	out := make([]any, len(b))
	for i, v := range b {
		out[i] = int(v)
	}
	return out
}

func TestSourceReadsAStreamAndItsLength(t *testing.T) {
	data := []byte("0123456789abcdef")
	fakeFetch(t, map[string]map[string]any{
		"https://x.test/m/a.bin":     {"data": bytesAny(data)},
		"https://x.test/m/none.bin":  {"data": bytesAny(data), "length": nil},
		"https://x.test/m/gzip.bin":  {"data": bytesAny(data), "length": 5, "encoding": "gzip"},
		"https://x.test/m/short.bin": {"data": bytesAny(data[:7]), "length": 16},
	})
	src := &Source{Base: "https://x.test/m/"}
	for _, c := range []struct {
		name     string
		declared int64
	}{{"a.bin", 16}, {"none.bin", -1}, {"gzip.bin", -1}, {"short.bin", 16}} {
		body, declared, err := src.Open(context.Background(), c.name)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := io.ReadAll(body)
		body.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := string(data); c.name == "short.bin" {
			want = want[:7]
			if string(got) != want {
				t.Errorf("%s: read %q, want %q", c.name, got, want)
			}
		} else if string(got) != want {
			t.Errorf("%s: read %q, want %q", c.name, got, want)
		}
		if declared != c.declared {
			t.Errorf("%s: declared %d, want %d", c.name, declared, c.declared)
		}
	}
	_, _, err := src.Open(context.Background(), "gone.bin")
	if err == nil || !errors.Is(err, download.ErrNotFound) || !strings.Contains(err.Error(), "https://x.test/m/gone.bin: HTTP 404") {
		t.Errorf("missing file: error %v, want HTTP 404 naming the URL and wrapping ErrNotFound", err)
	}
}

// download over this Source: a shard shorter than its manifest needs is an
// error naming it and both sizes; progress counts the streamed parts.
func TestLoaderOverFetch(t *testing.T) {
	const manifest = `[{"paths": ["w.bin"], "weights": [{"name": "w", "shape": [5], "dtype": "float32", "quantization": {"dtype": "float16"}}]}]`
	files := map[string]map[string]any{
		"https://x.test/m/w-weights_manifest.json": {"data": bytesAny([]byte(manifest))},
		"https://x.test/m/w.bin":                   {"data": bytesAny(make([]byte, 10))},
	}
	fakeFetch(t, files)
	var reports int
	var last [2]int64
	l := &download.Loader{Source: &Source{Base: "https://x.test/m/"}, Progress: func(loaded, total int64) {
		reports++
		last = [2]int64{loaded, total}
	}}
	got, err := l.TFJS(context.Background(), []string{"w-weights_manifest.json"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got["w.bin"].Data) != 10 || reports != 4 || last != [2]int64{10, 10} {
		t.Errorf("w.bin %d bytes, %d reports, last %v; want 10 bytes in 4 parts of at most 3, last [10 10]", len(got["w.bin"].Data), reports, last)
	}

	files["https://x.test/m/w.bin"] = map[string]any{"data": bytesAny(make([]byte, 6))}
	fakeFetch(t, files)
	_, err = l.TFJS(context.Background(), []string{"w-weights_manifest.json"}, nil)
	if want := "w.bin: received 6 bytes, expected 10"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("truncated shard: error %v, want %q", err, want)
	}
}

// A cancelled download stops a read that waits on a stalled stream.
func TestCancelStopsAStalledRead(t *testing.T) {
	fakeFetch(t, map[string]map[string]any{"https://x.test/m/stall.bin": {"hang": true}})
	ctx, cancel := context.WithCancel(context.Background())
	body, _, err := (&Source{Base: "https://x.test/m/"}).Open(ctx, "stall.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	done := make(chan error, 1)
	go func() {
		_, err := body.Read(make([]byte, 8))
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Read after cancel: %v, want context.Canceled", err)
	}
}
