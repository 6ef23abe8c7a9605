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

// securityHeaders are set on every response of staticHandler. COOP and COEP
// make the page cross-origin isolated (SharedArrayBuffer, precise timers);
// CORP says our own files may be embedded only by our own pages.
var securityHeaders = map[string]string{
	"Content-Security-Policy":      contentSecurityPolicy,
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
	fl := newFlagSet("serve", "[--dir DIR] [--addr HOST:PORT]")
	dir := fl.String("dir", "build/site", "directory to serve (./build.sh site builds it)")
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on; keep the host 127.0.0.1 unless others should reach it")
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
	fmt.Fprintf(os.Stderr, "serving %s on http://%s/ (Ctrl-C to stop)\n", *dir, ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, ln, staticHandler(root))
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
