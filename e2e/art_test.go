package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

// artSteps is how many steps TestArtView paints, at artSize pixels: enough
// for the cost to fall, few enough for a loaded CI machine.
const (
	artSteps = 6
	artSize  = 64
)

// TestArtView paints a photo in a painting's style through the Art view at a
// small size in headless Chromium: the examples listed by nst/index.json fill
// the slots; the fake camera's picture, a dropped painting and a photo chosen
// with the picker replace them; VGG-19 loads
// from vgg19/, a few steps run, the total cost falls, the PNG download is a
// PNG of the working size; a layer's feature maps and strongest patches
// render; a second run is cancelled. The page must log no error (the strict
// CSP included). Screenshots go to e2e/out/TestArtView/.
func TestArtView(t *testing.T) {
	shared, err := assets.SharedDir()
	assettest.Need(t, err)
	photo := filepath.Join(shared, "data", "nst", "content", "chelsea.png")
	_, err = os.Stat(photo)
	assettest.Need(t, err)
	site, err := SiteDir()
	assettest.Need(t, err)
	_, err = os.Stat(filepath.Join(site, "vgg19", "manifest.json"))
	assettest.Need(t, err)
	if err := os.RemoveAll(filepath.Join("out", t.Name())); err != nil {
		t.Fatal(err)
	}
	painting := filepath.Join(shared, "data", "nst", "style", "starry_night.jpg")
	video := fakeCameraVideo(t, filepath.Join(shared, "data", "nst", "content", "coffee.png"))
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 12*time.Minute, fakeCamera(video)...)
	p := &facesPage{t: t, ctx: ctx, url: srv.URL, net: recordNetwork(t, ctx), step: new(int)}
	if err := OpenPage(ctx, srv.URL, pageTimeout); err != nil {
		t.Fatal(err)
	}
	p.net.settle(true)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}

	// The first time the view shows, the first examples fill both slots.
	showView(t, ctx, "art")
	p.poll(`!document.getElementById('art-content').hidden && !document.getElementById('art-style').hidden ? 'yes' : ''`, time.Minute)
	// At 1280×900 Paint and Cancel are in view, in the result's card; the
	// sizes start at 64 px (32 px gave colour noise: too small for VGG-19's
	// four poolings to see a style).
	p.do(chromedp.EmulateViewport(1280, 900))
	if where := eval[[]float64](p, `[...['art-start', 'art-cancel']].map(id => document.getElementById(id).getBoundingClientRect().bottom)
		.concat([+!!document.getElementById('art-start').closest('.art-output'), window.innerHeight])`); len(where) != 4 || where[0] > where[3] || where[1] > where[3] || where[2] != 1 {
		t.Errorf("Paint and Cancel end at %v px, in the result card %v, viewport %v high: want them in view, beside the result", where[:2], where[2] == 1, where[3])
	}
	if sizes := eval[[]string](p, `[...document.getElementById('art-size').options].map(o => o.value)`); strings.Join(sizes, ",") != "64,128,256" {
		t.Errorf("sizes offered %v, want 64, 128 and 256", sizes)
	}
	if n := eval[int](p, `document.getElementById('art-style-pick').options.length`); n < 2 {
		t.Errorf("the painting list has %d entries, want the examples of nst/index.json", n)
	}
	// The camera's picture: the first click shows the camera, the second
	// takes the picture (Chromium's fake camera, 640×480).
	p.do(chromedp.Click(chromedp.ID("art-camera")))
	p.poll(`document.getElementById('art-video').videoWidth > 0 ? 'yes' : ''`, time.Minute)
	p.shot("camera")
	p.do(chromedp.Click(chromedp.ID("art-camera")))
	p.poll(`document.getElementById('art-content-hint').textContent === 'Camera picture' ? 'yes' : ''`, time.Minute)
	if size := eval[[]int](p, `(c => [c.width, c.height, +c.hidden])(document.getElementById('art-content'))`); size[0] != 640 || size[1] != 480 || size[2] != 0 {
		t.Errorf("the camera's picture is %d×%d (hidden %d), want 640×480 shown", size[0], size[1], size[2])
	}
	// A painting dropped on its slot, and a photo chosen with the picker,
	// replace the examples.
	p.dropOn(`label[for="art-style-file"]`, painting)
	p.poll(`document.getElementById('art-style-hint').textContent === 'starry_night.jpg' ? 'yes' : ''`, time.Minute)
	p.do(chromedp.SetUploadFiles(chromedp.ID("art-content-file"), []string{photo}))
	p.poll(`document.getElementById('art-content-hint').textContent === 'chelsea.png' ? 'yes' : ''`, time.Minute)
	p.shot("images-chosen")

	// Paint a few steps at a small size.
	p.do(
		chromedp.SetValue(chromedp.ID("art-size"), strconv.Itoa(artSize)),
		chromedp.SetValue(chromedp.ID("art-steps"), strconv.Itoa(artSteps)),
		chromedp.Click(chromedp.ID("art-start")),
	)
	p.poll(`document.getElementById('art-result').dataset.steps || ''`, 5*time.Minute)
	// The first update also covers preparing the images, so it guesses no
	// time left (it said about three times too much).
	if first := eval[string](p, `document.getElementById('art-eta').dataset.first || ''`); !strings.Contains(first, "estimating") {
		t.Errorf("the ETA line's first text was %q, want no estimate yet", first)
	}
	p.shot("painting")
	status := p.poll(`(s => s.startsWith('Done') || s.startsWith('Could not') ? s : '')(document.getElementById('status').textContent)`, 5*time.Minute)
	if !strings.HasPrefix(status, "Done") {
		t.Fatalf("painting: status %q", status)
	}
	p.shot("painted")
	steps := eval[string](p, `document.getElementById('art-result').dataset.steps`)
	first := eval[string](p, `document.getElementById('art-loss').dataset.first`)
	last := eval[string](p, `document.getElementById('art-loss').dataset.last`)
	j0, err0 := strconv.ParseFloat(first, 64)
	j1, err1 := strconv.ParseFloat(last, 64)
	t.Logf("%s steps at %d px: J %s → %s (%s)", steps, artSize, first, last, status)
	if steps != strconv.Itoa(artSteps) || err0 != nil || err1 != nil || !(j1 < j0) {
		t.Errorf("after %s steps (want %d) the cost went from %q to %q: want it lower", steps, artSteps, first, last)
	}
	// The cost is said in words (3.9 billion), not e-notation (issue #22).
	if cost := eval[string](p, `document.getElementById('art-cost').innerText + ' ' + document.getElementById('status').innerText`); strings.Contains(cost, "e+") || !strings.Contains(cost, "cost J fell from") {
		t.Errorf("the cost reads %q, want \"The cost J fell from N to M\" in words", cost)
	}
	// Chromium here has no WebGPU adapter: the steps ran on the CPU, and the
	// line says so (TestArtWebGPU checks the GPU's runs).
	if eta := eval[string](p, `document.getElementById('art-eta').textContent`); !strings.HasPrefix(eta, fmt.Sprintf("%d steps in ", artSteps)) || !strings.HasSuffix(eta, " on the CPU") {
		t.Errorf("after the run the ETA line reads %q, want the steps, the time taken and where they ran", eta)
	}
	if v := eval[float64](p, `document.getElementById('art-bar').value`); v != 1 {
		t.Errorf("the progress bar stands at %v after the run, want 1", v)
	}

	// Download PNG: a PNG of the working size (chelsea.png is 451×300).
	p.do(chromedp.Click(chromedp.ID("art-download")))
	img := waitForPNG(t, filepath.Join(downloads, "visage-art.png"), time.Minute)
	if b := img.Bounds(); b.Dx() != artSize || b.Dy() != 43 {
		t.Errorf("the downloaded PNG is %d×%d, want %d×43", b.Dx(), b.Dy(), artSize)
	}

	// What are deep ConvNets learning? conv2_1's maps and patches.
	p.do(
		chromedp.SetValue(chromedp.ID("art-layer"), "conv2_1"),
		chromedp.Click(chromedp.ID("art-show")),
	)
	p.poll(`document.getElementById('art-maps').dataset.layer === 'conv2_1' ? 'yes' : ''`, 2*time.Minute)
	maps := eval[[]int](p, `[...document.querySelectorAll('#art-maps canvas')].map(c =>
		c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 !== 3 && v > 0).length)`)
	patches := eval[[]int](p, `[...document.querySelectorAll('#art-units .unit')].map(u => u.querySelectorAll('canvas').length)`)
	t.Logf("conv2_1: %d maps (lit values %v), patches per unit %v", len(maps), maps, patches)
	lit := 0
	for _, n := range maps {
		if n > 0 {
			lit++
		}
	}
	if len(maps) != 8 || lit == 0 {
		t.Errorf("conv2_1 shows %d feature maps, %d with anything lit; want 8, some lit", len(maps), lit)
	}
	if len(patches) != 4 || patches[0] < 1 || patches[0] > 3 {
		t.Errorf("conv2_1 shows %v patches per unit, want 4 units with 1 to 3 (photo, painting, picture) each", patches)
	}
	p.shot("conv2_1-features")

	// A long run is cancelled after its first chunk.
	p.do(
		chromedp.SetValue(chromedp.ID("art-steps"), "500"),
		chromedp.Evaluate[chromedp.Void](`delete document.getElementById('art-result').dataset.steps`),
		chromedp.Click(chromedp.ID("art-start")),
	)
	// The second update has measured a step and says the time left.
	if eta := p.poll(`(e => e.endsWith(' left') ? e : '')(document.getElementById('art-eta').textContent)`, 2*time.Minute); !strings.Contains(eta, "of 500") || !strings.HasSuffix(eta, " left") {
		t.Errorf("during a run the ETA line reads %q, want \"Step N of 500 · … · T left\"", eta)
	}
	p.do(chromedp.Click(chromedp.ID("art-cancel")))
	status = p.poll(`(s => s.startsWith('Stopped') || s.startsWith('Done') || s.startsWith('Could not') ? s : '')(document.getElementById('status').textContent)`, 2*time.Minute)
	if !strings.HasPrefix(status, "Stopped after") {
		t.Errorf("cancelling a 500-step run: status %q, want \"Stopped after …\"", status)
	}
	if eta := eval[string](p, `document.getElementById('art-eta').textContent`); !strings.HasPrefix(eta, "Stopped at step ") {
		t.Errorf("after cancelling, the ETA line reads %q", eta)
	}
	if on := eval[bool](p, `!document.getElementById('art-start').disabled && document.getElementById('art-cancel').disabled`); !on {
		t.Error("after cancelling, Paint is not enabled again (or Cancel still is)")
	}
	p.shot("cancelled")

	// Phone width: nothing scrolls sideways.
	p.do(chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)))
	if w := eval[int](p, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("at 360 px the Art view is %d px wide: it scrolls sideways", w)
	}
	p.shot("phone-width")

	// After the models load, the Art view fetches only what the README says:
	// nst/index.json and its examples when first shown, VGG-19 once when
	// first painting; each file once, from the page's own origin.
	p.net.check(t, "Art view", srv.URL, "/nst/", "/vgg19/")
	p.net.mu.Lock()
	defer p.net.mu.Unlock()
	for _, want := range []string{"/nst/content/astronaut.png", "/nst/style/great_wave.jpg", "/vgg19/manifest.json", "/vgg19/conv5_1_kernel"} {
		if !slices.ContainsFunc(p.net.afterLoad, func(u string) bool { return strings.HasSuffix(u, want) }) {
			t.Errorf("the Art view never fetched %s after load (fetched %q): the network log or the README is wrong", want, p.net.afterLoad)
		}
	}
}

// waitForPNG waits until path holds a whole PNG, and decodes it.
func waitForPNG(t *testing.T, path string, timeout time.Duration) image.Image {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(path)
		if err == nil {
			var img image.Image
			if img, err = png.Decode(bytes.NewReader(data)); err == nil {
				return img
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PNG at %s after %v: %v", path, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
