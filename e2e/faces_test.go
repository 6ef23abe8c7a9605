package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"visage/models/assets"
	"visage/models/assets/assettest"
)

// LFW photos for TestFacesView (deep-funnelled, 250x250): person A enrolls
// from one photo and shows another to the camera; B is someone else. Natively
// A's two photos are 0.37 apart and B is 0.82 from A (threshold 0.6).
const (
	lfwEnrollA = "Colin_Powell/Colin_Powell_0001.jpg"
	lfwCameraA = "Colin_Powell/Colin_Powell_0002.jpg"
	lfwCameraB = "George_W_Bush/George_W_Bush_0001.jpg"
	nameA      = "Colin Powell"
)

// Bounds for the slow steps: loading the models into the wasm, and one
// analysis of a frame (SSD detector, landmarks and encoder in pure Go wasm,
// several seconds on a loaded machine).
const (
	pageTimeout    = 3 * time.Minute
	analyseTimeout = 2 * time.Minute
	sessionTimeout = 12 * time.Minute
)

// lfwPhoto returns the path of an LFW photo in the shared data.
func lfwPhoto(t *testing.T, rel string) string {
	shared, err := assets.SharedDir()
	assettest.Need(t, err)
	p := filepath.Join(shared, "data", "lfw", "images_deepfunneled", rel)
	_, err = os.Stat(p)
	assettest.Need(t, err)
	return p
}

// fakeCameraVideo makes a 640x480 .y4m clip of photo (scaled to 480x480 and
// centred, as a webcam would frame a face) for Chromium's fake camera.
func fakeCameraVideo(t *testing.T, photo string) string {
	ffmpeg, err := exec.LookPath("ffmpeg")
	assettest.Need(t, err)
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(photo), ".jpg")+".y4m")
	cmd := exec.Command(ffmpeg, "-loglevel", "error", "-y", "-loop", "1", "-i", photo,
		"-vf", "scale=480:480,pad=640:480:80:0,format=yuv420p", "-r", "10", "-frames:v", "10", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the fake camera's video: %v\n%s", err, msg)
	}
	return out
}

// fakeCamera are the Chromium options that grant the camera without asking
// and make it play video (a .y4m file) in a loop.
func fakeCamera(video string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", video),
	}
}

// netLog records the URL of every request the tab and its workers make. A
// request while the log is settled (after a page has loaded, until the test
// navigates again) is also recorded as made after load.
type netLog struct {
	mu        sync.Mutex
	settled   bool
	all       []string
	afterLoad []string
	problems  []string // workers that could not be watched
}

// recordNetwork starts recording ctx's tab and its workers. A worker's
// requests are not the tab's network events: the tab is told to pause each
// worker it starts until the recorder has attached to the worker and enabled
// its network events, so that not even its first request escapes.
func recordNetwork(t *testing.T, ctx context.Context) *netLog {
	n := &netLog{}
	workers := make(chan target.ID, 16)
	onEvent := func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			n.add(e.Request.URL)
		case *target.EventAttachedToTarget:
			if e.TargetInfo.Type == "worker" {
				workers <- e.TargetInfo.TargetID
			}
		}
	}
	if err := chromedp.Listen(ctx, onEvent); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, target.SetAutoAttach, target.SetAutoAttachParams{
		AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: ptr(true),
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case id := <-workers:
				// A chromedp context on the worker enables its network
				// events as it attaches; then the worker may run.
				wctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(id)) // ends with ctx
				err := chromedp.Listen(wctx, onEvent)
				if err == nil {
					_, err = chromedp.Call(wctx, runtime.RunIfWaitingForDebugger, cdp.Empty{})
				}
				if err != nil && ctx.Err() == nil {
					n.mu.Lock()
					n.problems = append(n.problems, fmt.Sprintf("worker %s: %v", id, err))
					n.mu.Unlock()
				}
			}
		}
	}()
	return n
}

func ptr[T any](v T) *T { return &v }

func (n *netLog) add(u string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.all = append(n.all, u)
	if n.settled {
		n.afterLoad = append(n.afterLoad, u)
	}
}

// settle marks whether the page is loaded (true) or about to load (false).
func (n *netLog) settle(loaded bool) {
	n.mu.Lock()
	n.settled = loaded
	n.mu.Unlock()
}

