package e2e

import (
	_ "embed"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"visage/core/signals"
	"visage/core/tensor"
)

//go:embed testdata/convnd_api.js
var convndAPIJS string

// convTol bounds the difference between the page's numbers and core/signals'
// natively, relative to the largest magnitude: the same Go code runs in
// both, so only float32 evaluation could differ (0 measured).
const convTol = 1e-6

// TestConvCard: the Faces view's "Convolution over time" card, with the
// fake camera playing a photo moved in front of it and then a still photo:
// it plots the brightness signal and its two filtered versions, draws the
// motion energy image and prints the shapes as the course writes them; the
// moved photo's motion energy is far above the still photo's (both logged).
// Then conv1d and motionEnergy in the page give core/signals' numbers for
// the same input, and reject bad input saying what they expected.
func TestConvCard(t *testing.T) {
	srv := serveSite(t)
	photo := lfwPhoto(t, lfwCameraA)
	step := 0
	energy := map[string]float64{}
	for _, tc := range []struct{ name, video string }{
		{"moved", movedPhotoVideo(t, photo)},
		{"still", fakeCameraVideo(t, photo)},
	} {
		p := openFaces(t, srv, t.TempDir(), tc.video, &step)
		p.startCamera()
		p.poll(`(c => c.dataset.samples === '64' && c.dataset.frames === '16' ? 'y' : '')(document.getElementById('conv-card'))`, 2*analyseTimeout)
		shapes := eval[[]string](p, `['conv1d-shapes', 'conv3d-shapes'].map(id => document.getElementById(id).textContent)`)
		if shapes[0] != "64×1 * 2 filters of 9×1 → 56×2" || shapes[1] != "16×24×32×1 * 4 filters of 3×3×3 → 14×22×30×4" {
			t.Errorf("%s: the card's shapes %q; want 64×1 * 2 filters of 9×1 → 56×2 and 16×24×32×1 * 4 filters of 3×3×3 → 14×22×30×4 (640×480 frames sampled at 64×48, averaged to 32×24)", tc.name, shapes)
		}
		// The plot: a line in each of its three bands (signal, average, derivative).
		bands := eval[[]int](p, `(() => {
			const c = document.getElementById('conv1d-plot');
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			const inked = [0, 0, 0];
			for (let i = 0; i < d.length; i += 4) {
				if (d[i + 3] > 0) inked[Math.min(2, Math.floor((i / 4 / c.width) / (c.height / 3)))]++;
			}
			return inked;
		})()`)
		for b, n := range bands {
			if n < 64 {
				t.Errorf("%s: band %d of the 1D plot has %d inked pixels, want a line (≥ 64)", tc.name, b, n)
			}
		}
		red := eval[int](p, `(() => {
			const c = document.getElementById('motion-image');
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++;
			return c.width === 30 && c.height === 22 ? n : -1;
		})()`)
		e, err := strconv.ParseFloat(eval[string](p, `document.getElementById('conv-card').dataset.energy`), 64)
		if err != nil {
			t.Fatal(err)
		}
		energy[tc.name] = e
		t.Logf("%s: mean motion energy %.3g, %d bright pixels of the 30×22 map", tc.name, e, red)
		if red < 0 || tc.name == "moved" && red == 0 {
			t.Errorf("%s: the motion image shows %d bright pixels (-1: not 30×22); want some where the photo moves", tc.name, red)
		}
		p.shot("conv-card-" + tc.name)
		p.close()
	}
	if !(energy["still"]*10 < energy["moved"]) {
		t.Errorf("mean motion energy: still photo %.3g, moved photo %.3g; want the moved one over 10 times the still one", energy["still"], energy["moved"])
	}

	t.Run("api", func(t *testing.T) { convAPI(t, srv) })
}

