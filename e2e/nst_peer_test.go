package e2e

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"visage/e2e/peer"
	"visage/models/assets/assettest"
)

// TestNSTPeerGradients runs the bench's TensorFlow.js style-transfer peer on
// tfjs-wasm at 32×32: its fast step (hand-written gradients) must give
// tfjs's own cost and gradient within 1e-5, relative (nst.mjs's setup
// refuses more), it must run on the threads face-api.js's tfjs was set up
// with (threads: 2, as the bench asks on 2 cores), and both steps must run,
// so the bench's fair peer is checked in every test run, not only when
// someone benches.
func TestNSTPeerGradients(t *testing.T) {
	assettest.VGG19(t, "manifest.json")
	srv, err := peer.Serve(peer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, _ := openBrowser(t, t.TempDir(), 4*time.Minute)
	if err := peer.Open(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	tfjs, err := peer.Call[struct{ Threads int }](ctx, "faceapi.mjs", "setup", map[string]any{"backend": "wasm", "threads": 2})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	img := func() string {
		b := make([]byte, 4*32*32*3)
		for i := 0; i < len(b); i += 4 {
			binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(rng.IntN(256))))
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	check, err := peer.Call[struct {
		Backend            string
		Threads            int
		CostDiff, GradDiff float64
	}](ctx, "nst.mjs", "setup", map[string]any{"shape": []int{32, 32, 3}, "content": img(), "style": img(), "generated": img(), "lr": 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fast peer on tfjs-%s, %d threads: cost %.1e, gradient %.1e from tfjs's own", check.Backend, check.Threads, check.CostDiff, check.GradDiff)
	if check.Threads != tfjs.Threads {
		t.Errorf("the style-transfer peer runs %d threads, face-api.js's tfjs %d; want the same", check.Threads, tfjs.Threads)
	}
	if check.Backend != "wasm" || !(check.CostDiff <= 1e-5 && check.GradDiff <= 1e-5) {
		t.Errorf("fast peer on %s: cost %g, gradient %g from tfjs's own; want wasm and ≤ 1e-5", check.Backend, check.CostDiff, check.GradDiff)
	}
	for _, op := range []string{"fast", "step"} {
		if ms, err := peer.Call[float64](ctx, "nst.mjs", "time", map[string]any{"op": op}); err != nil || !(ms > 0) {
			t.Errorf("nst.mjs time(%s) = %v, %v", op, ms, err)
		}
	}
}