// check fails the test for any request to an origin other than origin's,
// and for any request made after load whose path starts with none of
// allowedAfterLoad or repeats an earlier one; it checks that the log saw
// the worker's model fetches (so that an empty log cannot pass).
func (n *netLog) check(t *testing.T, session, origin string, allowedAfterLoad ...string) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	home, err := url.Parse(origin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range n.problems {
		t.Errorf("%s: %s", session, p)
	}
	seen := map[string]bool{}
	for _, raw := range n.all {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != home.Scheme || u.Host != home.Host {
			t.Errorf("%s: request to another origin: %s", session, raw)
		}
		if err == nil {
			seen[u.Path] = true
		}
	}
	fetched := map[string]bool{}
	for _, raw := range n.afterLoad {
		u, err := url.Parse(raw)
		allowed := err == nil && slices.ContainsFunc(allowedAfterLoad, func(p string) bool { return strings.HasPrefix(u.Path, p) })
		switch {
		case !allowed:
			t.Errorf("%s: request after the page had loaded: %s", session, raw)
		case fetched[u.Path]:
			t.Errorf("%s: %s fetched again after load", session, u.Path)
		}
		if err == nil {
			fetched[u.Path] = true
		}
	}
	// The worker's first request and its last ones: the log can be trusted.
	for _, path := range []string{"/wasm_exec.js", "/visage.wasm", "/models/ssd_mobilenetv1_model.bin"} {
		if !seen[path] {
			t.Errorf("%s: the network log misses the worker's request for %s (%d requests logged): it cannot be trusted", session, path, len(n.all))
		}
	}
	t.Logf("%s: %d requests, all to %s, %d after load (allowed: %q)", session, len(n.all), origin, len(n.afterLoad), allowedAfterLoad)
}

// facesPage is one browser session on the Faces view.
type facesPage struct {
	t     *testing.T
	ctx   context.Context
	url   string
	net   *netLog
	close func()
	step  *int // screenshots taken, shared by the sessions of a test
}

// openFaces starts Chromium with profile and the fake camera playing video,
// records its network traffic and loads the page.
func openFaces(t *testing.T, srv *Server, profile, video string, step *int) *facesPage {
	ctx, closeBrowser := openBrowser(t, profile, sessionTimeout, fakeCamera(video)...)
	p := &facesPage{t: t, ctx: ctx, url: srv.URL, net: recordNetwork(t, ctx), close: closeBrowser, step: step}
	p.load(chromedp.Navigate(srv.URL))
	return p
}

// load runs navigate (a navigation or reload) and waits for the page to be
// ready, marking the network log settled from then on.
func (p *facesPage) load(navigate chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	p.net.settle(false)
	if err := chromedp.Do(p.ctx, navigate); err != nil {
		p.t.Fatal(err)
	}
	status := p.poll(`(s => s.startsWith('Ready') || s.startsWith('Could not') ? s : '')(document.getElementById('status').textContent)`, pageTimeout)
	if !strings.HasPrefix(status, "Ready") {
		p.t.Fatalf("the page says: %s", status)
	}
	p.net.settle(true)
}

// poll evaluates expr until it is a non-empty string and returns it.
func (p *facesPage) poll(expr string, timeout time.Duration) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Poll[string](expr, chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		status, _ := chromedp.Run(p.ctx, chromedp.Text(chromedp.ID("status")))
		p.t.Fatalf("waiting for %s: %v (status: %q)", expr, err, status)
	}
	return s
}

// do runs actions, failing the test on error.
func (p *facesPage) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval returns the value of a JS expression.
func eval[T any](p *facesPage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// status waits until the status line's text changes from before, then
// returns it and whether it is an error.
func (p *facesPage) statusAfter(before string, timeout time.Duration) (string, bool) {
	p.t.Helper()
	js, _ := json.Marshal(before)
	s := p.poll(`(s => s.textContent !== `+string(js)+` && !s.textContent.endsWith('…') ? s.textContent : '')(document.getElementById('status'))`, timeout)
	return s, eval[bool](p, `document.getElementById('status').classList.contains('error')`)
}

func (p *facesPage) currentStatus() string {
	return eval[string](p, `document.getElementById('status').textContent`)
}

// shot saves a numbered screenshot of the page.
func (p *facesPage) shot(name string) {
	p.t.Helper()
	*p.step++
	// From the top: the camera view sticks to the top of a scrolled window,
	// which a full-page screenshot would show in mid-page.
	p.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	screenshot(p.t, p.ctx, fmt.Sprintf("%02d-%s", *p.step, name))
}

// people returns the gallery list as "name: N samples" lines.
func (p *facesPage) people() []string {
	return eval[[]string](p, `[...document.querySelectorAll('#people li')].map(li =>
		li.querySelector('.name').textContent + ': ' + li.querySelector('.samples').textContent)`)
}

func (p *facesPage) wantPeople(when string, want ...string) {
	p.t.Helper()
	if got := p.people(); strings.Join(got, "|") != strings.Join(want, "|") {
		p.t.Errorf("%s: the gallery lists %q, want %q", when, got, want)
	}
}

// startCamera turns the camera on and waits for the first analysed frame.
func (p *facesPage) startCamera() {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.ID("camera-toggle")))
	p.poll(`document.getElementById('fps').dataset.frames || ''`, analyseTimeout)
}

