package e2e

import (
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"visage/models/assets/assettest"
)

//go:embed testdata/unlock_api.js
var unlockAPIJS string

// movedPhotoVideo makes a 640×480 .y4m clip of photo held like a print in
// front of the camera: over 2 s it is slid, turned and scaled in the
// picture's plane (ffmpeg's scale, rotate and overlay, re-evaluated every
// frame), never turned as a head turns.
func movedPhotoVideo(t *testing.T, photo string) string {
	ffmpeg, err := exec.LookPath("ffmpeg")
	assettest.Need(t, err)
	out := filepath.Join(t.TempDir(), "moved.y4m")
	cmd := exec.Command(ffmpeg, "-loglevel", "error", "-y", "-loop", "1", "-i", photo,
		"-f", "lavfi", "-i", "color=c=black:s=640x480:r=10", "-filter_complex",
		"[0:v]scale=w='340*(1+0.2*sin(2*PI*t/2))':h=-1:eval=frame,rotate='0.3*sin(2*PI*t/2.5)':ow='hypot(iw,ih)':oh=ow:c=black[fg];"+
			"[1:v][fg]overlay=x='(W-w)/2+60*sin(2*PI*t/3)':y='(H-h)/2+20*cos(2*PI*t/2)',format=yuv420p",
		"-r", "10", "-frames:v", "20", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the moved photo's video: %v\n%s", err, msg)
	}
	return out
}

// enrollFromPhoto enrolls nameA on the page from the photo file path.
func (p *facesPage) enrollFromPhoto(path string) {
	p.t.Helper()
	before := p.currentStatus()
	p.do(
		chromedp.SendKeys(chromedp.ID("enroll-name"), nameA),
		chromedp.SetUploadFiles(chromedp.ID("enroll-files"), []string{path}),
	)
	if s, isErr := p.statusAfter(before, analyseTimeout); isErr || !strings.Contains(s, "Enrolled "+nameA) {
		p.t.Fatalf("enrolling %s from %s: status %q", nameA, filepath.Base(path), s)
	}
}

// unlockSteps returns the challenge steps the Unlock card lists, in words.
func (p *facesPage) unlockSteps() []string {
	return eval[[]string](p, `[...document.querySelectorAll('#unlock-steps li')].map(li => li.textContent)`)
}

// TestUnlockStillPhoto: the fake camera shows a still photo of the enrolled
// person. The page's Unlock lists the challenge's steps in words and denies
// it for no liveness, without a distance; after 5 failures the 5th denial
// starts a 30 s cool-down and the next attempt is refused as too many
// attempts; a photo chosen on the stage never unlocks.
func TestUnlockStillPhoto(t *testing.T) {
	video := fakeCameraVideo(t, lfwPhoto(t, lfwCameraA))
	srv := serveSite(t)
	step := 0
	p := openFaces(t, srv, t.TempDir(), video, &step)
	defer p.close()
	p.enrollFromPhoto(lfwPhoto(t, lfwEnrollA))
	p.startCamera()
	for i := 1; i <= 5; i++ {
		verdict, detail := p.unlock(nameA)
		t.Logf("attempt %d: %s (%s)", i, verdict, detail)
		if verdict != "denied" || !strings.Contains(detail, "no liveness") || strings.Contains(detail, "0.") {
			t.Fatalf("attempt %d with a still photo: %s, %q; want denied for no liveness, without a distance", i, verdict, detail)
		}
		if steps := p.unlockSteps(); len(steps) != 3 || steps[0] == steps[1] {
			t.Errorf("attempt %d: the card lists the steps %q, want 3 different ones in words", i, steps)
		}
		if cooled := strings.Contains(detail, "try again in 30 s"); cooled != (i == 5) {
			t.Errorf("attempt %d: %q; want the 30 s cool-down announced exactly at the 5th failure", i, detail)
		}
		if i == 1 {
			p.shot("still-photo-denied")
		}
	}
	verdict, detail := p.unlock(nameA)
	if verdict != "denied" || !strings.Contains(detail, "too many attempts — try again in") {
		t.Errorf("the 6th attempt during the cool-down: %s, %q; want denied, too many attempts — try again in N s", verdict, detail)
	}
	p.shot("too-many-attempts")

	// A photo on the stage: Unlock refuses it without analysing anything.
	p.do(chromedp.SetUploadFiles(chromedp.ID("photo-file"), []string{lfwPhoto(t, lfwCameraA)}))
	p.whoListed()
	verdict, detail = p.unlock(nameA)
	if verdict != "denied" || !strings.Contains(detail, "camera only") {
		t.Errorf("Unlock with a photo on the stage: %s, %q; want denied, the camera only", verdict, detail)
	}
	p.net.check(t, "still photo session", srv.URL)
}

