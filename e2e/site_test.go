package e2e

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"visage/core/face"
	"visage/core/imageio"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/facerec"
)

// descriptorTolerance bounds |wasm − native| per descriptor element: the same
// Go code runs in both, so only floating-point evaluation order may differ.
const descriptorTolerance = 1e-5

// Face chips from the shared data set: two of one person and one of another.
var chips = []string{
	"John_Salley/000179_02159509.jpg",
	"John_Salley/000183_02159543.jpg",
	"John_Savage/000264_01099001.jpg",
}

// chipPaths returns the paths of chips.
func chipPaths(t *testing.T) []string {
	shared, err := assets.SharedDir()
	assettest.Need(t, err)
	paths := make([]string, len(chips))
	for i, c := range chips {
		paths[i] = filepath.Join(shared, "data", "faces-dev", "dlib_johns", c)
		_, err := os.Stat(paths[i])
		assettest.Need(t, err)
	}
	return paths
}

// readFiles returns the contents of each of paths, failing the test when one
// cannot be read.
func readFiles(t *testing.T, paths []string) [][]byte {
	t.Helper()
	files := make([][]byte, len(paths))
	for i, p := range paths {
		var err error
		if files[i], err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// rgbaPixels decodes the image file encoded and returns its pixels as RGBA
// bytes (alpha 255, row by row), the form visage.js takes as
// {width, height, data}, with its width and height.
func rgbaPixels(t *testing.T, encoded []byte) (rgba []byte, w, h int) {
	t.Helper()
	img, err := imageio.Decode(bytes.NewReader(encoded))
	if err != nil {
		t.Fatal(err)
	}
	h, w = img.Shape[0], img.Shape[1]
	rgba = make([]byte, 0, 4*h*w)
	for i := 0; i < len(img.Data); i += 3 {
		rgba = append(rgba, byte(img.Data[i]), byte(img.Data[i+1]), byte(img.Data[i+2]), 255)
	}
	return rgba, w, h
}

// nativeDescriptors encodes each file with visage/models/facerec in this process.
func nativeDescriptors(t *testing.T, files [][]byte) [][]float32 {
	dir, err := assets.FaceModelsDir()
	assettest.Need(t, err)
	net, err := facerec.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float32, len(files))
	for i, f := range files {
		img, err := imageio.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		if out[i], err = net.Encode(img); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// serveSite serves the built site with `visage serve` until the test ends.
func serveSite(t *testing.T) *Server {
	site, err := SiteDir()
	assettest.Need(t, err)
	srv, err := Serve(site, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// openBrowser starts headless Chromium with the profile in profileDir and
// the extra options, and returns its tab's context, with a deadline timeout
// away, and a function that closes the browser (also called when the test
// ends). The test fails if the page logs an error or throws, which is also
// how CSP violations show.
func openBrowser(t *testing.T, profileDir string, timeout time.Duration, extra ...chromedp.ExecAllocatorOption) (context.Context, func()) {
	chromium, err := ChromiumPath()
	assettest.Need(t, err)
	browser, cancel := Browser(chromium, profileDir, extra...)
	if err := chromedp.Do(browser); err != nil { // start the browser without a deadline
		cancel()
		t.Fatal(err)
	}
	var mu sync.Mutex
	var problems []string
	watch, stopWatching := context.WithCancel(browser)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range chromedp.Console(watch) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	ctx, cancelTimeout := context.WithTimeout(browser, timeout)
	var once sync.Once
	closeBrowser := func() {
		once.Do(func() {
			stopWatching()
			<-done
			cancelTimeout()
			cancel()
			for _, p := range problems {
				t.Errorf("page console: %s", p)
			}
		})
	}
	t.Cleanup(closeBrowser)
	return ctx, closeBrowser
}

// openSite serves the built site, opens it in a fresh headless Chromium, waits
// until the page says the models are ready and returns the tab's context (with a
// deadline).
func openSite(t *testing.T) context.Context {
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 3*time.Minute)
	if err := OpenPage(ctx, srv.URL, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// showView switches the page to one of its views, as a click on its link does.
func showView(t *testing.T, ctx context.Context, view string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("location.hash = '#"+view+"'")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector('[data-view="`+view+`"]').hidden`)); err != nil {
		t.Fatalf("waiting for the %s view: %v", view, err)
	}
}

// screenshot saves the page as e2e/out/TEST/name.png (TEST is the test's name).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("out", strings.ReplaceAll(t.Name(), "/", "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEncodeMatchesNative encodes chips with visage.js in the browser (Go in
// wasm, in the worker) and checks the descriptors equal the native ones.
func TestEncodeMatchesNative(t *testing.T) {
	paths := chipPaths(t)
	files := readFiles(t, paths)
	want := nativeDescriptors(t, files)
	ctx := openSite(t)
	got, err := EncodeInPage(ctx, files, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		g, w := got[i].Descriptor, want[i]
		if len(g) != len(w) {
			t.Fatalf("%s: wasm descriptor has %d numbers, native %d", chips[i], len(g), len(w))
		}
		worst := 0.0
		for j := range g {
			worst = math.Max(worst, math.Abs(float64(g[j])-float64(w[j])))
		}
		t.Logf("%s: max |wasm − native| = %g", chips[i], worst)
		if worst > descriptorTolerance {
			t.Errorf("%s: wasm and native descriptors differ by up to %g, want ≤ %g (is the site older than the Go code? ./build.sh site)",
				chips[i], worst, descriptorTolerance)
		}
	}
}

// compareInUI picks two files through the page's file inputs and returns the
// verdict and distance the page shows.
func compareInUI(t *testing.T, ctx context.Context, a, b string) (verdict string, dist float64) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.ID("file-a"), []string{a}),
		chromedp.SetUploadFiles(chromedp.ID("file-b"), []string{b}),
	); err != nil {
		t.Fatal(err)
	}
	return shownResult(t, ctx)
}

// shownResult waits for the page to show a verdict and returns it with the
// distance shown.
func shownResult(t *testing.T, ctx context.Context) (verdict string, dist float64) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById('verdict').dataset.verdict`)); err != nil {
		t.Fatalf("waiting for the verdict: %v", err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("distance")))
	if err != nil {
		t.Fatal(err)
	}
	if dist, err = strconv.ParseFloat(shown, 64); err != nil {
		t.Fatalf("distance shown: %v", err)
	}
	return verdict, dist
}

// comparePhotos returns three whole LFW photos (A, A again, B) and their
// largest faces' native descriptors (the page's decision setting: SSD,
// landmarks, both chips and their mirrors), for the Compare view's tests.
func comparePhotos(t *testing.T) ([]string, [][]float32) {
	paths := []string{lfwPhoto(t, lfwEnrollA), lfwPhoto(t, lfwCameraA), lfwPhoto(t, lfwCameraB)}
	pipe := nativePipeline(t)
	native := make([][]float32, len(paths))
	for i, p := range paths {
		img, err := imageio.DecodeFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := pipe.ForDecisions().LargestFace(img)
		if err != nil {
			t.Fatal(err)
		}
		native[i] = f.Encoding
	}
	return paths, native
}

// TestCompareInUI picks pairs of whole photos through the file inputs: the
// page finds, aligns and encodes each face as the native pipeline does
// (distance to its 4 decimals, the verdict at the page's threshold), shows
// the two aligned chips each over its 128-cell strip, follows the threshold
// set in the Faces view, also after a reload, and says so when a photo has
// no face.
func TestCompareInUI(t *testing.T) {
	paths, native := comparePhotos(t)
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 3*time.Minute)
	net := recordNetwork(t, ctx)
	if err := OpenPage(ctx, srv.URL, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	net.settle(true)
	showView(t, ctx, "compare")
	for _, pair := range []struct {
		name string
		a, b int
	}{{"same-person", 0, 1}, {"different-people", 0, 2}} {
		verdict, dist := compareInUI(t, ctx, paths[pair.a], paths[pair.b])
		want := face.Distance(native[pair.a], native[pair.b])
		if math.Abs(dist-want) > 0.5e-4+descriptorTolerance {
			t.Errorf("%s: page shows distance %.4f, native %.6f", pair.name, dist, want)
		}
		wantVerdict := "Different people"
		if want < face.DefaultThreshold {
			wantVerdict = "Same person"
		}
		if verdict != wantVerdict || (pair.a == 0 && pair.b == 1) != (wantVerdict == "Same person") {
			t.Errorf("%s: page says %q at distance %.4f, want %q", pair.name, verdict, dist, wantVerdict)
		}
		chips, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`['chip-a', 'chip-b', 'strip-a', 'strip-b'].map(id => document.getElementById(id).width)
			.concat([+document.getElementById('chips').hidden])`))
		if err != nil || len(chips) != 5 || chips[0] != 150 || chips[1] != 150 || chips[2] != 128 || chips[3] != 128 || chips[4] != 0 {
			t.Errorf("%s: chips and strips %v wide (hidden %v), want two 150 px chips over 128-cell strips, shown", pair.name, chips[:min(4, len(chips))], chips)
		}
		screenshot(t, ctx, "compare-"+pair.name)
	}
	// The threshold follows the Faces view's slider: at 0.3 the same
	// person's two photos (natively 0.37 apart) are different people.
	showView(t, ctx, "faces")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(s => { s.value = '0.3'; s.dispatchEvent(new Event('change')); })(document.getElementById('threshold'))`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('status').textContent.includes('0.30')`)); err != nil {
		t.Fatalf("the threshold did not change: %v", err)
	}
	showView(t, ctx, "compare")
	if verdict, dist := compareInUI(t, ctx, paths[0], paths[1]); verdict != "Different people" || !(dist > 0.3) {
		t.Errorf("at threshold 0.3 the page says %q at %.4f, want different people", verdict, dist)
	}
	if shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("threshold-compare"))); err != nil || shown != "0.30" {
		t.Errorf("the Compare view shows threshold %q, want the slider's 0.30", shown)
	}
	// The threshold survives a reload (the vault keeps it): the slider is
	// back at 0.30, and the page's engine still decides with it.
	net.settle(false)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.beforeReload = true`), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!window.beforeReload && document.getElementById('status').textContent.startsWith('Ready')`,
		chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		t.Fatalf("waiting for the reloaded page: %v", err)
	}
	net.settle(true)
	if slider, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`['threshold', 'threshold-value'].map(id =>
		(e => e.value ?? e.textContent)(document.getElementById(id)))`)); err != nil || len(slider) != 2 || slider[0] != "0.3" || slider[1] != "0.30" {
		t.Errorf("after a reload the slider is at %q (%v), want 0.3 shown as 0.30", slider, err)
	}
	showView(t, ctx, "compare")
	if verdict, dist := compareInUI(t, ctx, paths[0], paths[1]); verdict != "Different people" || !(dist > 0.3) {
		t.Errorf("after a reload at threshold 0.3 the page says %q at %.4f, want different people", verdict, dist)
	}
	if shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("threshold-compare"))); err != nil || shown != "0.30" {
		t.Errorf("after a reload the Compare view shows threshold %q, want 0.30", shown)
	}
	// A photo without a face says so in its slot.
	blank := filepath.Join(t.TempDir(), "blank.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 48))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blank, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-b"), []string{blank})); err != nil {
		t.Fatal(err)
	}
	if hint, err := chromedp.Run(ctx, chromedp.Poll[string](`(h => h.includes('No face') ? h : '')(document.getElementById('hint-b').textContent)`)); err != nil || hint != "No face found in blank.png: choose a photo with a face" {
		t.Errorf("a photo without a face: the slot says %q (%v)", hint, err)
	}
	// The same page at phone width.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 740, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "compare-phone")
	net.check(t, "Compare view", srv.URL) // comparing fetches nothing
}

