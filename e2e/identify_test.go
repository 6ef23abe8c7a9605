package e2e

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/fpir"
	"visage/core/imageio"
)

// TestIdentifyAtScale: the Faces view's threshold card states, in plain
// words, the error rates measured for "Who is this?" at the gallery's size,
// and they change with it (3, 200, then 10,000 people, beyond the measured
// sizes: said so); a gallery of 10,000 people (A from the photo enroll
// would take, the rest random descriptors), imported with the page's Import
// button, names A in another photo; a threshold chosen with the slider then
// decides instead (0.30: A, at about 0.33, is no longer named), and the card
// says so.
func TestIdentifyAtScale(t *testing.T) {
	enrollA := lfwPhoto(t, lfwEnrollA)
	video := fakeCameraVideo(t, lfwPhoto(t, lfwCameraA))
	data, err := os.ReadFile(enrollA)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imageio.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	faces, err := nativePipeline(t).ForDecisions().Faces(img) // as the page enrolls
	if err != nil {
		t.Fatal(err)
	}
	descA := faces[0].Encoding
	dir := t.TempDir()
	srv := serveSite(t)
	step := 0
	p := openFaces(t, srv, t.TempDir(), video, &step)
	defer p.close()

	importPeople := func(n int) {
		t.Helper()
		path := filepath.Join(dir, fmt.Sprintf("gallery-%d.json", n))
		if err := os.WriteFile(path, galleryOf(n, nameA, descA), 0o644); err != nil {
			t.Fatal(err)
		}
		before := p.currentStatus()
		p.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{path}))
		if s, isErr := p.statusAfter(before, 3*time.Minute); isErr || !strings.Contains(s, fmt.Sprintf("Imported %d people", n)) {
			t.Fatalf("importing %d people: status %q", n, s)
		}
	}
	card := func() string { return eval[string](p, `document.getElementById('threshold-rates').textContent`) }
	for _, n := range []int{3, 200, 10_000} {
		importPeople(n)
		e, err := fpir.Measured.At(n, fpir.DefaultTarget)
		if err != nil {
			t.Fatal(err)
		}
		got := card()
		t.Logf("%d people: %s", n, got)
		want := fmt.Sprintf("With %d people enrolled, about %s strangers in 100 are given a name, and about %s in 100 enrolled people are missed",
			n, per100(e.FPIR), per100(e.FNIR))
		if !strings.Contains(got, want) || !strings.Contains(got, fmt.Sprintf("uses for %d people, %.2f on the nearest distance less its gap to the next person.", n, e.Threshold)) {
			t.Errorf("%d people: the card says %q, want %q and the threshold %.2f", n, got, want, e.Threshold)
		}
		if wantNote := e.Note != ""; strings.Contains(got, "Measured ") != wantNote {
			t.Errorf("%d people: the card says %q; want a note on the measured sizes: %v", n, got, wantNote)
		}
		if n == 200 {
			p.shot("200-people") // (a page listing 10,000 people is too large for a screenshot)
		}
	}
	p.dropOnStage(lfwPhoto(t, lfwCameraA))
	if who := p.whoListed(); len(who) != 1 || who[0] != nameA {
		t.Errorf("among 10,000 people, who is this, another photo of A: %q, want [%s]", who, nameA)
	}
	p.do(chromedp.Evaluate[chromedp.Void](`(s => { s.value = '0.3'; s.dispatchEvent(new Event('change')); })(document.getElementById('threshold'))`))
	p.poll(`document.getElementById('threshold-note').textContent.startsWith('Threshold set to 0.30') ? 'yes' : ''`, time.Minute)
	if got := card(); !strings.Contains(got, "decides with the gallery's threshold 0.3, chosen instead of the default 0.6") {
		t.Errorf("with the slider at 0.30 the card says %q, want that the chosen threshold decides", got)
	}
	if who := p.whoIsThis(); len(who) != 1 || who[0] != "" {
		t.Errorf("with the threshold chosen 0.30, who is this, A at about 0.33: %q, want not recognized", who)
	}
}

// galleryOf returns a FaceMatcher JSON gallery of n people without a
// threshold: name with desc, and n−1 others with random descriptors
// (uniform in ±0.1 each, about 1.1 from a real one), seeded.
func galleryOf(n int, name string, desc []float32) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	var b bytes.Buffer
	b.WriteString(`{"labeledDescriptors":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		label := fmt.Sprintf("Person %d", i)
		if i == n/2 {
			label = name
		}
		fmt.Fprintf(&b, `{"label":%q,"descriptors":[[`, label)
		for j := range desc {
			if j > 0 {
				b.WriteByte(',')
			}
			x := (rng.Float64() - 0.5) * 0.2
			if i == n/2 {
				x = float64(desc[j])
			}
			b.WriteString(strconv.FormatFloat(x, 'f', 6, 64))
		}
		b.WriteString(`]]}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// per100 writes a rate as the card does: cases in 100, whole from 1 up,
// one decimal below.
func per100(rate float64) string {
	if x := rate * 100; x < 0.95 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.Itoa(int(math.Round(rate * 100)))
}
