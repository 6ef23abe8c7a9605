package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSite writes a small site into a temporary directory and returns it.
func writeSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html":         "<!doctype html><title>t</title>",
		"app.js":             "export {};",
		"lib.mjs":            "export {};",
		"visage.wasm":        "\x00asm\x01\x00\x00\x00",
		"visage.d.ts":        "export {};",
		"styles.css":         "body{}",
		"models/m.json":      "{}",
		"models/m.bin":       "\x01\x02",
		"vgg19/conv1_1_bias": "\x00\x01",
		"docs/index.html":    "<p>docs</p>",
		"nolist/readme.txt":  "hidden listing",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestStaticHandlerTypesAndHeaders(t *testing.T) {
	srv := httptest.NewServer(staticHandler(writeSite(t)))
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		status       int
		ctype, body  string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "<!doctype html><title>t</title>"},
		{"GET", "/app.js", 200, "text/javascript; charset=utf-8", "export {};"},
		{"GET", "/lib.mjs", 200, "text/javascript; charset=utf-8", "export {};"},
		{"GET", "/visage.wasm", 200, "application/wasm", "\x00asm\x01\x00\x00\x00"},
		{"GET", "/visage.d.ts", 200, "text/plain; charset=utf-8", "export {};"},
		{"GET", "/styles.css", 200, "text/css; charset=utf-8", "body{}"},
		{"GET", "/models/m.json", 200, "application/json", "{}"},
		{"GET", "/models/m.bin", 200, "application/octet-stream", "\x01\x02"},
		{"GET", "/vgg19/conv1_1_bias", 200, "application/octet-stream", "\x00\x01"},
		{"GET", "/docs/", 200, "text/html; charset=utf-8", "<p>docs</p>"},
		{"HEAD", "/app.js", 200, "text/javascript; charset=utf-8", ""},
		{"GET", "/missing.js", 404, "text/plain; charset=utf-8", "404 page not found\n"},
		{"GET", "/nolist/", 404, "text/plain; charset=utf-8", "404 page not found\n"},
		{"GET", "/../../etc/passwd", 404, "text/plain; charset=utf-8", "404 page not found\n"},
		{"POST", "/app.js", 405, "text/plain; charset=utf-8", "method not allowed\n"},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		what := tc.method + " " + tc.path
		if res.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s: status %d body %q, want %d %q", what, res.StatusCode, body, tc.status, tc.body)
		}
		if got := res.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", what, got, tc.ctype)
		}
		for k, v := range map[string]string{
			"Content-Security-Policy":      contentSecurityPolicy,
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Embedder-Policy": "require-corp",
			"X-Content-Type-Options":       "nosniff",
		} {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", what, k, got, v)
			}
		}
	}
}

// TestContentSecurityPolicyIsStrict checks the policy names no other origin
// and allows neither inline nor eval'd script.
func TestContentSecurityPolicyIsStrict(t *testing.T) {
	for _, bad := range []string{"http:", "https:", "*", "'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"} {
		if strings.Contains(contentSecurityPolicy, bad) {
			t.Errorf("Content-Security-Policy allows %s: %s", bad, contentSecurityPolicy)
		}
	}
}

// TestServeUntilGracefulShutdown: a request in flight when the context ends
// still gets its answer; then serveUntil returns nil and the port is closed.
func TestServeUntilGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- serveUntil(ctx, ln, h) }()

	url := "http://" + ln.Addr().String() + "/"
	answer := make(chan string, 1)
	go func() {
		res, err := http.Get(url)
		if err != nil {
			answer <- "error: " + err.Error()
			return
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		answer <- string(body)
	}()
	<-started
	cancel()
	select {
	case err := <-stopped:
		t.Fatalf("serveUntil returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if got := <-answer; got != "done" {
		t.Errorf("request in flight during shutdown got %q, want %q", got, "done")
	}
	if err := <-stopped; err != nil {
		t.Errorf("serveUntil: %v", err)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Errorf("port still accepts connections after shutdown")
	}
}