// TestUnlockMovedPhoto: the fake camera shows a photo of the enrolled
// person slid, turned and scaled over time, as a hand-held print would be;
// Unlock denies it.
func TestUnlockMovedPhoto(t *testing.T) {
	video := movedPhotoVideo(t, lfwPhoto(t, lfwCameraA))
	srv := serveSite(t)
	step := 0
	p := openFaces(t, srv, t.TempDir(), video, &step)
	defer p.close()
	p.enrollFromPhoto(lfwPhoto(t, lfwEnrollA))
	p.startCamera()
	verdict, detail := p.unlock(nameA)
	t.Logf("moved photo: %s (%s); steps %q", verdict, detail, p.unlockSteps())
	if verdict != "denied" || strings.Contains(detail, "0.") {
		t.Errorf("unlock with a moved photo of %s: %s, %q; want denied, without a distance", nameA, verdict, detail)
	}
	p.shot("moved-photo-denied")
}

// TestUnlockAPI: visage.js's unlock refuses a photo file, a Blob, ImageData,
// a canvas, an ImageBitmap and a <video> with no camera stream, each saying
// a photo cannot unlock or what it takes; and a different enrolled person
// appearing as soon as the first step is asked (a canvas stream showing A,
// then B) is denied as another face.
func TestUnlockAPI(t *testing.T) {
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	args, err := json.Marshal(map[string]any{
		"photoA1": read(lfwPhoto(t, lfwEnrollA)), "photoA2": read(lfwPhoto(t, lfwCameraA)), "photoB": read(lfwPhoto(t, lfwCameraB)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := serveSite(t)
	ctx, closeBrowser := openBrowser(t, t.TempDir(), sessionTimeout)
	defer closeBrowser()
	if err := OpenPage(ctx, srv.URL, pageTimeout); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		File, Blob, ImageData, Canvas, Bitmap, NoStream string
		Steps                                           []struct {
			Step  int
			Words []string
		}
		Swap struct {
			Unlocked       bool
			Reason, Detail string
			Distance       *float64
		}
	}]("("+unlockAPIJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for what, msg := range map[string]string{"a File": got.File, "a Blob": got.Blob, "ImageData": got.ImageData, "a canvas": got.Canvas, "an ImageBitmap": got.Bitmap} {
		if !strings.Contains(msg, "takes a live camera") || !strings.Contains(msg, "cannot unlock") {
			t.Errorf("unlock(%s): %q; want a rejection saying it takes a live camera and a photo cannot unlock", what, msg)
		}
	}
	if !strings.Contains(got.NoStream, "srcObject a MediaStream") {
		t.Errorf("unlock(a <video> without a stream): %q; want a rejection asking for a camera stream", got.NoStream)
	}
	t.Logf("steps seen: %+v; swap: %+v", got.Steps, got.Swap)
	if got.Swap.Unlocked || got.Swap.Reason != "another face appeared" || got.Swap.Distance != nil {
		t.Errorf("B appearing when the first step was asked: %+v; want denied as another face appeared, with no distance (not opted in)", got.Swap)
	}
	if len(got.Steps) < 2 || got.Steps[0].Step != -1 || got.Steps[1].Step != 0 || len(got.Steps[0].Words) != 3 {
		t.Errorf("onStep calls %+v; want the calibration (-1) then step 0, with 3 steps in words", got.Steps)
	}
}