// unlock claims to be name, presses Unlock and returns the verdict shown
// ("unlocked" or "denied") and the detail line.
func (p *facesPage) unlock(name string) (verdict, detail string) {
	p.t.Helper()
	p.do(
		chromedp.Evaluate[chromedp.Void](`delete document.getElementById('unlock-result').dataset.verdict`),
		chromedp.SetValue(chromedp.ID("unlock-person"), name),
		chromedp.Click(chromedp.ID("unlock")),
	)
	verdict = p.poll(`document.getElementById('unlock-result').dataset.verdict || ''`, analyseTimeout)
	return verdict, eval[string](p, `document.getElementById('unlock-detail').textContent`)
}

// whoListed waits for the "Who is this?" list and returns the names listed,
// "" for "not recognized".
func (p *facesPage) whoListed() []string {
	p.t.Helper()
	p.poll(`document.querySelector('#who-result li') ? 'yes' : ''`, analyseTimeout)
	return eval[[]string](p, `[...document.querySelectorAll('#who-result li')].map(li => li.dataset.name)`)
}

// dropOnStage clears the last "Who is this?" result and drops the file at
// path on the stage.
func (p *facesPage) dropOnStage(path string) {
	p.t.Helper()
	p.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('who-result').replaceChildren()`))
	p.dropOn("#stage", path)
}

// dropOn scrolls the element selector finds into view, drags the file at
// path onto its centre and drops it.
func (p *facesPage) dropOn(selector, path string) {
	p.t.Helper()
	// In view first: a drop outside the viewport opens the file in a new tab.
	centre := eval[[2]float64](p, `(e => (e.scrollIntoView({block: 'center'}), (r => [r.x + r.width / 2, r.y + r.height / 2])(e.getBoundingClientRect())))(document.querySelector('`+selector+`'))`)
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{path}, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{
		input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop,
	} {
		if _, err := chromedp.Call(p.ctx, input.DispatchDragEvent, input.DispatchDragEventParams{
			Type: typ, X: centre[0], Y: centre[1], Data: data,
		}); err != nil {
			p.t.Fatalf("%s on %s: %v", typ, selector, err)
		}
	}
}

// whoIsThis presses "Who is this?" and returns the names listed, "" for
// "not recognized".
func (p *facesPage) whoIsThis() []string {
	p.t.Helper()
	p.do(
		chromedp.Evaluate[chromedp.Void](`document.getElementById('who-result').replaceChildren()`),
		chromedp.Click(chromedp.ID("who")),
	)
	return p.whoListed()
}

// TestFacesView walks a first-time user through the Faces view in two
// browser sessions sharing one profile, with the fake camera showing person A
// and then person B (Chromium's fake camera plays one file per browser, so
// switching people means a second browser; sharing the profile also shows
// the gallery surviving a browser restart). Session A: enroll A from a photo,
// name the faces of a dropped and a chosen photo, unlock as A (denied: the
// fake camera shows a still photo, which has no liveness), recognise A,
// add a sample of A from the camera, reload, export, forget everything,
// import, refuse malformed imports. Session B: A is still enrolled; unlocking as A is
// denied as not A, and B is not recognized. Screenshots of every step go to
// e2e/out/TestFacesView/; the network log of each session must hold nothing
// after load and nothing from another origin.
func TestFacesView(t *testing.T) {
	enrollA := lfwPhoto(t, lfwEnrollA)
	videoA := fakeCameraVideo(t, lfwPhoto(t, lfwCameraA))
	videoB := fakeCameraVideo(t, lfwPhoto(t, lfwCameraB))
	srv := serveSite(t)
	profile := t.TempDir()
	downloads := t.TempDir()
	step := 0
	// The numbered screenshots of an earlier run would mix with these.
	if err := os.RemoveAll(filepath.Join("out", t.Name())); err != nil {
		t.Fatal(err)
	}

	// ---- Session 1: the camera shows A ----
	p := openFaces(t, srv, profile, videoA, &step)
	if s := p.currentStatus(); !strings.Contains(s, "Enroll someone") {
		t.Errorf("a first visit says %q, want it to suggest enrolling someone", s)
	}
	p.wantPeople("first visit")
	p.shot("first-visit")

	// Enroll A from a photo (not the one the camera shows).
	before := p.currentStatus()
	p.do(
		chromedp.SendKeys(chromedp.ID("enroll-name"), nameA),
		chromedp.SetUploadFiles(chromedp.ID("enroll-files"), []string{enrollA}),
	)
	if s, isErr := p.statusAfter(before, analyseTimeout); isErr || !strings.Contains(s, "Enrolled "+nameA+" from 1 of 1 photo") {
		t.Fatalf("enrolling from %s: status %q", filepath.Base(enrollA), s)
	}
	p.wantPeople("after enrolling", nameA+": 1 sample")
	p.shot("enrolled-from-photo")

	// A photo dropped on the stage is shown with its faces named; one chosen
	// with the picker too.
	p.dropOnStage(lfwPhoto(t, lfwCameraA))
	if who := p.whoListed(); len(who) != 1 || who[0] != nameA {
		t.Errorf("photo of A dropped on the stage: faces named %q, want [%s]", who, nameA)
	}
	p.shot("photo-of-A-dropped")
	p.do(
		chromedp.Evaluate[chromedp.Void](`document.getElementById('who-result').replaceChildren()`),
		chromedp.SetUploadFiles(chromedp.ID("photo-file"), []string{lfwPhoto(t, lfwCameraB)}),
	)
	if who := p.whoListed(); len(who) != 1 || who[0] != "" {
		t.Errorf("photo of B chosen: faces named %q, want one not recognized", who)
	}
	p.shot("photo-of-B-chosen")

	// Unlock as A with the camera. The boxes are redrawn frame after frame,
	// with the rate shown.
	p.startCamera()
	p.poll(`+(document.getElementById('fps').dataset.frames || 0) >= 2 ? 'yes' : ''`, analyseTimeout)
	if fps := eval[string](p, `document.getElementById('fps').textContent`); !strings.Contains(fps, "frames/s analysed") {
		t.Errorf("the camera's rate reads %q", fps)
	}
	if drawn := eval[bool](p, `(c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0))(document.getElementById('overlay'))`); !drawn {
		t.Error("nothing is drawn over the camera picture")
	}
	p.shot("camera-shows-A")
	verdict, detail := p.unlock(nameA)
	t.Logf("camera A (a still photo), unlock as %s: %s (%s)", nameA, verdict, detail)
	if verdict != "denied" || !strings.Contains(detail, "no liveness") {
		t.Errorf("unlock as %s with a still photo of A in front of the camera: %s, %q; want denied, no liveness", nameA, verdict, detail)
	}
	p.shot("still-photo-denied")
	if who := p.whoIsThis(); len(who) != 1 || who[0] != nameA {
		t.Errorf("who is this, A in front of the camera: %q, want [%s]", who, nameA)
	}
	p.shot("who-is-A")

	// A second sample of A from the camera.
	before = p.currentStatus()
	p.do(
		chromedp.Evaluate[chromedp.Void](`document.getElementById('enroll-name').value = ''`),
		chromedp.SendKeys(chromedp.ID("enroll-name"), nameA),
		chromedp.Click(chromedp.ID("enroll")),
	)
	if s, isErr := p.statusAfter(before, analyseTimeout); isErr || s != "Added a sample to "+nameA+" (2 samples)." {
		t.Errorf("enrolling A again from the camera: status %q", s)
	}
	p.wantPeople("after a second sample", nameA+": 2 samples")

	// Reload: A is still enrolled (IndexedDB).
	p.load(chromedp.Reload())
	p.wantPeople("after a reload", nameA+": 2 samples")
	p.shot("after-reload")

	// Export, forget everything, import.
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Click(chromedp.ID("export")))
	exported := filepath.Join(downloads, "visage-gallery.json")
	gallery := waitForFile(t, exported, time.Minute)
	var doc struct {
		DistanceThreshold  float64
		LabeledDescriptors []struct {
			Label       string
			Descriptors [][]float64
		}
	}
	if err := json.Unmarshal(gallery, &doc); err != nil {
		t.Fatalf("the exported gallery is not JSON: %v", err)
	}
	if doc.DistanceThreshold != 0.6 || len(doc.LabeledDescriptors) != 1 || doc.LabeledDescriptors[0].Label != nameA ||
		len(doc.LabeledDescriptors[0].Descriptors) != 2 || len(doc.LabeledDescriptors[0].Descriptors[1]) != 128 {
		t.Errorf("exported %.200s…, want FaceMatcher.toJSON with %s and two 128-number descriptors", gallery, nameA)
	}

	p.do(chromedp.Click(chromedp.ID("forget")))
	p.shot("forget-asks-first")
	p.do(chromedp.Click(chromedp.ID("forget-yes")))
	p.poll(`document.getElementById('status').textContent === 'Forgot everyone.' ? 'yes' : ''`, time.Minute)
	p.wantPeople("after forgetting everything")
	p.shot("forgot-everyone")

	before = p.currentStatus()
	p.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{exported}))
	if s, isErr := p.statusAfter(before, time.Minute); isErr || !strings.Contains(s, "Imported 1 person") {
		t.Errorf("importing the export: status %q", s)
	}
	p.wantPeople("after importing the export", nameA+": 2 samples")
	p.shot("imported")

	// Malformed imports: an error, and the gallery untouched.
	dir := t.TempDir()
	for i, bad := range []string{
		`{"labeledDescriptors":[{"label":"Mallory","descriptors":[[0.1,0.2,0.3]]}]}`, // 3 numbers, not 128
		string(gallery[:len(gallery)/2]),                                             // truncated
	} {
		path := filepath.Join(dir, fmt.Sprintf("bad-%d.json", i))
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		before = p.currentStatus()
		p.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{path}))
		if s, isErr := p.statusAfter(before, time.Minute); !isErr || !strings.Contains(s, "nothing was changed") {
			t.Errorf("importing %s: status %q (error: %v), want an error saying nothing was changed", filepath.Base(path), s, isErr)
		}
		p.wantPeople("after a malformed import", nameA+": 2 samples")
		if i == 0 {
			p.shot("malformed-import-refused")
		}
	}
	// The worker's gallery is untouched too: A is still recognised.
	p.startCamera()
	if who := p.whoIsThis(); len(who) != 1 || who[0] != nameA {
		t.Errorf("after the malformed imports, who is this, A in front of the camera: %q, want [%s]", who, nameA)
	}

	// Phone width.
	p.do(chromedp.EmulateViewport(375, 740, chromedp.EmulateScale(2)))
	p.shot("phone-width")
	p.net.check(t, "session with A", srv.URL)
	p.close()

	// ---- Session 2: same profile, the camera shows B ----
	p = openFaces(t, srv, profile, videoB, &step)
	p.wantPeople("in a new browser on the same profile", nameA+": 2 samples")
	p.startCamera()
	p.shot("camera-shows-B")
	verdict, detail = p.unlock(nameA)
	t.Logf("camera B, unlock as %s: %s (%s)", nameA, verdict, detail)
	if verdict != "denied" || !strings.Contains(detail, "not "+nameA) || strings.Contains(detail, "0.") {
		t.Errorf("unlock as %s with B in front of the camera: %s, %q; want denied as not %s, without a distance", nameA, verdict, detail, nameA)
	}
	p.shot("denied")
	if who := p.whoIsThis(); len(who) != 1 || who[0] != "" {
		t.Errorf("who is this, B in front of the camera: %q, want one face, not recognized", who)
	}
	p.shot("B-not-recognized")
	p.net.check(t, "session with B", srv.URL)
}

// waitForFile waits until path exists with content, and returns it.
func waitForFile(t *testing.T, path string, timeout time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(path)
		if err == nil && len(data) > 0 && json.Valid(data) {
			return data
		}
		if time.Now().After(deadline) {
			t.Fatalf("no download at %s after %v: %v", path, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestFacesKeyboardAndPhone checks the Faces view without the mouse: Tab
// reaches every control a first-time user needs, in reading order, and the
// status line is a live region; and at phone width nothing overflows sideways.
func TestFacesKeyboardAndPhone(t *testing.T) {
	ctx := openSite(t)
	if live, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(s => s.getAttribute('role') + ' ' + s.getAttribute('aria-live'))(document.getElementById('status'))`)); err != nil || live != "status polite" {
		t.Errorf("the status line is %q (%v), want role=status aria-live=polite", live, err)
	}
	var order []string
	for range 14 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.activeElement.id || document.activeElement.getAttribute('data-view-link') || document.activeElement.tagName`))
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, id)
	}
	want := []string{"faces", "compare", "camera-toggle", "photo-file", "enroll-name", "enroll", "enroll-files", "who", "import-file", "threshold"}
	got := strings.Join(order, " ")
	at := 0
	for _, w := range want {
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Errorf("Tab order %q misses %q (or reaches it out of order); want %q in this order", got, w, want)
			break
		}
		at += i + len(w)
	}
	screenshot(t, ctx, "keyboard")

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 360 {
		t.Errorf("at 360 px the page is %d px wide (%v): it scrolls sideways", w, err)
	}
	screenshot(t, ctx, "phone")
}
