package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

// TestPackageInstall installs the npm package `./build.sh pack` made into a
// scratch site, offline, from the tarball; copies the models with the
// package's own script; serves the site with `visage serve` (strict CSP);
// and runs load → enroll → verify → identify → stylize a 64 px image there.
func TestPackageInstall(t *testing.T) {
	root, err := assets.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tarballs, _ := filepath.Glob(filepath.Join(root, "build", "visage-web-*.tgz"))
	if len(tarballs) != 1 {
		assettest.Need(t, fmt.Errorf("e2e: need one build/visage-web-*.tgz (run ./build.sh pack), found %d", len(tarballs)))
	}
	var pkg struct{ Version string }
	raw, err := os.ReadFile(filepath.Join(root, "web", "package", "package.json"))
	if err != nil || json.Unmarshal(raw, &pkg) != nil {
		t.Fatalf("web/package/package.json: %v", err)
	}
	site := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = site
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(site, "package.json"), []byte(`{"name":"scratch-site","private":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	run("npm", "install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarballs[0])
	faceModels, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	humanModels, err := assets.HumanModelsDir()
	assettest.Need(t, err)
	run("node", "node_modules/visage-web/copy-models.mjs", "models", "--from", faceModels, "--human", humanModels,
		"--vgg", assettest.VGG19(t, "manifest.json"))
	for _, f := range []string{"testdata/package/index.html", "testdata/package/main.js", "../web/favicon.svg"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	args, err := json.Marshal(map[string][]byte{
		"photoA1": read(lfwPhoto(t, lfwEnrollA)), "photoA2": read(lfwPhoto(t, lfwCameraA)), "photoB": read(lfwPhoto(t, lfwCameraB)),
		"content": read(assettest.Shared(t, "data/nst/content/chelsea.png")), "style": read(assettest.Shared(t, "data/nst/style/starry_night.jpg")),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(site, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, _ := openBrowser(t, t.TempDir(), 5*time.Minute)
	if err := OpenPage(ctx, srv.URL, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Version     string
		Samples     int
		Same, Other bool
		Names       []*string
		ArtSteps    int
		ArtSize     []int
	}]("useVisage("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != pkg.Version {
		t.Errorf("Visage.version %q, package.json's %q", got.Version, pkg.Version)
	}
	if got.Samples != 1 || !got.Same || got.Other || len(got.Names) != 1 || got.Names[0] != nil {
		t.Errorf("enroll/verify/identify from the package: %+v; want 1 sample, A's other photo the same, B not, B unnamed", got)
	}
	if got.ArtSteps != 2 || len(got.ArtSize) != 2 || max(got.ArtSize[0], got.ArtSize[1]) != 64 {
		t.Errorf("stylize from the package: %d steps, size %v; want 2 steps at 64 px", got.ArtSteps, got.ArtSize)
	}
}
