// Package peer serves and drives the peer libraries Visage is measured
// against, in headless Chromium: face-api.js (@vladmandic/face-api, with the
// TensorFlow.js it bundles) on tfjs's wasm or webgl backend, and a
// TensorFlow.js style-transfer step on the same VGG-19 weights. The bench
// (e2e/cmd/bench) and the face-api.js LFW run (testdata/peers/faceapi_lfw)
// use it.
//
// The peer site is assembled from node_modules at serve time (only the files
// listed in peerFiles), beside the built Visage site, on one origin that is
// cross-origin isolated (COOP/COEP), so both sides may use threads.
package peer

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"visage/models/assets"
)

// pages are the in-page scripts, served under /peer/.
//
//go:embed page.html faceapi.mjs nst.mjs visage.mjs peak.mjs
var pages embed.FS

// peerFiles maps URL paths under /peer/ to files under the repository root:
// face-api.js's ES module bundle (TensorFlow.js 4.22 inside it) and
// tfjs-backend-wasm's binaries (plain, SIMD, threaded SIMD), which the bundle
// fetches from the path given to tf.setWasmPaths.
var peerFiles = map[string]string{
	"face-api.esm.js":                           "node_modules/@vladmandic/face-api/dist/face-api.esm.js",
	"tfjs/tfjs-backend-wasm.wasm":               "node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
	"tfjs/tfjs-backend-wasm-simd.wasm":          "node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
	"tfjs/tfjs-backend-wasm-threaded-simd.wasm": "node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
}

// isolationHeaders make every page cross-origin isolated (SharedArrayBuffer,
// hence threads for both sides) and keep responses same-origin, as
// `visage serve` does. There is no Content-Security-Policy: the tfjs wasm
// backend starts its thread pool from blob: workers, which the product's CSP
// forbids; no policy affects speed.
var isolationHeaders = map[string]string{
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Embedder-Policy": "require-corp",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Cache-Control":                "no-cache",
}

// Options say what a Server serves besides the peer files.
type Options struct {
	// Site is the built Visage site (./build.sh site), served at /; "" for
	// none.
	Site string
	// Dirs maps URL prefixes (without slashes, e.g. "lfw") to directories
	// served under /PREFIX/.
	Dirs map[string]string
}

// Server serves the peer site on 127.0.0.1.
type Server struct {
	URL string // http://127.0.0.1:PORT/
	srv *http.Server
}

// Serve starts serving on a random port of 127.0.0.1: /peer/ (the in-page
// scripts, face-api.js, the tfjs wasm binaries), /peer/models/ (face-api.js's
// weights), /peer/vgg19/ (the VGG-19 weights, when present), opt.Site at /
// and opt.Dirs. It fails if a needed file is missing. The caller closes it.
func Serve(opt Options) (*Server, error) {
	root, err := assets.RepoRoot()
	if err != nil {
		return nil, err
	}
	models, err := assets.FaceModelsDir()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for name, rel := range peerFiles {
		file := filepath.Join(root, rel)
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("peer: %w (run npm ci)", err)
		}
		mux.HandleFunc("GET /peer/"+name, func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, file) })
	}
	sub, _ := fs.Sub(pages, ".") // "." always exists
	mux.Handle("GET /peer/", http.StripPrefix("/peer/", http.FileServerFS(sub)))
	dirs := map[string]string{"peer/models": models}
	if vgg, err := assets.VGG19Dir(); err == nil {
		if _, err := os.Stat(filepath.Join(vgg, "manifest.json")); err == nil {
			dirs["peer/vgg19"] = vgg
		}
	}
	for prefix, dir := range opt.Dirs {
		dirs[strings.Trim(prefix, "/")] = dir
	}
	for prefix, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("peer: expected a directory to serve at /%s/, found %s (%v)", prefix, dir, err)
		}
		mux.Handle("GET /"+prefix+"/", http.StripPrefix("/"+prefix+"/", http.FileServer(http.Dir(dir))))
	}
	if opt.Site != "" {
		mux.Handle("GET /", http.FileServer(http.Dir(opt.Site)))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String() + "/"}
	s.srv = &http.Server{Handler: withHeaders(mux), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) // returns ErrServerClosed on Close
	return s, nil
}

// withHeaders sets isolationHeaders and the JavaScript/wasm MIME types on
// every response.
func withHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range isolationHeaders {
			w.Header().Set(k, v)
		}
		switch path.Ext(r.URL.Path) {
		case ".js", ".mjs":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case ".wasm":
			w.Header().Set("Content-Type", "application/wasm")
		}
		h.ServeHTTP(w, r)
	})
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Open navigates the tab in ctx to the peer page (/peer/page.html) of the
// server at url and checks that it is cross-origin isolated.
func Open(ctx context.Context, url string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"peer/page.html")); err != nil {
		return fmt.Errorf("peer: opening %speer/page.html: %w", url, err)
	}
	isolated, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("crossOriginIsolated"))
	if err != nil {
		return fmt.Errorf("peer: %w", err)
	}
	if !isolated {
		return errors.New("peer: the page is not cross-origin isolated; COOP/COEP headers missing?")
	}
	return nil
}

// Call runs the exported async function fn of the in-page module module
// ("faceapi.mjs" or "nst.mjs" under /peer/) with args (marshalled to JSON)
// and returns its result decoded as T.
func Call[T any](ctx context.Context, module, fn string, args any) (T, error) {
	js, err := callJS(module, fn, args)
	if err != nil {
		var zero T
		return zero, err
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return out, fmt.Errorf("peer: %s %s: %w", module, fn, err)
	}
	return out, nil
}

// callJS returns the expression Call evaluates.
func callJS(module, fn string, args any) (string, error) {
	a, err := json.Marshal(args)
	if err != nil {
		return "", fmt.Errorf("peer: arguments of %s: %w", fn, err)
	}
	return fmt.Sprintf("import('/peer/%s').then((m) => m[%q](%s))", module, fn, a), nil
}
