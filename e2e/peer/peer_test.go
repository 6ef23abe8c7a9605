package peer

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/e2e"
	"visage/models/assets/assettest"
)

// TestServe checks what the peer pages depend on without a browser: the
// isolation headers on every response, the JavaScript and wasm MIME types,
// the files from node_modules, the embedded pages, the extra directories,
// and that nothing else is served.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("extra"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(Options{Dirs: map[string]string{"extra": dir}})
	if err != nil {
		if os.Getenv("VISAGE_E2E") == "" {
			t.Skipf("no peer files (npm ci not run?): %v", err)
		}
		t.Fatal(err)
	}
	defer srv.Close()
	cases := []struct {
		path, status, typ, body string
	}{
		{"peer/page.html", "200 OK", "text/html", "Visage peers"},
		{"peer/faceapi.mjs", "200 OK", "text/javascript", "face-api.esm.js"},
		{"peer/face-api.esm.js", "200 OK", "text/javascript", "Face-API"},
		{"peer/tfjs/tfjs-backend-wasm-threaded-simd.wasm", "200 OK", "application/wasm", "\x00asm"},
		{"peer/models/face_recognition_model-weights_manifest.json", "200 OK", "application/json", "weights"},
		{"extra/a.txt", "200 OK", "text/plain", "extra"},
		{"peer/tfjs/other.wasm", "404 Not Found", "", ""},
		{"index.html", "404 Not Found", "", ""}, // no site given
	}
	for _, c := range cases {
		res, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Status != c.status {
			t.Errorf("%s: status %q, want %q", c.path, res.Status, c.status)
			continue
		}
		for k, v := range isolationHeaders {
			if k == "Cache-Control" && c.status != "200 OK" {
				continue // net/http drops it from error responses
			}
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s: header %s = %q, want %q", c.path, k, got, v)
			}
		}
		if c.status != "200 OK" {
			continue
		}
		if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, c.typ) {
			t.Errorf("%s: Content-Type %q, want %s…", c.path, got, c.typ)
		}
		if !strings.Contains(string(body), c.body) {
			t.Errorf("%s: body lacks %q", c.path, c.body)
		}
	}
}

// TestCallJS checks the expression Call evaluates: the module's export
// called with the JSON arguments.
func TestCallJS(t *testing.T) {
	got, err := callJS("nst.mjs", "setup", map[string]any{"lr": 2})
	if err != nil {
		t.Fatal(err)
	}
	want := `import('/peer/nst.mjs').then((m) => m["setup"]({"lr":2}))`
	if got != want {
		t.Errorf("callJS = %s, want %s", got, want)
	}
	if _, err := callJS("nst.mjs", "setup", func() {}); err == nil {
		t.Error("callJS accepted arguments that are not JSON")
	}
}

// TestWasmThreads sets up face-api.js's TensorFlow.js on the wasm backend
// with threads: 2, as the bench does on 2 cores, in headless Chromium: tfjs
// must report (getThreadsCount) at least min(2, hardwareConcurrency)
// threads, on the threaded SIMD build, and the page must see its real
// hardwareConcurrency again afterwards (faceapi.mjs's startWasm lifts
// tfjs's halving of it only while the backend starts).
func TestWasmThreads(t *testing.T) {
	srv, err := Serve(Options{})
	assettest.Need(t, err)
	defer srv.Close()
	chromium, err := e2e.ChromiumPath()
	assettest.Need(t, err)
	browser, cancel := e2e.Browser(chromium, t.TempDir())
	defer cancel()
	if err := chromedp.Do(browser); err != nil { // start the browser without a deadline
		t.Fatal(err)
	}
	ctx, cancelTimeout := context.WithTimeout(browser, 2*time.Minute)
	defer cancelTimeout()
	if err := Open(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	cores, err := chromedp.Run(ctx, chromedp.Evaluate[int]("navigator.hardwareConcurrency"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := Call[struct {
		Backend                     string
		Cores, Threads              int
		ThreadsAsked                int
		Isolated, SIMD, Multithread bool
	}](ctx, "faceapi.mjs", "setup", map[string]any{"backend": "wasm", "threads": 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tfjs-wasm on %d cores: %+v", cores, info)
	if info.Backend != "wasm" || !info.Isolated || !info.SIMD || !info.Multithread {
		t.Errorf("backend %q, isolated %v, SIMD %v, multithread %v; want wasm and all true", info.Backend, info.Isolated, info.SIMD, info.Multithread)
	}
	if want := min(2, cores); info.Threads < want || info.ThreadsAsked != 2 {
		t.Errorf("tfjs-wasm runs %d thread(s), %d asked for; want at least %d of 2 on %d cores", info.Threads, info.ThreadsAsked, want, cores)
	}
	if info.Cores != cores {
		t.Errorf("after setup the page reports %d cores, want its real %d", info.Cores, cores)
	}
}
