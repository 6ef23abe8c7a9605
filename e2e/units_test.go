package e2e

import (
	"encoding/base64"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/art"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/vgg19"
)

// unitsBound is how far the page's activations may be from the native ones,
// relative: the same Go code, compiled to WebAssembly with its SIMD kernels
// against amd64's, sums in another order (differences seen are near 1e-6).
const unitsBound = 1e-3

// TestInsideTheNetwork drives the Art view's "Inside the network" card in
// headless Chromium: a long pass (conv5_1) is cancelled and stops; then a
// pass over the example set (8 pictures cut in quarters: 32 images) at 64 px
// on conv2_1 shows the strongest unit's 9 patches, named after their
// pictures, and those and a second unit's (picked from the list, without a
// new pass) agree with art.TopUnits run natively on the pixels the page
// sent; the card fetches only the examples and VGG-19, each once, from the
// page's origin. Screenshots go to e2e/out/TestInsideTheNetwork/.
func TestInsideTheNetwork(t *testing.T) {
	site, err := SiteDir()
	assettest.Need(t, err)
	for _, f := range []string{"vgg19/manifest.json", "nst/index.json"} {
		_, err = os.Stat(filepath.Join(site, f))
		assettest.Need(t, err)
	}
	if err := os.RemoveAll(filepath.Join("out", t.Name())); err != nil {
		t.Fatal(err)
	}
	srv := serveSite(t)
	ctx, _ := openBrowser(t, t.TempDir(), 12*time.Minute)
	p := &facesPage{t: t, ctx: ctx, url: srv.URL, net: recordNetwork(t, ctx), step: new(int)}
	p.load(chromedp.Navigate(srv.URL))
	showView(t, ctx, "art")
	p.do(chromedp.EmulateViewport(1280, 900))
	p.poll(`!document.getElementById('art-content').hidden && !document.getElementById('art-style').hidden ? 'yes' : ''`, time.Minute)
	const statusLine = `(s => /^(Done|Cancelled|Could not)/.test(s) ? s : '')(document.getElementById('status').textContent)`

	// Cancel: a pass through conv5_1 at 128 px takes a second or more a
	// picture; it is cancelled once two are done and the time left is said.
	p.do(
		chromedp.SetValue(chromedp.ID("units-layer"), "conv5_1"),
		chromedp.Click(chromedp.ID("units-run")),
	)
	t.Logf("conv5_1 at 128 px: %s", p.poll(`(e => e.textContent.endsWith(' left') ? e.textContent : '')(document.getElementById('units-progress'))`, 5*time.Minute))
	p.do(chromedp.Click(chromedp.ID("units-cancel")))
	status := p.poll(statusLine, 2*time.Minute)
	done := eval[string](p, `document.getElementById('units-bar').dataset.done`)
	if !strings.HasPrefix(status, "Cancelled after "+done+" of 32 pictures") || done == "32" {
		t.Fatalf("after Cancel the status says %q with %s pictures done: want \"Cancelled after N of 32 pictures\", N < 32", status, done)
	}
	if on := eval[bool](p, `!document.getElementById('units-run').disabled && document.getElementById('units-cancel').disabled && !document.querySelector('#units-patches figure')`); !on {
		t.Error("after cancelling, Find is not enabled again, Cancel still is, or patches show")
	}
	// Nothing goes on in the worker: two calls through it (the Art view's
	// Show: artImages, then artFeatures) queue behind any picture a pass
	// would still send, yet the count stays where it stopped.
	p.do(
		chromedp.SetValue(chromedp.ID("art-size"), "64"),
		chromedp.Click(chromedp.ID("art-show")),
	)
	p.poll(`document.getElementById('art-maps').dataset.layer || ''`, 2*time.Minute)
	if after := eval[string](p, `document.getElementById('units-bar').dataset.done + ' ' + document.getElementById('units-progress').textContent`); after != done+" Cancelled after "+done+" of 32 pictures" {
		t.Errorf("after two more calls through the worker the card reads %q, want it still cancelled after %s pictures", after, done)
	}
	p.shot("cancelled")

	// The example set at 64 px through conv2_1: the strongest unit's 9 patches.
	const layer, size = "conv2_1", 64
	p.do(
		chromedp.SetValue(chromedp.ID("units-layer"), layer),
		chromedp.SetValue(chromedp.ID("units-size"), strconv.Itoa(size)),
		chromedp.Click(chromedp.ID("units-run")),
	)
	if status := p.poll(`(s => s.startsWith('Done: what excites') || /^(Cancelled|Could not)/.test(s) ? s : '')(document.getElementById('status').textContent)`, 5*time.Minute); !strings.HasPrefix(status, "Done") {
		t.Fatalf("the conv2_1 pass: status %q", status)
	}
	p.shot(layer)
	t.Logf("%s at %d px: %s", layer, size, eval[string](p, `document.getElementById('units-progress').textContent`))
	shownPatches := func() (channel int, ps []shownPatch) {
		t.Helper()
		got := eval[struct {
			Layer, Channel, Images, Done string
			Patches                      []shownPatch
		}](p, `(g => ({layer: g.dataset.layer, channel: g.dataset.channel, images: g.dataset.images,
			done: document.getElementById('units-bar').dataset.done,
			patches: [...g.querySelectorAll('figure')].map(f => ({image: f.dataset.image, value: +f.dataset.value,
				y: +f.dataset.y, x: +f.dataset.x, caption: f.querySelector('figcaption').textContent,
				drawn: f.querySelector('canvas').width * f.querySelector('canvas').height}))}))(document.getElementById('units-patches'))`)
		if got.Layer != layer || got.Images != "32" || got.Done != "32" {
			t.Errorf("the card shows %s over %s images, %s done; want %s over 32, 32 done", got.Layer, got.Images, got.Done, layer)
		}
		c, err := strconv.Atoi(got.Channel)
		if err != nil {
			t.Fatalf("the card's channel %q: %v", got.Channel, err)
		}
		return c, got.Patches
	}
	channel, patches := shownPatches()
	quarter := regexp.MustCompile(`^[a-z0-9_]+\.(png|jpg) · (top|bottom) (left|right)$`)
	if len(patches) != 9 {
		t.Fatalf("the card shows %d patches, want 9", len(patches))
	}
	for i, sp := range patches {
		if !quarter.MatchString(sp.Image) || !strings.HasPrefix(sp.Caption, sp.Image+", ") || sp.Drawn == 0 {
			t.Errorf("patch %d: image %q, caption %q, %d pixels drawn; want an example's quarter, named in the caption, drawn", i, sp.Image, sp.Caption, sp.Drawn)
		}
	}

	// Only the examples and VGG-19, each once, from the page's origin.
	p.net.check(t, "Inside the network", srv.URL, "/nst/", "/vgg19/")
	for _, kind := range []string{"content", "style"} {
		files, err := os.ReadDir(filepath.Join(site, "nst", kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			want := "/nst/" + kind + "/" + f.Name()
			if !slices.ContainsFunc(p.net.afterLoad, func(u string) bool { return strings.HasSuffix(u, want) }) {
				t.Errorf("the card never fetched %s: its set is not the site's examples", want)
			}
		}
	}

	// The same pass natively on the pixels the card sent (units.js's
	// exampleSet is made once a page: no new fetch).
	set, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct {
		Name          string
		Width, Height int
		Data          string
	}](`import('./units.js').then(m => m.exampleSet()).then(set => set.map(({name, image}) => {
		let s = '';
		for (let i = 0; i < image.data.length; i += 0x8000) s += String.fromCharCode(...image.data.subarray(i, i + 0x8000));
		return {name, width: image.width, height: image.height, data: btoa(s)};
	}))`, chromedp.EvalAwaitPromise))
	if err != nil || len(set) != 32 {
		t.Fatalf("the example set from the page: %d images, %v; want 32", len(set), err)
	}
	net, err := vgg19.Load(os.DirFS(filepath.Join(site, "vgg19")))
	if err != nil {
		t.Fatal(err)
	}
	top := art.NewTopUnits(9)
	names := make([]string, len(set))
	pictures := make([]*tensor.Tensor, len(set))
	for i, im := range set {
		rgba, err := base64.StdEncoding.DecodeString(im.Data)
		if err != nil || len(rgba) != 4*im.Width*im.Height {
			t.Fatalf("%s: %d bytes of pixels for %d×%d (%v)", im.Name, len(rgba), im.Width, im.Height, err)
		}
		img := tensor.New(im.Height, im.Width, 3)
		for j := range im.Width * im.Height {
			for c := range 3 {
				img.Data[3*j+c] = float32(rgba[4*j+c])
			}
		}
		pass, err := net.Forward(imageio.DownscaleArea(img, size), layer)
		if err != nil {
			t.Fatal(err)
		}
		top.Add(i, pass.Activation(layer))
		names[i], pictures[i] = im.Name, img
	}
	// The strongest unit is native's, unless the two are within the bound
	// on the 9th patch that ranks them.
	strongest := top.Units(2)
	if channel != strongest[0] {
		a, b := top.Hits(channel), top.Hits(strongest[0])
		if len(a) != 9 || !near(a[8].Value, b[8].Value) {
			t.Errorf("the card's strongest unit is %d, natively %d (ranking %v)", channel, strongest[0], strongest)
		}
	}
	comparePatches(t, channel, patches, top.Hits(channel), names)

	// The second strongest, picked from the list: the same pass, no new one.
	p.do(chromedp.Evaluate[chromedp.Void](`(s => { s.value = s.options[1].value; s.dispatchEvent(new Event('change')); })(document.getElementById('units-unit'))`))
	second := eval[string](p, `document.getElementById('units-unit').options[1].value`)
	p.poll(`document.getElementById('units-patches').dataset.channel === '`+second+`' ? 'yes' : ''`, time.Minute)
	channel, patches = shownPatches()
	comparePatches(t, channel, patches, top.Hits(channel), names)
	p.shot(layer + "-second-unit")

	// Pressing a patch shows the unit's map over the patch's whole picture:
	// the picture as the pass saw it, the map at the layer's resolution.
	p.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('#units-patches figure button').click()`))
	p.poll(`(m => m.hidden ? '' : m.dataset.image)(document.getElementById('units-map'))`, time.Minute)
	mapShown := eval[struct {
		Image, Channel string
		Sizes          []int
	}](p, `(m => ({image: m.dataset.image, channel: m.dataset.channel, sizes: [...m.querySelectorAll('canvas')].flatMap(c => [c.width, c.height])}))(document.getElementById('units-map'))`)
	first := slices.Index(names, patches[0].Image)
	if first < 0 {
		t.Fatalf("the first patch's picture %q is not in the set", patches[0].Image)
	}
	scaled := imageio.DownscaleArea(pictures[first], size)
	pass, err := net.Forward(scaled, layer)
	if err != nil {
		t.Fatal(err)
	}
	act := pass.Activation(layer)
	if wantSizes := []int{scaled.Shape[1], scaled.Shape[0], act.Shape[1], act.Shape[0]}; mapShown.Image != patches[0].Image || mapShown.Channel != strconv.Itoa(channel) || !slices.Equal(mapShown.Sizes, wantSizes) {
		t.Errorf("the map shows %s, unit %s, canvases %v; want %s, unit %d, picture and map %v", mapShown.Image, mapShown.Channel, mapShown.Sizes, patches[0].Image, channel, wantSizes)
	}
	p.shot(layer + "-map")
	// Photos the user chooses: the worker decodes their bytes with the Go
	// core, as `visage convnet-units` does (natively, the same numbers).
	mine := []string{filepath.Join(site, "nst", "content", "chelsea.png"), filepath.Join(site, "nst", "style", "starry_night.jpg"), filepath.Join(site, "nst", "content", "coffee.png")}
	p.do(
		chromedp.SetUploadFiles(chromedp.ID("units-files"), mine),
		chromedp.SetValue(chromedp.ID("units-layer"), "conv1_1"),
	)
	p.poll(`document.getElementById('units-set').value === 'mine' ? 'yes' : ''`, time.Minute)
	p.do(chromedp.Click(chromedp.ID("units-run")))
	p.poll(`document.getElementById('units-patches').dataset.layer === 'conv1_1' ? 'yes' : ''`, 5*time.Minute)
	own := eval[struct {
		Channel string
		Images  string
		Patches []shownPatch
	}](p, `(g => ({channel: g.dataset.channel, images: g.dataset.images, patches: [...g.querySelectorAll('figure')].map(f =>
		({image: f.dataset.image, value: +f.dataset.value, y: +f.dataset.y, x: +f.dataset.x}))}))(document.getElementById('units-patches'))`)
	ownTop := art.NewTopUnits(9)
	ownNames := make([]string, len(mine))
	for i, f := range mine {
		img, err := imageio.DecodeFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pass, err := net.Forward(imageio.DownscaleArea(img, size), "conv1_1")
		if err != nil {
			t.Fatal(err)
		}
		ownTop.Add(i, pass.Activation("conv1_1"))
		ownNames[i] = filepath.Base(f)
	}
	ownChannel, _ := strconv.Atoi(own.Channel)
	if own.Images != "3" || len(own.Patches) != 3 {
		t.Errorf("your 3 photos: the card shows %d patches over %s images, want 3 over 3", len(own.Patches), own.Images)
	}
	comparePatches(t, ownChannel, own.Patches, ownTop.Hits(ownChannel), ownNames)
	p.shot("your-photos")

	// Phone width: the card scrolls nothing sideways.
	p.do(chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)))
	if w := eval[int](p, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("at 360 px the Art view with the card is %d px wide: it scrolls sideways", w)
	}
	p.shot("phone-width")
	p.do(chromedp.EmulateViewport(1280, 900))

	// The API's checks, on an instance of its own (its own worker).
	api, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Progress                                              []int
		Patches                                               int
		Empty, Layer, K, Channel, NotAnImage, Aborted, NoPass string
	}](`(async () => {
		const { Visage } = await import('./visage.js');
		const v = await Visage.load({ detector: false });
		const px = (w, h, c) => ({ width: w, height: h, data: new Uint8ClampedArray(4 * w * h).fill(c) });
		const why = (p) => p.then(() => 'resolved', (e) => e.name + ': ' + e.message);
		const out = {
			noPass: await why(v.unitPatches(1)),
			empty: await why(v.topUnits([], { layer: 'conv1_1' })),
			layer: await why(v.topUnits([px(8, 8, 9)], { layer: 'fc7' })),
			k: await why(v.topUnits([px(8, 8, 9)], { layer: 'conv1_1', k: 0 })),
			channel: await why(v.topUnits([px(8, 8, 9)], { layer: 'conv1_1', units: [64] })),
			notAnImage: await why(v.topUnits([px(8, 8, 9), 'cat.png'], { layer: 'conv1_1' })),
			aborted: await why(v.topUnits([px(8, 8, 9)], { layer: 'conv1_1' }, undefined, AbortSignal.abort())),
			progress: [],
		};
		const r = await v.topUnits([px(20, 16, 40), px(16, 20, 200)], { layer: 'conv1_1', units: 1, k: 2, size: 16 },
			({ done, total }) => out.progress.push(done, total));
		out.patches = r.units[0].patches.length;
		v.terminate();
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	wantRejections(t, []rejection{
		{"unitPatches before a pass", api.NoPass, "needs a finished topUnits pass first"},
		{"topUnits([])", api.Empty, "TypeError: visage: topUnits expects a non-empty array of images, got an empty array"},
		{"layer fc7", api.Layer, `unknown layer "fc7" (have [conv1_1 conv1_2 conv2_1`},
		{"k 0", api.K, "k 0 and size 128, want whole numbers in 1..100 and 16..1024"},
		{"channel 64 of conv1_1", api.Channel, "units[0], a channel of conv1_1, 64, want a whole number in 0..63"},
		{"a string for an image", api.NotAnImage, "topUnits: images[1]: topUnits expects a Blob, bytes, ImageData"},
		{"an aborted signal", api.Aborted, "AbortError"},
	})
	if !slices.Equal(api.Progress, []int{1, 2, 2, 2}) || api.Patches != 2 {
		t.Errorf("topUnits over 2 images: progress %v (done, total pairs), %d patches; want [1 2 2 2] and 2", api.Progress, api.Patches)
	}
}

// shownPatch is one patch figure of the card.
type shownPatch struct {
	Image, Caption string
	Value          float32
	Y, X, Drawn    int
}

// comparePatches checks the card's patches of channel against the native
// hits: the same pictures and positions in the same order, and values within
// unitsBound; two neighbours within the bound of each other may trade places.
func comparePatches(t *testing.T, channel int, shown []shownPatch, hits []art.Hit, names []string) {
	t.Helper()
	if len(shown) != len(hits) {
		t.Fatalf("unit %d: the card shows %d patches, natively %d", channel, len(shown), len(hits))
	}
	worst := 0.0
	for i, h := range hits {
		s := shown[i]
		worst = max(worst, math.Abs(float64(s.Value-h.Value))/math.Max(1, math.Abs(float64(h.Value))))
		if s.Image == names[h.Image] && s.Y == h.Y && s.X == h.X && near(s.Value, h.Value) {
			continue
		}
		swapped := slices.ContainsFunc(hits, func(o art.Hit) bool {
			return names[o.Image] == s.Image && o.Y == s.Y && o.X == s.X && near(o.Value, h.Value) && near(s.Value, o.Value)
		})
		if !swapped {
			t.Errorf("unit %d patch %d: the card shows %s (%d, %d) = %v, natively %s (%d, %d) = %v",
				channel, i, s.Image, s.Y, s.X, s.Value, names[h.Image], h.Y, h.X, h.Value)
		}
	}
	t.Logf("unit %d: %d patches as natively, largest relative difference %.2g (bound %g); strongest %s = %v",
		channel, len(shown), worst, unitsBound, shown[0].Image, shown[0].Value)
}

// near reports whether a and b agree within unitsBound, relative.
func near(a, b float32) bool {
	return math.Abs(float64(a-b)) <= unitsBound*math.Max(1, math.Abs(float64(b)))
}
