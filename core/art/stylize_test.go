package art

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

func TestInitImage(t *testing.T) {
	content := tensor.New(6, 5, 3)
	for i := range content.Data {
		content.Data[i] = 200
	}
	g := InitImage(content, 0.6, 1)
	// 0.6·(mean ± 20) + 0.4·200: e.g. red within 0.6·(123.68 ± 20) + 80.
	lo, hi := 0.6*(123.68-20)+80, 0.6*(123.68+20)+80
	for i := 0; i < g.Len(); i += 3 {
		if v := float64(g.Data[i]); v < lo || v > hi {
			t.Fatalf("red %g outside [%g, %g]", v, lo, hi)
		}
	}
	if tensor.MaxAbsDiff(g, InitImage(content, 0.6, 2)) == 0 {
		t.Error("different seeds gave the same noise")
	}
	if d := tensor.MaxAbsDiff(InitImage(content, 0, 1), content); d != 0 {
		t.Errorf("ratio 0 differs from the content by %g", d)
	}
}

func TestFitPair(t *testing.T) {
	content := tensor.New(300, 451, 3) // landscape, like chelsea.png
	style := tensor.New(1528, 1200, 3) // portrait, like the_scream.jpg
	// Mark the style's central band (about 17 columns once scaled) so the
	// crop's centring shows.
	for y := range 1528 {
		for x := 560; x < 640; x++ {
			style.Set(255, y, x, 0)
		}
	}
	c, s, err := FitPair(content, style, 256)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(c, s) || c.Shape[0] != 170 || c.Shape[1] != 256 {
		t.Fatalf("shapes %v, %v; want both [170 256 3]", c.Shape, s.Shape)
	}
	if s.At(85, 128, 0) < 100 || s.At(85, 20, 0) != 0 {
		t.Errorf("style crop not centred: centre %g, left %g", s.At(85, 128, 0), s.At(85, 20, 0))
	}
	// Grey (three equal channels) and tiny inputs work; sizes are checked.
	if _, _, err := FitPair(tensor.New(1, 1, 3), tensor.New(3, 2, 3), 32); err != nil {
		t.Error(err)
	}
	if _, _, err := FitPair(tensor.New(4, 4, 1), style, 32); err == nil {
		t.Error("a 1-channel image was accepted")
	}
	if _, _, err := FitPair(content, style, 0); err == nil {
		t.Error("size 0 was accepted")
	}
}

func TestPreserveColor(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gen := randTensor(rng, 60, 200, 4, 3, 3)
	content := randTensor(rng, 60, 200, 4, 3, 3)
	out := PreserveColor(gen, content)
	for i := 0; i < out.Len(); i += 3 {
		y, _, _ := toYCbCr(out.Data[i : i+3])
		_, cb, cr := toYCbCr(out.Data[i : i+3])
		wy, _, _ := toYCbCr(gen.Data[i : i+3])
		_, wcb, wcr := toYCbCr(content.Data[i : i+3])
		if math.Abs(float64(y-wy)) > 1e-3 || math.Abs(float64(cb-wcb)) > 1e-3 || math.Abs(float64(cr-wcr)) > 1e-3 {
			t.Fatalf("pixel %d: YCbCr (%g,%g,%g), want Y of generated %g and CbCr of content (%g,%g)", i/3, y, cb, cr, wy, wcb, wcr)
		}
	}
	// A grey content gives a grey result.
	grey := tensor.New(1, 1, 3)
	grey.Data[0], grey.Data[1], grey.Data[2] = 90, 90, 90
	red, _ := tensor.FromData([]float32{250, 10, 10}, 1, 1, 3)
	p := PreserveColor(red, grey).Data
	if math.Abs(float64(p[0]-p[1])) > 1e-3 || math.Abs(float64(p[1]-p[2])) > 1e-3 {
		t.Errorf("grey content, red generated → %v, want grey", p)
	}
}

func TestStylizerLowersCost(t *testing.T) {
	net := vgg19test.Net(11, vgg19.AvgPool)
	rng := rand.New(rand.NewPCG(5, 6))
	content := randTensor(rng, 0, 255, 16, 12, 3)
	style := randTensor(rng, 0, 255, 16, 12, 3)
	s, err := NewStylizer(net, content, style, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	var last Costs
	for range 30 {
		if last, err = s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if !(last.Total < 0.5*first.Total) {
		t.Errorf("J went from %g to %g in 30 steps, want at least halved", first.Total, last.Total)
	}
	for _, v := range s.Image().Data {
		if v < 0 || v > 255 {
			t.Fatalf("pixel %g outside 0..255", v)
		}
	}
	if _, err := NewStylizer(net, content, style, Options{Cost: DefaultCostOptions(), LR: -1}); err == nil {
		t.Error("negative learning rate was accepted")
	}
}
