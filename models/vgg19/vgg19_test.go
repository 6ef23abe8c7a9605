package vgg19_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// realWeights returns the shared VGG-19 directory, skipping the test when it
// is missing (a failure under VISAGE_E2E=1).
func realWeights(t testing.TB) fs.FS {
	t.Helper()
	return os.DirFS(assettest.VGG19(t, vgg19.ManifestName))
}

func TestLoadRealWeights(t *testing.T) {
	net, err := vgg19.Load(realWeights(t))
	if err != nil {
		t.Fatal(err)
	}
	p, err := net.Forward(tensor.New(5, 3, 3), "conv1_1")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Activation("conv1_1").Shape; got[0] != 5 || got[1] != 3 || got[2] != 64 {
		t.Errorf("conv1_1 of a 5×3 image has shape %v, want [5 3 64]", got)
	}
	if p.Activation("conv5_1") != nil {
		t.Error("a pass to conv1_1 also computed conv5_1")
	}
}

// tinyManifest returns an in-memory weight directory in the manifest format
// for a tiny network, so the loader's checks can be exercised.
func tinyManifest(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries := map[string]any{}
	for name, w := range vgg19test.Weights(1) {
		file := strings.ReplaceAll(name, "/", "_")
		b := make([]byte, w.Len())
		for i := range b {
			b[i] = byte(i * 7)
		}
		sum := md5.Sum(b)
		fsys[file] = &fstest.MapFile{Data: b}
		entries[name] = map[string]any{
			"filename": file, "size": len(b), "shape": w.Shape, "dtype": "float32",
			"quantization": map[string]any{"dtype": "uint8", "scale": 0.01, "min_value": -1},
			"checksum":     hex.EncodeToString(sum[:]),
		}
	}
	m, err := json.Marshal(map[string]any{"weights": entries})
	if err != nil {
		t.Fatal(err)
	}
	fsys[vgg19.ManifestName] = &fstest.MapFile{Data: m}
	return fsys
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(fstest.MapFS)
		want  []string
	}{
		{"corrupt", func(f fstest.MapFS) { f["conv3_2_kernel"].Data[10]++ }, []string{"conv3_2_kernel", "MD5"}},
		{"truncated", func(f fstest.MapFS) {
			f["conv2_1_bias"].Data = f["conv2_1_bias"].Data[:3]
		}, []string{"conv2_1_bias", "3 bytes"}},
		{"missing", func(f fstest.MapFS) { delete(f, "conv5_1_kernel") }, []string{"conv5_1_kernel"}},
		{"no manifest", func(f fstest.MapFS) { delete(f, vgg19.ManifestName) }, []string{vgg19.ManifestName}},
		{"bad json", func(f fstest.MapFS) { f[vgg19.ManifestName].Data = []byte("{") }, []string{vgg19.ManifestName}},
	} {
		fsys := tinyManifest(t)
		c.spoil(fsys)
		_, err := vgg19.Load(fsys)
		if err == nil {
			t.Errorf("%s: Load succeeded", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
	if _, err := vgg19.Load(tinyManifest(t)); err != nil {
		t.Errorf("the unbroken tiny manifest does not load: %v", err)
	}
}

// TestForwardPreprocessing checks the input convention with a conv1_1 that
// copies its three input channels: the activation is ReLU(BGR − mean).
func TestForwardPreprocessing(t *testing.T) {
	w := vgg19test.Weights(2)
	k := tensor.New(3, 3, 3, 4)
	for c := range 3 {
		k.Set(1, 1, 1, c, c) // centre tap, channel c → c
	}
	w["conv1_1/kernel"], w["conv1_1/bias"] = k, tensor.New(4)
	net, err := vgg19.FromWeights(w)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := tensor.FromData([]float32{200, 150, 110}, 1, 1, 3) // RGB
	p, err := net.Forward(img, "conv1_1")
	if err != nil {
		t.Fatal(err)
	}
	// B − 103.939, G − 116.779, R − 123.68, then the unused 4th channel.
	want := []float32{110 - 103.939, 150 - 116.779, 200 - 123.68, 0}
	for i, v := range p.Activation("conv1_1").Data {
		if math.Abs(float64(v-want[i])) > 1e-4 {
			t.Errorf("conv1_1 channel %d = %g, want %g", i, v, want[i])
		}
	}
	// The mean pixel is what the network sees as zero; nudged up by 1, it
	// comes through as 1 in every channel.
	m := vgg19.MeanRGB()
	img, _ = tensor.FromData([]float32{m[0] + 1, m[1] + 1, m[2] + 1}, 1, 1, 3)
	if p, err = net.Forward(img, "conv1_1"); err != nil {
		t.Fatal(err)
	}
	for i, v := range p.Activation("conv1_1").Data[:3] {
		if math.Abs(float64(v-1)) > 1e-4 {
			t.Errorf("mean pixel + 1: conv1_1 channel %d = %g, want 1", i, v)
		}
	}
}

func TestForwardErrors(t *testing.T) {
	net := vgg19test.Net(3, vgg19.AvgPool)
	for _, c := range []struct {
		img    *tensor.Tensor
		layers []string
	}{
		{tensor.New(4, 4, 1), []string{"conv1_1"}},
		{tensor.New(4, 4, 3), []string{"conv5_2"}},
		{tensor.New(4, 4, 3), nil},
	} {
		if _, err := net.Forward(c.img, c.layers...); err == nil {
			t.Errorf("Forward(%v, %v) succeeded", c.img.Shape, c.layers)
		}
	}
	if _, err := vgg19.FromWeights(map[string]*tensor.Tensor{}); err == nil {
		t.Error("FromWeights of nothing succeeded")
	}
}

// TestBackwardFiniteDiff checks the gradient to the input image of
// L = Σ_l ⟨r_l, a_l⟩ over several layers against central differences, for
// both poolings and an odd image size (partial pooling windows).
func TestBackwardFiniteDiff(t *testing.T) {
	for _, pool := range []vgg19.Pooling{vgg19.AvgPool, vgg19.MaxPool} {
		net := vgg19test.Net(4, pool)
		rng := rand.New(rand.NewPCG(5, uint64(pool)))
		img := tensor.New(11, 9, 3)
		for i := range img.Data {
			img.Data[i] = 255 * rng.Float32()
		}
		layers := []string{"conv1_2", "conv3_1", "conv4_2", "conv5_1"}
		p, err := net.Forward(img, layers...)
		if err != nil {
			t.Fatal(err)
		}
		rs := map[string]*tensor.Tensor{}
		for _, l := range layers {
			r := tensor.New(p.Activation(l).Shape...)
			for i := range r.Data {
				r.Data[i] = 2*rng.Float32() - 1
			}
			rs[l] = r
		}
		grad, err := p.Backward(rs)
		if err != nil {
			t.Fatal(err)
		}
		loss := func() float64 {
			q, err := net.Forward(img, layers...)
			if err != nil {
				t.Fatal(err)
			}
			s := 0.0
			for _, l := range layers {
				for i, v := range q.Activation(l).Data {
					s += float64(v) * float64(rs[l].Data[i])
				}
			}
			return s
		}
		worst, skipped := fdCompare(t, img, grad, loss, func() string { return vgg19test.Regime(net, img) }, 0.5)
		t.Logf("%v pooling: worst |fd − backward| / max|grad| = %.2g (%d of %d pixels skipped: ±h crosses a ReLU or max-pool kink)", pool, worst, skipped, img.Len())
		if skipped > img.Len()/4 {
			t.Errorf("%v pooling: %d of %d pixels near a kink; the check tests too little", pool, skipped, img.Len())
		}
	}
}

// fdCompare compares grad with central differences of loss at every element
// of x (step h, restored after) whose ±h neighbours lie in the same regime
// (so the loss is linear between them, and float32 rounding is the only
// error), failing when one differs by more than 1e-3·max|grad|. It returns the
// worst such error and how many elements it skipped.
func fdCompare(t *testing.T, x, grad *tensor.Tensor, loss func() float64, regime func() string, h float32) (worst float64, skipped int) {
	t.Helper()
	scale := 0.0
	for _, g := range grad.Data {
		scale = max(scale, math.Abs(float64(g)))
	}
	for i, v := range x.Data {
		x.Data[i] = v + h
		up, rUp := loss(), regime()
		x.Data[i] = v - h
		down, rDown := loss(), regime()
		x.Data[i] = v
		if rUp != rDown {
			skipped++
			continue
		}
		e := math.Abs((up-down)/float64(2*h)-float64(grad.Data[i])) / scale
		worst = max(worst, e)
		if e > 1e-3 {
			t.Errorf("element %d: finite difference %.6g, backward %.6g", i, (up-down)/float64(2*h), grad.Data[i])
		}
	}
	return worst, skipped
}

func TestBackwardErrors(t *testing.T) {
	net := vgg19test.Net(6, vgg19.AvgPool)
	p, err := net.Forward(tensor.New(8, 8, 3), "conv2_1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Backward(map[string]*tensor.Tensor{"conv3_1": tensor.New(2, 2, 6)}); err == nil {
		t.Error("gradient on a layer the pass did not reach was accepted")
	}
	if _, err := p.Backward(map[string]*tensor.Tensor{"conv2_1": tensor.New(3, 3, 5)}); err == nil {
		t.Error("gradient of the wrong shape was accepted")
	}
}

// TestActivationFloats checks the count by hand on the tiny test network
// (widths 4, 5, 6, 7, 3 for blocks 1 to 5) at 9×6, whose poolings round up:
// 9×6 → 5×3 → 3×2 → 2×1 → 1×1.
func TestActivationFloats(t *testing.T) {
	net := vgg19test.Net(1, vgg19.AvgPool)
	want := int64(9*6*4*2 + 5*3*5*2 + 3*2*6*4 + 2*1*7*4 + 1*1*3)
	if got := net.ActivationFloats(9, 6); got != want {
		t.Errorf("ActivationFloats(9, 6) = %d, want %d", got, want)
	}
	p, err := net.Forward(tensor.New(9, 6, 3), vgg19.Layers()...)
	if err != nil {
		t.Fatal(err)
	}
	var kept int64
	for _, l := range vgg19.Layers() {
		kept += int64(len(p.Activation(l).Data))
	}
	if kept != want {
		t.Errorf("a pass keeps %d floats, ActivationFloats says %d", kept, want)
	}
}
