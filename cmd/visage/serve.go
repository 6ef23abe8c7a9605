package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

func init() {
	register("serve", "serve the static web page (build/site) on localhost", runServe)
}

// contentSecurityPolicy allows only what the page needs: its own scripts and
// workers, WebAssembly compilation ('wasm-unsafe-eval', for visage.wasm in the
// worker), fetches of its own model files, and nothing from other origins. No
// inline script or style, no plugins, no framing, no <base> or form targets.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// permissionsPolicy lets the page (and only the page's own origin) ask for the
// camera, the one permission it uses (the live views' getUserMedia, video
// only), and turns off the other powerful features, which it never uses.
const permissionsPolicy = "camera=(self), microphone=(), geolocation=(), display-capture=(), " +
	"usb=(), serial=(), hid=(), midi=(), payment=(), accelerometer=(), gyroscope=(), magnetometer=()"

// securityHeaders are set on every response of staticHandler. COOP and COEP
// make the page cross-origin isolated (SharedArrayBuffer, precise timers);
// CORP says our own files may be embedded only by our own pages.
var securityHeaders = map[string]string{
	"Content-Security-Policy":      contentSecurityPolicy,
	"Permissions-Policy":           permissionsPolicy,
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Embedder-Policy": "require-corp",
	"Cross-Origin-Resource-Policy": "same-origin",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"Cache-Control":                "no-cache", // revalidate, so a rebuilt visage.wasm is picked up
}

// contentTypes fixes the MIME types the page depends on, whatever the host's
// mime.types says (WebAssembly.instantiateStreaming needs application/wasm;
// module scripts need a JavaScript type). Other files get Go's guess.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".map":  "application/json",
	".bin":  "application/octet-stream",
	".ts":   "text/plain; charset=utf-8", // visage.d.ts, not an MPEG transport stream
	".md":   "text/markdown; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".webp": "image/webp",
	".gif":  "image/gif",
	".svg":  "image/svg+xml",
}

func runServe(args []string) error {
	fl := newFlagSet("serve", "[--dir DIR] [--addr HOST:PORT] [--host NAME[:PORT]]...")
	dir := fl.String("dir", "build/site", "directory to serve (./build.sh site builds it)")
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on; keep the host 127.0.0.1 unless others should reach it")
	var names hostNames
	fl.Var(&names, "host", "also answer requests whose Host is `NAME` (with the listening port, or NAME:PORT as given); repeatable; "+
		"by default only the listening address (and localhost on a loopback or all-addresses listener) is answered")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if st, err := os.Stat(*dir); err != nil {
		return fmt.Errorf("cannot serve %s: %w (build it with ./build.sh site, or pass --dir)", *dir, err)
	} else if !st.IsDir() {
		return fmt.Errorf("cannot serve %s: expected a directory, found a file", *dir)
	}
	root, err := os.OpenRoot(*dir)
	if err != nil {
		return fmt.Errorf("cannot serve %s: %w", *dir, err)
	}
	defer root.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hosts, err := allowedHosts(ln.Addr(), names)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "serving %s on http://%s/ (Ctrl-C to stop)\n", *dir, ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, ln, checkHost(hosts, staticHandler(root)))
}

// hostNames is the repeatable --host flag: each use adds a NAME, meaning
// NAME with the listening port, or a NAME:PORT (an IPv6 address in brackets).
type hostNames []hostName

// hostName is one --host value; port is "" for the listening port.
type hostName struct{ host, port string }

func (l *hostNames) String() string { return fmt.Sprint([]hostName(*l)) }

func (l *hostNames) Set(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil { // no port: a name, an IPv4 address, an IPv6 one with or without brackets
		host, port = s, ""
		if inner, ok := strings.CutPrefix(s, "["); ok && strings.HasSuffix(inner, "]") {
			host = strings.TrimSuffix(inner, "]")
		}
	}
	if host == "" || strings.ContainsAny(host, "/@[] \t") || strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return fmt.Errorf("expected NAME or NAME:PORT, found %q", s)
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("expected a port from 1 to 65535 after the name, found %q", s)
		}
	}
	*l = append(*l, hostName{strings.ToLower(host), port})
	return nil
}

