package e2e

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/learn"
)

//go:embed testdata/head_api.js
var headAPIJS string

// l1Head is a pair classifier over dim numbers with P(same) = σ(b − ‖x − y‖₁)
// and threshold 0.5, as JSON: same when the L1 distance is below b.
func l1Head(t *testing.T, dim int, b float64) string {
	c := learn.NewPairClassifier(learn.AbsDiff, dim)
	for k := range c.W.Value {
		c.W.Value[k] = -1
	}
	c.B.Value[0] = b
	data, err := (&learn.Head{Kind: learn.KindPairs, Pairs: c, Threshold: 0.5}).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// jsHeadMatch is a verify result with its head part.
type jsHeadMatch struct {
	Match    bool
	Distance float64
	Name     *string
	Head     *struct {
		Kind         string
		Score        *float64
		Threshold    float64
		HigherIsSame bool
	}
}

// TestHeadAPI loads tiny heads through visage.js's setHead: a strict one
// that denies a second photo of the enrolled person whom plain distance
// admits, and one between the two people's L1 distances that admits her
// and not the other; the scores are the native σ(b − L1). A head over 64
// numbers is refused and the current one kept; null goes back to plain
// distance. Then the Faces view's control loads a head file and goes back.
func TestHeadAPI(t *testing.T) {
	pipe := nativePipeline(t).ForDecisions() // as enroll, verify and identify encode
	photos := map[string][]byte{}
	encs := map[string][]float32{}
	for key, rel := range map[string]string{"A1": lfwEnrollA, "A2": lfwCameraA, "B": lfwCameraB} {
		data, err := os.ReadFile(lfwPhoto(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		img, err := imageio.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		f, err := pipe.LargestFace(img)
		if err != nil {
			t.Fatal(err)
		}
		photos[key], encs[key] = data, f.Encoding
	}
	l1 := func(a, b []float32) float64 {
		s := 0.0
		for k := range a {
			s += math.Abs(float64(a[k] - b[k]))
		}
		return s
	}
	l1A, l1B := l1(encs["A1"], encs["A2"]), l1(encs["A1"], encs["B"])
	if face.Distance(encs["A1"], encs["A2"]) >= face.DefaultThreshold || l1A >= l1B {
		t.Fatalf("the photos do not suit the test: A at distance %v (L1 %v), B at L1 %v", face.Distance(encs["A1"], encs["A2"]), l1A, l1B)
	}
	strictB, midB := l1A/2, (l1A+l1B)/2
	sigma := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	mid := l1Head(t, face.DescriptorLen, midB)
	args, err := json.Marshal(map[string]any{"photoA1": photos["A1"], "photoA2": photos["A2"], "photoB": photos["B"],
		"strict": l1Head(t, face.DescriptorLen, strictB), "mid": mid, "wrongSize": l1Head(t, 64, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := openSite(t)
	type info struct {
		Kind         string
		Threshold    float64
		HigherIsSame bool
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		PlainA, StrictA, MidA, MidB, AfterRefusedA, ClearedA jsHeadMatch
		IdentifyA, IdentifyB                                 []jsHeadMatch
		StrictInfo, MidInfo                                  info
		Refused                                              string
		Cleared, ClearedStrict                               *info
	}]("("+headAPIJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	score := func(m jsHeadMatch, want float64) bool {
		return m.Head != nil && m.Head.Score != nil && math.Abs(*m.Head.Score-want) < 1e-4 && m.Head.Threshold == 0.5 && m.Head.HigherIsSame
	}
	if !got.PlainA.Match || got.PlainA.Head != nil {
		t.Errorf("verify(A, A2) without a head = %+v, want a plain-distance match", got.PlainA)
	}
	if got.StrictInfo != (info{learn.KindPairs, 0.5, true}) || got.MidInfo != got.StrictInfo {
		t.Errorf("setHead returned %+v and %+v, want {pair-classifier 0.5 true}", got.StrictInfo, got.MidInfo)
	}
	if got.StrictA.Match || !score(got.StrictA, sigma(strictB-l1A)) || math.Abs(got.StrictA.Distance-face.Distance(encs["A1"], encs["A2"])) > 1e-4 {
		t.Errorf("verify(A, A2) with the strict head = %+v, want denied at P %.4f with the plain distance beside it", got.StrictA, sigma(strictB-l1A))
	}
	if !got.MidA.Match || !score(got.MidA, sigma(midB-l1A)) {
		t.Errorf("verify(A, A2) with the mid head = %+v, want a match at P %.4f", got.MidA, sigma(midB-l1A))
	}
	if got.MidB.Match || !score(got.MidB, sigma(midB-l1B)) {
		t.Errorf("verify(A, B) with the mid head = %+v, want denied at P %.4f", got.MidB, sigma(midB-l1B))
	}
	if len(got.IdentifyA) != 1 || got.IdentifyA[0].Name == nil || *got.IdentifyA[0].Name != "A" || !score(got.IdentifyA[0], sigma(midB-l1A)) {
		t.Errorf("identify(A2) with the mid head = %+v, want A", got.IdentifyA)
	}
	if len(got.IdentifyB) != 1 || got.IdentifyB[0].Name != nil || !score(got.IdentifyB[0], sigma(midB-l1B)) {
		t.Errorf("identify(B) with the mid head = %+v, want not recognized", got.IdentifyB)
	}
	if !strings.Contains(got.Refused, "128-number face descriptors") || !got.AfterRefusedA.Match || !score(got.AfterRefusedA, sigma(midB-l1A)) {
		t.Errorf("a 64-number head: rejected with %q, then verify = %+v; want a rejection and the mid head kept", got.Refused, got.AfterRefusedA)
	}
	if got.Cleared != nil || got.ClearedStrict != nil || !got.ClearedA.Match || got.ClearedA.Head != nil {
		t.Errorf("setHead(null) = %v, %v, then verify = %+v; want null and plain distance", got.Cleared, got.ClearedStrict, got.ClearedA)
	}

	// The Faces view's control.
	file := filepath.Join(t.TempDir(), "mid-head.json")
	if err := os.WriteFile(file, []byte(mid), 0o644); err != nil {
		t.Fatal(err)
	}
	showView(t, ctx, "faces")
	status := func(want string) string {
		t.Helper()
		js, _ := json.Marshal(want)
		s, err := chromedp.Run(ctx, chromedp.Poll[string](`(s => s.includes(`+string(js)+`) ? s : '')(document.getElementById('head-status').textContent)`,
			chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil {
			t.Fatalf("waiting for the head status to say %q: %v", want, err)
		}
		return s
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("head-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	if s := status("mid-head.json"); !strings.Contains(s, "pair-classifier") || !strings.Contains(s, "P(same) above 0.50") {
		t.Errorf("after loading a head the Faces view says %q", s)
	}
	screenshot(t, ctx, "head-loaded")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("head-clear"))); err != nil {
		t.Fatal(err)
	}
	status("plain distance")
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('head-clear').hidden`)); err != nil || !hidden {
		t.Errorf("after going back to plain distance the button still shows (%v)", err)
	}
}
