package engine

import (
	"slices"
	"testing"
	"testing/fstest"

	"visage/core/art"
	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

func TestArtBadInputRejects(t *testing.T) {
	e := New[*tensor.Tensor](nil)
	rejects(t, "artStart before artLoad", e.NeedVGG("artStart"), "artStart called before artLoad")
	rejects(t, "artStep before artStart", e.NeedArtRun("artStep"), "artStep called before artStart")
	rejects(t, "artFeatures before artLoad", e.NeedArtImages("artFeatures"), "artFeatures called before artLoad")
	rejects(t, "artLoad without manifest", second(e.ArtLoad(fstest.MapFS{})), "manifest.json")
	rejects(t, "artImages size 4", second(call(e.ArtImages, rgb(2, 2, 0), rgb(2, 2, 0), 4.0)), "size 4, want a whole number in 8..1024")
	rejects(t, "artImages size 16.5", second(call(e.ArtImages, rgb(2, 2, 0), rgb(2, 2, 0), 16.5)), "want a whole number")

	e.art.net = vgg19test.Net(5, vgg19.AvgPool)
	rejects(t, "artStart before artImages", e.NeedArtImages("artStart"), "artStart called before artImages")
	must(t, e.ArtImages, rgb(6, 4, 0), rgb(5, 5, 0), 12.0)
	if err := e.NeedArtImages("artStart"); err != nil {
		t.Errorf("artStart after artImages: %v", err)
	}
	for _, c := range []struct {
		name string
		set  func(*ArtStartArgs)
		want string
	}{
		{"pool", func(in *ArtStartArgs) { in.Options.Pool = "min" }, `pooling "min"`},
		{"lr", func(in *ArtStartArgs) { in.Options.LR = 0 }, "learning rate 0"},
		{"seed", func(in *ArtStartArgs) { in.Options.Seed = -1 }, "seed -1"},
		{"seed 1.5", func(in *ArtStartArgs) { in.Options.Seed = 1.5 }, "seed 1.5"},
	} {
		rejects(t, "bad "+c.name, second(call(e.ArtStart, c.set)), c.want)
		rejects(t, "artStep after a bad "+c.name, e.NeedArtRun("artStep"), "before artStart")
	}
	rejects(t, "bad layer", second(call(e.ArtFeatures, "fc7")), `unknown layer "fc7"`)
	rejects(t, "bad maps", second(call(e.ArtFeatures, "conv1_1", func(in *ArtFeaturesArgs) { in.Options.Maps = 0 })), "want 1..64 maps")
	rejects(t, "bad units", second(call(e.ArtFeatures, "conv1_1", func(in *ArtFeaturesArgs) { in.Options.Units = 9 })), "want 1..64 maps and 0..maps units")
	rejects(t, "bad steps", second(call(e.ArtStep, 0.0)), "artStep: steps 0, want a whole number in 1..1000")
}

// artPair gives e the tiny random VGG-19 (5 its seed) and, at size 15, a
// 30×20 content (15 wide, 10 high) and a style that covers it.
func artPair(t *testing.T, e *Engine[*tensor.Tensor]) {
	t.Helper()
	e.art.net = vgg19test.Net(5, vgg19.AvgPool)
	if size := must(t, e.ArtImages, rgb(30, 20, 0), rgb(9, 13, 0), 15.0); size.Width != 15 || size.Height != 10 {
		t.Fatalf("artImages: %+v, want 15×10", size)
	}
}

// artChunk runs a chunk of two steps of e's stylization, chunk of them
// before it, and checks that the chunk's backend was want; it returns the
// chunk's first and last total costs.
func artChunk(t *testing.T, e *Engine[*tensor.Tensor], chunk int, want string) (first, last float64) {
	t.Helper()
	out := artStep(t, e, chunk, want)
	return out.Costs[0].Total, out.Costs[1].Total
}

// artStep is artChunk's ArtStep, checked.
func artStep(t *testing.T, e *Engine[*tensor.Tensor], chunk int, want string) ArtStepped {
	t.Helper()
	out := must(t, e.ArtStep, 2.0)
	if out.Steps != 2*(chunk+1) || len(out.Costs) != 2 || out.Backend != want {
		t.Fatalf("chunk %d: steps %d, %d costs, on %s; want %d, 2 and %s", chunk, out.Steps, len(out.Costs), out.Backend, 2*(chunk+1), want)
	}
	if img := out.Image; img.Width != 15 || img.Height != 10 || len(img.Data) != 15*10*4 {
		t.Fatalf("chunk %d: image %d×%d with %d bytes, want 15×10 RGBA", chunk, img.Width, img.Height, len(img.Data))
	}
	return out
}

// TestArtRun drives a stylization with a tiny random VGG-19 as the page
// does: fit the pair, start, a few chunks of steps, then the features.
func TestArtRun(t *testing.T) {
	e := New[*tensor.Tensor](nil)
	if got := must(t, e.ArtLayers); len(got) != 13 || got[12] != "conv5_1" {
		t.Errorf("artLayers = %v, want 13 ending conv5_1", got)
	}
	artPair(t, e)
	// Before artStart the features are the content's.
	if src := must(t, e.ArtFeatures, "conv1_1").Source; src != "content" {
		t.Errorf("artFeatures before artStart: source %q, want content", src)
	}
	started := must(t, e.ArtStart, func(in *ArtStartArgs) {
		in.Options.Alpha, in.Options.Beta, in.Options.LR, in.Options.PreserveColor = 10, 40, 4, true
	})
	if started.Width != 15 || started.Height != 10 || started.Backend != ChoiceCPU {
		t.Errorf("artStart = %+v, want 15×10 on the CPU (nothing loaded)", started)
	}
	first, next := artChunk(t, e, 0, ChoiceCPU)
	// The run is core/art's own on the pair as FitPair fits it, with the
	// options given (the content and the style not swapped).
	content, style, err := art.FitPair(rgb(30, 20, 0).Tensor, rgb(9, 13, 0).Tensor, 15)
	if err != nil {
		t.Fatal(err)
	}
	opts := art.DefaultOptions()
	opts.Cost.Alpha, opts.Cost.Beta, opts.LR = 10, 40, 4
	ref, err := art.NewRun(backend.OnCPU("the reference"), e.art.net, (*vgg19.Runner[*tensor.Tensor])(nil), content, style, opts)
	if err != nil {
		t.Fatal(err)
	}
	if costs, err := ref.Step(2); err != nil || costs[0].Total != first || costs[1].Total != next {
		t.Errorf("the first chunk's costs are %v and %v, want core/art's run's %+v (%v)", first, next, costs, err)
	}
	artChunk(t, e, 1, ChoiceCPU)
	out := artStep(t, e, 2, ChoiceCPU)
	if last := out.Costs[1].Total; !(last < first) {
		t.Errorf("J went from %v to %v over 6 steps, want it lower", first, last)
	}
	// preserveColor: the image has the content's colours, not the run's.
	if img, preserved := pixelsOf(e.art.run.Image()), pixelsOf(art.PreserveColor(e.art.run.Image(), e.art.content)); !slices.Equal(out.Image.Data, preserved.Data) || slices.Equal(img.Data, preserved.Data) {
		t.Errorf("artStep's image is not the run's with the content's colours (or they do not differ)")
	}

	// conv2_1 of a 10×15 image: 5×8 (TensorFlow 'same' pooling), 5 channels
	// in the tiny network, so 4 maps and 2 units with a patch from each of
	// the three images at most, each at most the 10-pixel field.
	f := must(t, e.ArtFeatures, "conv2_1", func(in *ArtFeaturesArgs) { in.Options.Maps, in.Options.Units = 4, 2 })
	if f.Layer != "conv2_1" || f.Source != "generated" || f.Field.Size != 10 || f.Field.Stride != 2 {
		t.Errorf("artFeatures: layer %s source %s, field %+v; want conv2_1, generated, 10 and stride 2", f.Layer, f.Source, f.Field)
	}
	if len(f.Maps) != 4 {
		t.Fatalf("%d maps, want 4", len(f.Maps))
	}
	for i, m := range f.Maps {
		if m.Width != 8 || m.Height != 5 || len(m.Data) != 40 {
			t.Errorf("map %d: %d×%d, %d values; want 8×5, 40", i, m.Width, m.Height, len(m.Data))
		}
	}
	if len(f.Units) != 2 || f.Units[0].Channel != f.Maps[0].Channel {
		t.Fatalf("%d units, want 2 starting with the first map's channel", len(f.Units))
	}
	for u, unit := range f.Units {
		if n := len(unit.Patches); n < 1 || n > 3 {
			t.Errorf("unit %d: %d patches, want 1..3", u, n)
		}
		prev := float32(1e30)
		for i, p := range unit.Patches {
			if p.Width < 1 || p.Width > 10 || p.Height < 1 || p.Height > 10 || len(p.Data) != p.Width*p.Height*4 || p.Value > prev {
				t.Errorf("unit %d patch %d (%s): %d×%d, %d bytes, value %v after %v", u, i, p.Image, p.Width, p.Height, len(p.Data), p.Value, prev)
			}
			prev = p.Value
		}
	}
}