// TestCorruptImage picks a file that is not an image: the page must say so in
// its status line and still compare the next pair.
func TestCorruptImage(t *testing.T) {
	paths := chipPaths(t)
	corrupt := filepath.Join(t.TempDir(), "corrupt.jpg")
	good, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	// A JPEG header followed by garbage: recognised, then fails to decode.
	if err := os.WriteFile(corrupt, append(good[:20:20], bytes.Repeat([]byte{0x5a}, 500)...), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := openSite(t)
	showView(t, ctx, "compare")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-a"), []string{corrupt})); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(s => s.classList.contains('error') ? s.textContent : '')(document.getElementById('status'))`))
	if err != nil {
		t.Fatalf("waiting for the error: %v", err)
	}
	if !strings.Contains(status, "first photo (corrupt.jpg)") || !strings.Contains(status, "imageio") {
		t.Errorf("status %q does not say the first photo could not be decoded", status)
	}
	screenshot(t, ctx, "corrupt-image")

	photos, native := comparePhotos(t)
	verdict, dist := compareInUI(t, ctx, photos[0], photos[1])
	if want := face.Distance(native[0], native[1]); verdict != "Same person" || math.Abs(dist-want) > 0.5e-4+descriptorTolerance {
		t.Errorf("after a corrupt image the page says %q at %.4f, want \"Same person\" at the native %.4f", verdict, dist, want)
	}
}

//go:embed testdata/api.js
var apiJS string

// TestAPIContract calls visage.js's API directly: every kind of input (bytes,
// a Blob, RGBA pixels, ImageData, a canvas) gives the native descriptor of the
// same pixels, a models URL without its final slash works, bad input rejects with a message saying what
// was wrong, and the API keeps working after each rejection.
func TestAPIContract(t *testing.T) {
	chip, err := os.ReadFile(chipPaths(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	rgba, w, h := rgbaPixels(t, chip)
	want := nativeDescriptors(t, [][]byte{chip})[0]

	ctx := openSite(t)
	args, err := json.Marshal(map[string]any{"chip": chip, "rgba": rgba, "width": w, "height": h}) // []byte → base64
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		FromBytes, FromPixels, FromImageData, FromCanvas, FromBlob           []float32
		NotAnImage, ShortPixels, NotEncodable, ShortDescriptor, BadThreshold string
		Self                                                                 struct {
			Distance  float64
			Match     bool
			Threshold float64
		}
		SelfDistance float64
	}]("("+apiJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}

	for name, d := range map[string][]float32{
		"bytes": got.FromBytes, "RGBA pixels": got.FromPixels, "ImageData": got.FromImageData,
		"OffscreenCanvas": got.FromCanvas, "Blob": got.FromBlob,
	} {
		if len(d) != len(want) {
			t.Fatalf("descriptor from %s has %d numbers, want %d", name, len(d), len(want))
		}
		for i := range d {
			if math.Abs(float64(d[i]-want[i])) > descriptorTolerance {
				t.Errorf("descriptor from %s: element %d is %g, native %g", name, i, d[i], want[i])
				break
			}
		}
	}
	wantRejections(t, []rejection{
		{"encode(not an image)", got.NotAnImage, "unrecognised image format"},
		{"encode(short pixels)", got.ShortPixels, "2x2 RGBA pixels need 16 bytes of data, found 3"},
		{"encode(42)", got.NotEncodable, "encode expects a Blob, bytes, ImageData"},
		{"compare(a, [1, 2])", got.ShortDescriptor, "second descriptor: expected 128 (dlib), 192 (mobilefacenet) or 1024 (faceres) numbers, found 2"},
		{"compare(a, a, 5)", got.BadThreshold, "threshold must be in (0, 1], found 5"},
	})
	if got.Self.Distance != 0 || !got.Self.Match || got.Self.Threshold != face.DefaultThreshold || got.SelfDistance != 0 {
		t.Errorf("compare(a, a) = %+v and distance(a, a) = %g, want {0 true %g} and 0", got.Self, got.SelfDistance, face.DefaultThreshold)
	}
}

// TestKeyboardAndDrop opens the Compare view from its link with the keyboard,
// reaches both file inputs with Tab, then drops two files on the first slot:
// they fill both slots and the page compares them.
func TestKeyboardAndDrop(t *testing.T) {
	paths, native := comparePhotos(t)
	paths = paths[:2]
	ctx := openSite(t)
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(`[data-view-link="compare"]`)),
		chromedp.KeyEvent("\r"),
	); err != nil {
		t.Fatal(err)
	}
	// The view's heading takes the focus, so that Tab goes on from there.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement.id === 'compare-title'`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("after Enter on the Compare link the focus is not on the view's heading: %v", err)
	}
	for _, want := range []string{"file-a", "file-b"} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		if err != nil {
			t.Fatal(err)
		}
		if focused != want {
			t.Fatalf("Tab focused %q, want %q", focused, want)
		}
	}
	screenshot(t, ctx, "keyboard-focus")

	centre, err := chromedp.Run(ctx, chromedp.Evaluate[[2]float64](
		`(r => [r.x + r.width / 2, r.y + r.height / 2])(document.querySelector('label[for=file-a]').getBoundingClientRect())`))
	if err != nil {
		t.Fatal(err)
	}
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: paths, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{
		input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop,
	} {
		if _, err := chromedp.Call(ctx, input.DispatchDragEvent, input.DispatchDragEventParams{
			Type: typ, X: centre[0], Y: centre[1], Data: data,
		}); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	verdict, dist := shownResult(t, ctx)
	if want := face.Distance(native[0], native[1]); verdict != "Same person" || math.Abs(dist-want) > 0.5e-4+descriptorTolerance {
		t.Errorf("dropped %s and %s: the page says %q at %.4f, want \"Same person\" at the native %.4f",
			filepath.Base(paths[0]), filepath.Base(paths[1]), verdict, dist, want)
	}
	for _, id := range []string{"hint-a", "hint-b"} {
		hint, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			t.Fatal(err)
		}
		if hint != filepath.Base(paths[0]) && hint != filepath.Base(paths[1]) {
			t.Errorf("#%s says %q, want a dropped file's name", id, hint)
		}
	}
}