// convAPI checks conv1d and motionEnergy in the page against core/signals
// run here on the same input.
func convAPI(t *testing.T, srv *Server) {
	sig := signals.Heartbeat(120, 50, 0.8)
	bank := signals.Bank1D()
	kernels := make([][]float32, len(bank))
	for j, k := range bank {
		kernels[j] = k.Weights
	}
	type frame struct {
		Width  int   `json:"width"`
		Height int   `json:"height"`
		Data   []int `json:"data"`
	}
	const n, h, w, size = 6, 30, 40, 16
	frames := make([]frame, n)
	rgb := make([]*tensor.Tensor, n)
	for f := range n {
		frames[f] = frame{w, h, make([]int, 4*h*w)}
		rgb[f] = tensor.New(h, w, 3)
		for y := range h {
			for x := range w {
				v := 40 // a bright square moving right on a dark ground, plus texture
				if y >= 10 && y < 20 && x >= 4+3*f && x < 14+3*f {
					v = 220
				}
				for c := range 3 {
					b := v + (x*7+y*3+c*11)%17
					frames[f].Data[4*(y*w+x)+c] = b
					rgb[f].Data[3*(y*w+x)+c] = float32(b)
				}
				frames[f].Data[4*(y*w+x)+3] = 255
			}
		}
	}
	args, err := json.Marshal(map[string]any{"signal": sig, "kernels": kernels, "frames": frames, "size": size})
	if err != nil {
		t.Fatal(err)
	}
	ctx, closeBrowser := openBrowser(t, t.TempDir(), sessionTimeout)
	defer closeBrowser()
	if err := OpenPage(ctx, srv.URL, pageTimeout); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Conv1D struct {
			Shape   []int
			Shapes  string
			Outputs [][]float64
		}
		Motion struct {
			Shape         []int
			Shapes        string
			Width, Height int
			Energy        []float64
		}
		BadSignal, BadKernels, FewFrames string
	}]("("+convndAPIJS+")("+string(args)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}

	want1, err := signals.Conv1D(sig, bank)
	if err != nil {
		t.Fatal(err)
	}
	if got.Conv1D.Shapes != "120×1 * 3 filters of 9×1 → 112×3" || len(got.Conv1D.Outputs) != 3 {
		t.Fatalf("conv1d: shapes %q, %d outputs; want 120×1 * 3 filters of 9×1 → 112×3, 3", got.Conv1D.Shapes, len(got.Conv1D.Outputs))
	}
	col := func(j int) []float64 {
		c := make([]float64, want1.Shape[0])
		for i := range c {
			c[i] = float64(want1.At(i, j))
		}
		return c
	}
	for j, out := range got.Conv1D.Outputs {
		if d := peakRelDiff(out, col(j)); d > convTol {
			t.Errorf("conv1d kernel %d: relative difference %.3g from core/signals, want ≤ %g", j, d, convTol)
		}
	}

	vol, err := signals.Volume(rgb, size)
	if err != nil {
		t.Fatal(err)
	}
	_, energy, err := signals.MotionEnergy(vol)
	if err != nil {
		t.Fatal(err)
	}
	if got.Motion.Shapes != "6×12×16×1 * 4 filters of 3×3×3 → 4×10×14×4" || got.Motion.Width != 14 || got.Motion.Height != 10 {
		t.Errorf("motionEnergy: shapes %q, map %d×%d; want 6×12×16×1 * 4 filters of 3×3×3 → 4×10×14×4, 14×10", got.Motion.Shapes, got.Motion.Width, got.Motion.Height)
	}
	want3 := make([]float64, len(energy.Data))
	for i, v := range energy.Data {
		want3[i] = float64(v)
	}
	if d := peakRelDiff(got.Motion.Energy, want3); d > convTol {
		t.Errorf("motionEnergy: relative difference %.3g from core/signals, want ≤ %g", d, convTol)
	}

	for what, c := range map[string]struct{ got, want string }{
		"conv1d('x')":            {got.BadSignal, "conv1d: signal must be a Float32Array or Array of numbers, found string"},
		"conv1d(uneven kernels)": {got.BadKernels, "has 1 taps, want 2 like the first"},
		"motionEnergy(2 frames)": {got.FewFrames, "motionEnergy: frames must be an Array of 3 to 64 images, found [object Array] of length 2"},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("%s: %q, want a rejection containing %q", what, c.got, c.want)
		}
	}
}

// peakRelDiff returns the largest |a − b| over the largest |b|; +Inf when the
// lengths differ.
func peakRelDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d, m float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
		m = max(m, math.Abs(b[i]))
	}
	return d / max(m, 1e-30)
}
