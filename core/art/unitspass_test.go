package art

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// randomImage is an [h,w,3] image of random 0..255 values.
func randomImage(h, w int, seed uint64) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(seed, 9))
	img := tensor.New(h, w, 3)
	for i := range img.Data {
		img.Data[i] = float32(rng.IntN(256))
	}
	return img
}

// TestUnitsPassMatchesTopUnits feeds five images of different sizes to a
// pass over a max-pooling network and checks it against TopUnits fed the
// same images scaled by DownscaleArea through the average-pooling network,
// as convnet-units runs it; then its windows and maps.
func TestUnitsPassMatchesTopUnits(t *testing.T) {
	net := vgg19test.Net(5, vgg19.MaxPool) // as a style transfer with max pooling leaves it
	const layer, k, size = "conv2_1", 3, 16
	p, err := NewUnitsPass(net, layer, k, size)
	if err != nil {
		t.Fatal(err)
	}
	if net.Pool != vgg19.MaxPool {
		t.Fatal("NewUnitsPass changed the network it was given")
	}
	if p.Field != (Field{Size: 10, Stride: 2, Offset: -4}) {
		t.Errorf("field %+v, want conv2_1's 10, 2, -4", p.Field)
	}
	if _, err := p.Ranking(); err == nil || !strings.Contains(err.Error(), "seen no image") {
		t.Errorf("Ranking before any image: %v, want an error", err)
	}
	ref := *net
	ref.Pool = vgg19.AvgPool
	want := NewTopUnits(k)
	var scaled []*tensor.Tensor
	for i, wh := range [][2]int{{20, 12}, {9, 30}, {16, 16}, {40, 7}, {11, 11}} {
		img := randomImage(wh[1], wh[0], uint64(i))
		if err := p.Add(img); err != nil {
			t.Fatal(err)
		}
		s := imageio.DownscaleArea(img, size)
		pass, err := ref.Forward(s, layer)
		if err != nil {
			t.Fatal(err)
		}
		want.Add(i, pass.Activation(layer))
		scaled = append(scaled, s)
		if got, w := p.Scaled(img).Shape, s.Shape; !slices.Equal(got, w) {
			t.Errorf("image %d scaled to %v, want %v", i, got, w)
		}
	}
	ranking, err := p.Ranking()
	if err != nil || p.Images != 5 || !slices.Equal(ranking, want.Units(99)) {
		t.Fatalf("after 5 images: %d images, ranking %v (%v); want %v", p.Images, ranking, err, want.Units(99))
	}
	for c := range ranking {
		if !slices.Equal(p.Top.Hits(c), want.Hits(c)) {
			t.Errorf("channel %d: hits %v, want %v", c, p.Top.Hits(c), want.Hits(c))
		}
	}
	h := want.Hits(ranking[0])[0]
	win, err := p.Window(scaled[h.Image], h.Y, h.X)
	var wantWin Patch
	wantWin.Top, wantWin.Left, wantWin.Bottom, wantWin.Right = p.Field.Window(h.Y, h.X, scaled[h.Image].Shape[0], scaled[h.Image].Shape[1])
	if err != nil || win.Top != wantWin.Top || win.Left != wantWin.Left || win.Bottom != wantWin.Bottom || win.Right != wantWin.Right {
		t.Errorf("Window(%d, %d) = %+v (%v), want %+v", h.Y, h.X, win, err, wantWin)
	}
	if _, err := p.Window(scaled[0], 10, 0); err == nil || !strings.Contains(err.Error(), "(y 10, x 0) of conv2_1 sees nothing of a 16×10 image") {
		t.Errorf("a window below the image: %v", err)
	}
	img, act, err := p.Map(randomImage(12, 20, 0))
	if err != nil || !slices.Equal(img.Shape, scaled[0].Shape) || p.Images != 5 {
		t.Fatalf("Map: image %v (%v), %d images; want %v and the pass unchanged", img.Shape, err, p.Images, scaled[0].Shape)
	}
	pass, _ := ref.Forward(scaled[0], layer)
	if !slices.Equal(act.Data, pass.Activation(layer).Data) {
		t.Error("Map's activation is not the average-pooling network's")
	}
}

// TestNewUnitsPassRejects checks the limits, named as the CLI's flags.
func TestNewUnitsPassRejects(t *testing.T) {
	net := vgg19test.Net(5, vgg19.AvgPool)
	for _, c := range []struct {
		layer   string
		k, size float64
		want    string
	}{
		{"fc7", 9, 128, `unknown layer "fc7"`},
		{"conv1_1", 0, 128, "k 0 and size 128, want whole numbers in 1..100 and 16..1024"},
		{"conv1_1", 101, 128, "k 101"},
		{"conv1_1", 2.5, 128, "k 2.5"},
		{"conv1_1", 9, 15.5, "size 15.5"},
		{"conv1_1", 9, 1025, "size 1025"},
	} {
		if _, err := NewUnitsPass(net, c.layer, c.k, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewUnitsPass(%s, %v, %v): %v, want %q", c.layer, c.k, c.size, err, c.want)
		}
	}
	if _, err := NewUnitsPass(net, "conv5_1", MaxUnitsK, MaxUnitsSize); err != nil {
		t.Errorf("the largest k and size: %v", err)
	}
}
