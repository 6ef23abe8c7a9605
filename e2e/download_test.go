package e2e

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/models/assets/assettest"
)

// linkTree recreates src's files under dst as hard links (copies where
// linking fails), leaving out the folders named in skip.
func linkTree(t *testing.T, src, dst string, skip ...string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			for _, s := range skip {
				if rel == s {
					return filepath.SkipDir
				}
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		to := filepath.Join(dst, rel)
		if os.Link(p, to) == nil {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// cutShort replaces the file at p (maybe a hard link to the built site's)
// with a new one holding its first n bytes, and returns its full size.
func cutShort(t *testing.T, p string, n int) int {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b[:n], 0o644); err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// TestTruncatedModelFiles serves a copy of the built site in which one shard
// of the face recognition network (in cut/, a copy of models/) and one of
// VGG-19's raw files are cut short, as an interrupted upload or a proxy
// might leave them: Visage.load and loadStyleNetwork reject, naming the file
// and the bytes expected and received, and nothing hangs. A shard of the
// right size with other bytes (swapped/) fails the SHA-256 that build.sh
// recorded. The intact models/ still load.
func TestTruncatedModelFiles(t *testing.T) {
	site, err := SiteDir()
	assettest.Need(t, err)
	dir := t.TempDir()
	linkTree(t, site, dir, "nst")
	linkTree(t, filepath.Join(site, "models"), filepath.Join(dir, "cut"))
	const faceShard, faceCut = "face_recognition_model.bin", 1_000_000
	faceSize := cutShort(t, filepath.Join(dir, "cut", faceShard), faceCut)
	// In swapped/, the same shard has its size but one byte changed: only
	// the site's sha256.json (build.sh) tells.
	linkTree(t, filepath.Join(site, "models"), filepath.Join(dir, "swapped"))
	swapped := filepath.Join(dir, "swapped", faceShard)
	b, err := os.ReadFile(swapped)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.Remove(swapped); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(swapped, b, 0o644); err != nil {
		t.Fatal(err)
	}
	const vggFile, vggCut = "conv2_1_kernel", 1000
	vggSize := 0
	_, haveVGG := os.Stat(filepath.Join(dir, "vgg19", vggFile))
	if haveVGG == nil {
		vggSize = cutShort(t, filepath.Join(dir, "vgg19", vggFile), vggCut)
	}
	// A page that loads nothing by itself: the test drives visage.js.
	if err := os.WriteFile(filepath.Join(dir, "blank.html"), []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title><link rel="icon" href="favicon.svg"></head><body></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ctx, _ := openBrowser(t, t.TempDir(), 3*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"blank.html")); err != nil {
		t.Fatal(err)
	}

	type outcome struct {
		Error   string
		Reports int
		Total   float64
		Loaded  float64
	}
	got := inPage[struct {
		Face, Swapped, VGG outcome
		Loaded             bool
	}](t, ctx, `
	  const out = {};
	  const run = async (f) => {
	    const o = { error: '', reports: 0, total: 0, loaded: 0 };
	    const onProgress = (p) => {
	      if (p.phase === 'download') { o.reports++; o.total = p.total; o.loaded = p.loaded; }
	    };
	    try { await f(onProgress); } catch (err) { o.error = err.message; }
	    return o;
	  };
	  out.face = await run((onProgress) => Visage.load({ modelsUrl: 'cut/', onProgress }));
	  out.swapped = await run((onProgress) => Visage.load({ modelsUrl: 'swapped/', onProgress }));
	  const v = await Visage.load({ modelsUrl: 'models/' });
	  out.loaded = true;
	  if (`+strconv.FormatBool(haveVGG == nil)+`) {
	    out.vgg = await run((onProgress) => v.loadStyleNetwork({ onProgress }));
	  }
	  v.terminate();
	  return out;`)

	for _, want := range []string{"load: ", faceShard, "received 1000000 bytes", "expected 6444032", "cut short"} {
		if !strings.Contains(got.Face.Error, want) {
			t.Errorf("Visage.load from cut/ rejected with %q, want it to say %q", got.Face.Error, want)
		}
	}
	if faceSize != 6444032 {
		t.Errorf("%s is %d bytes in the built site; this test expects face-api.js 1.7.15's 6444032", faceShard, faceSize)
	}
	if got.Face.Reports == 0 || got.Face.Total <= float64(faceSize) {
		t.Errorf("cut/: %d download reports, total %v bytes; want reports counting every shard (more than %d bytes)", got.Face.Reports, got.Face.Total, faceSize)
	}
	for _, want := range []string{faceShard + ": SHA-256 ", "sha256.json says"} {
		if !strings.Contains(got.Swapped.Error, want) {
			t.Errorf("Visage.load from swapped/ rejected with %q, want it to say %q", got.Swapped.Error, want)
		}
	}
	if !got.Loaded {
		t.Error("the intact models/ did not load after the failed load")
	}
	if haveVGG != nil {
		t.Logf("no VGG-19 in the built site (%v): its truncation is not tested", haveVGG)
		return
	}
	for _, want := range []string{"artLoad: ", vggFile, "received 1000 bytes", "expected 73728", "manifest.json's size"} {
		if !strings.Contains(got.VGG.Error, want) {
			t.Errorf("loadStyleNetwork rejected with %q, want it to say %q", got.VGG.Error, want)
		}
	}
	if vggSize != 73728 { // 3·3·64·128 uint8 values
		t.Errorf("%s is %d bytes in the built site, want 73728", vggFile, vggSize)
	}
}
