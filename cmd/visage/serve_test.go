package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
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

// openRoot opens dir as staticHandler's root, closed when the test ends.
func openRoot(t *testing.T, dir string) *os.Root {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

func TestStaticHandlerTypesAndHeaders(t *testing.T) {
	srv := httptest.NewServer(staticHandler(openRoot(t, writeSite(t))))
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

// TestContentSecurityPolicyIsStrict parses the policy the server actually
// sends, as a browser would (directives split at ';', the first of a name
// counts), and checks the directives the README's claim rests on, typed here
// rather than read from contentSecurityPolicy: nothing from another origin
// (default-src 'self'), script only from the page and WebAssembly
// compilation, no plugins, no framing, no <base>; and that no source in it
// names another origin or allows inline or eval'd script.
func TestContentSecurityPolicyIsStrict(t *testing.T) {
	srv := httptest.NewServer(staticHandler(openRoot(t, writeSite(t))))
	defer srv.Close()
	res, _ := get(t, srv, "GET", "/", "")
	headers := res.Header.Values("Content-Security-Policy")
	if len(headers) != 1 {
		t.Fatalf("%d Content-Security-Policy headers %q, want 1", len(headers), headers)
	}
	policy := map[string][]string{}
	for _, d := range strings.Split(headers[0], ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		name := strings.ToLower(fields[0])
		if _, seen := policy[name]; !seen {
			policy[name] = fields[1:]
		}
	}
	for name, want := range map[string][]string{
		"default-src":     {"'self'"},
		"script-src":      {"'self'", "'wasm-unsafe-eval'"},
		"worker-src":      {"'self'"},
		"object-src":      {"'none'"},
		"base-uri":        {"'none'"},
		"form-action":     {"'none'"},
		"frame-ancestors": {"'none'"},
	} {
		if got, ok := policy[name]; !ok || !slices.Equal(got, want) {
			t.Errorf("Content-Security-Policy %s is %q (present: %v), want %q; the policy: %s", name, got, ok, want, headers[0])
		}
	}
	for name, sources := range policy {
		for _, src := range sources {
			for _, bad := range []string{"http:", "https:", "*", "'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"} {
				if strings.Contains(src, bad) {
					t.Errorf("Content-Security-Policy %s allows %s: %s", name, src, headers[0])
				}
			}
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

// get sends method path to srv with the given Host ("" for srv's own) and
// returns the response with its body read.
func get(t *testing.T, srv *httptest.Server, method, path, host string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// TestServeSymlinks: a relative link that stays in the served folder is
// followed (to a file and to a folder); links out of it, relative or
// absolute, and absolute links even to a file inside, answer 404 and never
// the file's contents.
func TestServeSymlinks(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("outside secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeSite(t)
	rel, err := filepath.Rel(dir, secret)
	if err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"out-abs.txt":        secret,
		"out-rel.txt":        rel,
		"out-dir":            outside,
		"passwd.txt":         "/etc/passwd",
		"in-abs.js":          filepath.Join(dir, "app.js"),
		"in.js":              "app.js",
		"models/up.js":       "../app.js",
		"documentation":      "docs",
		"models/escape.json": "../../../../../../../../" + strings.TrimPrefix(secret, "/"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(staticHandler(openRoot(t, dir)))
	defer srv.Close()
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/in.js", 200, "export {};"},
		{"/models/up.js", 200, "export {};"},
		{"/documentation/", 200, "<p>docs</p>"},
		{"/out-abs.txt", 404, "404 page not found\n"},
		{"/out-rel.txt", 404, "404 page not found\n"},
		{"/out-dir/secret.txt", 404, "404 page not found\n"},
		{"/passwd.txt", 404, "404 page not found\n"},
		{"/models/escape.json", 404, "404 page not found\n"},
		{"/in-abs.js", 404, "404 page not found\n"},
	} {
		res, body := get(t, srv, "GET", tc.path, "")
		if res.StatusCode != tc.status || body != tc.body {
			t.Errorf("GET %s: status %d body %q, want %d %q", tc.path, res.StatusCode, body, tc.status, tc.body)
		}
	}
}

// TestServeDotfiles: no path with an element starting with '.' is served,
// a dotfile at the top, in a dot-folder or under a visible folder.
func TestServeDotfiles(t *testing.T) {
	dir := writeSite(t)
	for name, body := range map[string]string{
		".env":             "SECRET=1",
		".git/config":      "[core]",
		".git/index.html":  "<p>git</p>",
		"models/.hidden":   "hidden",
		"docs/.htpasswd":   "user:pw",
		".well-known/x.js": "export {};",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(staticHandler(openRoot(t, dir)))
	defer srv.Close()
	for _, p := range []string{
		"/.env", "/.git/config", "/.git/", "/.git/index.html", "/models/.hidden",
		"/docs/.htpasswd", "/.well-known/x.js", "/%2egit/config", "/docs/%2Ehtpasswd",
	} {
		for _, method := range []string{"GET", "HEAD"} {
			res, body := get(t, srv, method, p, "")
			want := "404 page not found\n"
			if method == "HEAD" {
				want = ""
			}
			if res.StatusCode != 404 || body != want {
				t.Errorf("%s %s: status %d body %q, want 404 %q", method, p, res.StatusCode, body, want)
			}
		}
	}
}

// TestServeBadPaths: a path with a NUL or other control character, a
// backslash or invalid UTF-8 answers 404, never 500, with the security
// headers all the same.
func TestServeBadPaths(t *testing.T) {
	srv := httptest.NewServer(staticHandler(openRoot(t, writeSite(t))))
	defer srv.Close()
	for _, p := range []string{
		"/index.html%00.js", "/index.html%00", "/%00", "/app.js%0a", "/app.js%7f",
		"/models%5cm.json", "/..%5c..%5cetc%5cpasswd", "/%ff%fe.js", "/app%c0%ae.js",
	} {
		res, body := get(t, srv, "GET", p, "")
		if res.StatusCode != 404 || body != "404 page not found\n" {
			t.Errorf("GET %s: status %d body %q, want 404 %q", p, res.StatusCode, body, "404 page not found\n")
		}
		if got := res.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q, want text/plain; charset=utf-8", p, got)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", p, got)
		}
	}
}

// TestServeServablePath: which request paths may name a file.
func TestServeServablePath(t *testing.T) {
	for _, p := range []string{"/", "/index.html", "/models/m.json", "/docs/", "/a..b.js", "/x.", "/é.png", "//app.js"} {
		if !servablePath(p) {
			t.Errorf("servablePath(%q) = false, want true", p)
		}
	}
	for _, p := range []string{
		"", "app.js", "/.git/config", "/.env", "/docs/.htpasswd", "/..", "/../etc/passwd", "/./app.js", "/docs/.",
		"/index.html\x00.js", "/app.js\n", "/app\x7f.js", "/app\t.js", "/models\\m.json", "/\xff.js",
	} {
		if servablePath(p) {
			t.Errorf("servablePath(%q) = true, want false", p)
		}
	}
}

// TestServeSiteFSHidesErrors: whatever the file system's error, siteFS
// reports fs.ErrNotExist, so that the file server answers 404, not 500.
func TestServeSiteFSHidesErrors(t *testing.T) {
	dir := writeSite(t)
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
		t.Fatal(err)
	}
	f := siteFS{openRoot(t, dir).FS()}
	for _, name := range []string{"index.html\x00.js", "passwd", "missing", "nolist"} {
		if _, err := f.Open(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q): %v, want fs.ErrNotExist", name, err)
		}
	}
}

// TestServeHostCheck: the server answers its own address and its loopback
// aliases and --host names, whatever their case, and refuses any other Host
// (a rebound DNS name, another port, none) with 421 and a message naming the
// Host found and those expected.
func TestServeHostCheck(t *testing.T) {
	var names hostNames
	for _, n := range []string{"Visage.Example", "proxy.test:9443"} {
		if err := names.Set(n); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(nil)
	hosts, err := allowedHosts(srv.Listener.Addr(), names)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = checkHost(hosts, staticHandler(openRoot(t, writeSite(t))))
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, host := range []string{
		"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port,
		"visage.example:" + port, "VISAGE.example:" + port, "proxy.test:9443",
	} {
		res, body := get(t, srv, "GET", "/app.js", host)
		if res.StatusCode != 200 || body != "export {};" {
			t.Errorf("Host %s: status %d body %q, want 200 %q", host, res.StatusCode, body, "export {};")
		}
	}
	for _, host := range []string{
		"attacker.example:" + port, "attacker.example", "localhost", "127.0.0.1",
		"localhost:1", "127.0.0.1:1" + port, "proxy.test:" + port, "visage.example",
		"localhost.:" + port, "127.0.0.2:" + port,
	} {
		res, body := get(t, srv, "GET", "/app.js", host)
		if res.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: status %d, want 421", host, res.StatusCode)
		}
		if want := fmt.Sprintf("Host %q is not this server; expected 127.0.0.1:%s, localhost:%s,", host, port, port); !strings.Contains(body, want) {
			t.Errorf("Host %s: body %q, want it to contain %q", host, body, want)
		}
		if strings.Contains(body, "export") {
			t.Errorf("Host %s: body %q gives the file away", host, body)
		}
		if got := res.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("Host %s: Content-Type %q, want text/plain; charset=utf-8", host, got)
		}
	}
}

// addr is a net.Addr with a fixed address, for allowedHosts.
type addr string

func (a addr) Network() string { return "tcp" }
func (a addr) String() string  { return string(a) }

// TestServeAllowedHosts: which Hosts each kind of listening address answers.
func TestServeAllowedHosts(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		names []string
		want  []string
	}{
		{"127.0.0.1:8080", nil, []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"}},
		{"[::1]:8080", nil, []string{"[::1]:8080", "localhost:8080", "127.0.0.1:8080"}},
		{"192.0.2.7:80", nil, []string{"192.0.2.7:80"}},
		{"192.0.2.7:80", []string{"Box.LAN", "box.lan:8443", "[2001:db8::1]", "2001:db8::2"},
			[]string{"192.0.2.7:80", "box.lan:80", "box.lan:8443", "[2001:db8::1]:80", "[2001:db8::2]:80"}},
	} {
		var names hostNames
		for _, n := range tc.names {
			if err := names.Set(n); err != nil {
				t.Fatal(err)
			}
		}
		got, err := allowedHosts(addr(tc.addr), names)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("allowedHosts(%s, %q) = %q, %v, want %q", tc.addr, tc.names, got, err, tc.want)
		}
	}
	// On all addresses: localhost and this machine's loopback, at least.
	got, err := allowedHosts(addr("0.0.0.0:8080"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0.0.0.0:8080", "localhost:8080", "127.0.0.1:8080"} {
		if !slices.Contains(got, want) {
			t.Errorf("allowedHosts(0.0.0.0:8080) = %q, want it to hold %s", got, want)
		}
	}
}

// TestServeHostFlag: --host takes NAME or NAME:PORT and refuses the rest.
func TestServeHostFlag(t *testing.T) {
	for _, bad := range []string{"", ":8080", "a/b", "user@host", "host:0", "host:http", "host:70000", "a b", "[::1", "a:b:c"} {
		var names hostNames
		if err := names.Set(bad); err == nil {
			t.Errorf("--host %q accepted as %v, want an error", bad, names)
		}
	}
}

// TestServePermissionsPolicy: every response lets the page's own origin use
// the camera and turns the other listed features off for everyone.
func TestServePermissionsPolicy(t *testing.T) {
	srv := httptest.NewServer(staticHandler(openRoot(t, writeSite(t))))
	defer srv.Close()
	for _, p := range []string{"/", "/app.js", "/missing.js", "/.git/config"} {
		res, _ := get(t, srv, "GET", p, "")
		got := res.Header.Get("Permissions-Policy")
		directives := strings.Split(got, ", ")
		if !slices.Contains(directives, "camera=(self)") {
			t.Errorf("GET %s: Permissions-Policy %q, want camera=(self)", p, got)
		}
		if !slices.Contains(directives, "microphone=()") || !slices.Contains(directives, "geolocation=()") {
			t.Errorf("GET %s: Permissions-Policy %q, want microphone=() and geolocation=()", p, got)
		}
		for _, d := range directives {
			if d != "camera=(self)" && !strings.HasSuffix(d, "=()") {
				t.Errorf("GET %s: Permissions-Policy directive %q, want camera=(self) or FEATURE=()", p, d)
			}
		}
	}
}