// allowedHosts lists the Host values (lower-case host:port, IPv6 in brackets)
// that a server listening on addr answers: addr itself; when addr is a
// loopback address, localhost, 127.0.0.1 and [::1] with its port; when addr
// is unspecified (0.0.0.0 or [::], all addresses), localhost and every
// address of this machine's interfaces with its port; and each of names
// (a proxy's or a tunnel's name, say), with its own port or addr's.
func allowedHosts(addr net.Addr, names hostNames) ([]string, error) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return nil, fmt.Errorf("host check: listening address %q: %w", addr, err)
	}
	hosts := []hostName{{host, port}}
	switch ip := net.ParseIP(host); {
	case ip.IsLoopback():
		hosts = append(hosts, hostName{"localhost", port}, hostName{"127.0.0.1", port}, hostName{"::1", port})
	case ip.IsUnspecified():
		ifaddrs, err := net.InterfaceAddrs()
		if err != nil {
			return nil, fmt.Errorf("host check: listening on all addresses (%s), but cannot list them: %w", addr, err)
		}
		hosts = append(hosts, hostName{"localhost", port})
		for _, a := range ifaddrs {
			if n, ok := a.(*net.IPNet); ok {
				hosts = append(hosts, hostName{n.IP.String(), port})
			}
		}
	}
	for _, n := range names {
		if n.port == "" {
			n.port = port
		}
		hosts = append(hosts, n)
	}
	var allowed []string
	for _, h := range hosts {
		if hp := net.JoinHostPort(h.host, h.port); !slices.Contains(allowed, hp) {
			allowed = append(allowed, hp)
		}
	}
	return allowed, nil
}

// checkHost answers only requests whose Host header (compared without case;
// no port means 80) is one of hosts (see allowedHosts), and any other with
// 421 Misdirected Request and a plain message naming the Host found and those
// expected. A page of another site that has pointed its own name at this
// machine (DNS rebinding) sends its name as Host, so it cannot read our
// pages.
func checkHost(hosts []string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = net.JoinHostPort(strings.Trim(host, "[]"), "80")
		}
		for _, ok := range hosts {
			if host == ok {
				h.ServeHTTP(w, r)
				return
			}
		}
		msg := fmt.Sprintf("misdirected request: Host %q is not this server; expected %s (visage serve --host adds names)",
			r.Host, strings.Join(hosts, ", "))
		http.Error(w, msg, http.StatusMisdirectedRequest)
	})
}

// serveUntil serves h on ln until ctx is done, then stops accepting, lets
// requests in flight finish (for up to 5 s) and returns nil.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stopping the server: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// staticHandler serves the files under root (GET and HEAD only, no directory
// listings, a folder's index.html for the folder) with securityHeaders on
// every response and contentTypes' types. What it refuses is answered 404,
// never 500: a path that servablePath rejects (a dotfile, a NUL, ...), and a
// file that root will not open. os.Root follows a symlink only while it
// stays under root: a relative link to a file or folder inside the tree
// works, and a link that leads out of it, or any absolute link, is refused,
// so a link planted in the folder cannot publish the rest of the disk. (A
// link inside the tree may name a dotfile inside it: the dotfile rule is on
// the path asked for, and links are the folder owner's own doing.)
func staticHandler(root *os.Root) http.Handler {
	files := http.FileServerFS(siteFS{root.FS()})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h.Set(k, v)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !servablePath(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		if ct, ok := contentTypes[path.Ext(r.URL.Path)]; ok {
			h.Set("Content-Type", ct)
		}
		files.ServeHTTP(w, r)
	})
}

// servablePath reports whether p, a request's decoded URL path, may name a
// file: it starts with '/', is valid UTF-8 and holds no control character
// (NUL included) and no backslash, and none of its '/'-separated elements
// starts with '.' (no dotfiles such as .git/config, no "." or "..").
func servablePath(p string) bool {
	if !strings.HasPrefix(p, "/") || !utf8.ValidString(p) {
		return false
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	for elem := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(elem, ".") {
			return false
		}
	}
	return true
}

// siteFS is what staticHandler's file server reads: it hides directories
// without an index.html, so that the file server answers 404 instead of
// listing them, and turns every failure to open or stat a file (a missing
// file, a symlink out of the root, a permission, an invalid name) into
// fs.ErrNotExist, so that the answer is 404 rather than 403 or 500.
type siteFS struct{ fs.FS }

func (f siteFS) Open(name string) (fs.File, error) {
	notFound := &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, notFound
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, notFound
	}
	if !st.IsDir() {
		return file, nil
	}
	if _, err := fs.Stat(f.FS, path.Join(name, "index.html")); err != nil {
		file.Close()
		return nil, notFound
	}
	return file, nil
}
