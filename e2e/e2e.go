// Package e2e drives the built static site (./build.sh site) in headless
// Chromium: the end-to-end tests beside this file and the bench in cmd/bench
// share its server, its browser and its in-page encoder.
package e2e

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"visage/models/assets"
)

// Environment variables read by this package.
const (
	EnvSite     = "VISAGE_SITE" // the built site; default build/site under the repository root
	EnvChromium = "CHROMIUM"    // the browser binary; default DefaultChromium
)

// DefaultChromium is the browser used when $CHROMIUM is unset.
const DefaultChromium = "/usr/lib/chromium/chromium"

// SiteDir returns the built site's directory ($VISAGE_SITE, else build/site)
// after checking that it holds index.html and visage.wasm.
func SiteDir() (string, error) {
	dir := os.Getenv(EnvSite)
	if dir == "" {
		root, err := assets.RepoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "build", "site")
	}
	for _, f := range []string{"index.html", "visage.wasm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("e2e: site %s lacks %s (run ./build.sh site, or set %s): %w", dir, f, EnvSite, err)
		}
	}
	return dir, nil
}

// ChromiumPath returns the browser binary ($CHROMIUM, else DefaultChromium)
// after checking that it exists.
func ChromiumPath() (string, error) {
	path := os.Getenv(EnvChromium)
	if path == "" {
		path = DefaultChromium
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("e2e: no Chromium at %s (install chromium, or set %s): %w", path, EnvChromium, err)
	}
	return path, nil
}

// Server is `visage serve` (cmd/visage) running as a child process, so that
// the page is tested under the real server's CSP, isolation headers and MIME
// types.
type Server struct {
	URL    string // http://127.0.0.1:PORT/
	proc   *os.Process
	exited chan struct{} // closed when the process has exited
}

// Serve builds cmd/visage into tmpDir and starts `visage serve` for the
// static files in dir on a random port of 127.0.0.1. The caller closes it.
func Serve(dir, tmpDir string) (*Server, error) {
	root, err := assets.RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(tmpDir, "visage")
	build := exec.Command("go", "build", "-o", bin, "./cmd/visage")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("e2e: building cmd/visage: %w\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--dir", dir, "--addr", "127.0.0.1:0")
	stderr, w := io.Pipe()
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("e2e: starting visage serve: %w", err)
	}
	s := &Server{proc: cmd.Process, exited: make(chan struct{})}
	go func() {
		w.CloseWithError(cmd.Wait())
		close(s.exited)
	}()
	// The server announces its address on its first line of stderr; the rest
	// is drained, so that it never blocks on a write.
	lines := bufio.NewScanner(stderr)
	first := ""
	if lines.Scan() {
		first = lines.Text()
	}
	go io.Copy(io.Discard, stderr)
	if s.URL = serveURL.FindString(first); s.URL == "" {
		s.Close()
		return nil, fmt.Errorf("e2e: visage serve said %q, expected \"serving DIR on http://ADDR/\"", first)
	}
	return s, nil
}

// serveURL finds the address in `visage serve`'s first line.
var serveURL = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`)

// Close stops the server and waits for it to exit.
func (s *Server) Close() {
	s.proc.Signal(os.Interrupt)
	<-s.exited
}

// Browser starts headless Chromium (chromium, see ChromiumPath) with the
// profile in userDataDir (a new one when the folder is empty) and any extra
// options, and returns a chromedp context for one tab. cancel closes the
// browser. Run a first action on ctx before deriving timeouts from it (see
// chromedp.Run).
func Browser(chromium, userDataDir string, extra ...chromedp.ExecAllocatorOption) (ctx context.Context, cancel context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(userDataDir),
		chromedp.NoSandbox,
		chromedp.WindowSize(1024, 800),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	return ctx, func() {
		cancelTab()
		cancelAlloc()
	}
}

// OpenPage navigates the tab in ctx to the site's index.html at url and waits
// (up to timeout) until its status line says the model is loaded. It returns an
// error carrying the status when the page reports a failure instead.
func OpenPage(ctx context.Context, url string, timeout time.Duration) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("e2e: opening %s: %w", url, err)
	}
	status, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(s => s.startsWith('Ready') || s.startsWith('Could not') ? s : '')(document.getElementById('status').textContent)`,
		chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		return fmt.Errorf("e2e: waiting for %s to load the model: %w", url, err)
	}
	if !strings.HasPrefix(status, "Ready") {
		return fmt.Errorf("e2e: %s says: %s", url, status)
	}
	return nil
}

// encodeJS is a JS function evaluated in the site's page; see EncodeInPage.
//
//go:embed encode.js
var encodeJS string

// Encoding is one image's result from EncodeInPage.
type Encoding struct {
	Descriptor []float32 `json:"descriptor"` // from the last run
	MS         []float64 `json:"ms"`         // wall time of each timed run, milliseconds
}

// EncodeInPage loads visage.js's API in the page open in ctx (the site's
// index.html), encodes each image (encoded bytes) warmup+runs times through the
// worker and returns its descriptor and the times of the last runs.
func EncodeInPage(ctx context.Context, images [][]byte, warmup, runs int) ([]Encoding, error) {
	if runs < 1 || warmup < 0 {
		return nil, fmt.Errorf("e2e: EncodeInPage needs runs ≥ 1 and warmup ≥ 0, found %d and %d", runs, warmup)
	}
	b64 := make([]string, len(images))
	for i, img := range images {
		b64[i] = base64.StdEncoding.EncodeToString(img)
	}
	args, err := json.Marshal(map[string]any{"images": b64, "warmup": warmup, "runs": runs})
	if err != nil {
		return nil, err
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]Encoding](
		"("+encodeJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("e2e: encoding in the page: %w", err)
	}
	if len(out) != len(images) {
		return nil, errors.New("e2e: encoding in the page: wrong number of results")
	}
	return out, nil
}
