package engine

// The Art view's calls: neural style transfer with VGG-19 (core/art) one
// chunk of steps at a time, so that the page can show each chunk's image,
// and the feature maps and strongest patches of a layer.

import (
	"fmt"
	"io/fs"

	"visage/core/art"
	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/vgg19"
)

// Limits on the Art calls' numbers: the working size and the steps of one
// ArtStep (one call blocks the engine until it is done).
const (
	minArtSize  = 8
	maxArtSize  = 1024
	maxArtSteps = 1000
	maxArtMaps  = 64
)

// artState is the Art view's: the network, the fitted pair and the
// stylization in progress.
type artState[T any] struct {
	net *vgg19.Net
	// gpu is net on gpuDev, uploaded by the first run there.
	gpu      *vgg19.Runner[T]
	gpuDev   Device[T]
	content  *tensor.Tensor // fitted to the working size
	style    *tensor.Tensor // same size as content
	run      *art.Run       // nil before ArtStart
	preserve bool           // give ArtStep's image the content's colours
}

// NeedVGG is an error, naming op, unless ArtLoad has run.
func (e *Engine[T]) NeedVGG(op string) error {
	if e.art.net == nil {
		return fmt.Errorf("%s called before artLoad", op)
	}
	return nil
}

// NeedArtImages is an error unless ArtLoad and ArtImages have run.
func (e *Engine[T]) NeedArtImages(op string) error {
	if err := e.NeedVGG(op); err != nil {
		return err
	}
	if e.art.content == nil {
		return fmt.Errorf("%s called before artImages", op)
	}
	return nil
}

// NeedArtRun is an error unless ArtStart has run.
func (e *Engine[T]) NeedArtRun(op string) error {
	if e.art.run == nil {
		return fmt.Errorf("%s called before artStart", op)
	}
	return nil
}

// ArtLayers names the layers of the network.
func (e *Engine[T]) ArtLayers(*None) ([]string, error) { return vgg19.Layers(), nil }

// ArtLoaded is ArtLoad's result.
type ArtLoaded struct {
	Layers []string `js:"layers"`
}

// ArtLoad loads VGG-19 from fsys (vgg19.Load), replacing the network and
// ending the stylization in progress.
func (e *Engine[T]) ArtLoad(fsys fs.FS) (ArtLoaded, error) {
	net, err := vgg19.Load(fsys)
	if err != nil {
		return ArtLoaded{}, err
	}
	r := &e.art
	r.forgetRun()
	if r.gpu != nil {
		r.gpu.Release()
		r.gpuDev.Trim() // the old weights' memory, not kept for reuse
	}
	r.net, r.gpu, r.gpuDev = net, nil, nil
	return ArtLoaded{vgg19.Layers()}, nil
}

// ArtImagesArgs are ArtImages': the content, the style and the working
// size (art.FitPair).
type ArtImagesArgs struct {
	Content Image   `js:"content"`
	Style   Image   `js:"style"`
	Size    float64 `js:"size"`
}

func (in *ArtImagesArgs) Check() error {
	_, err := IntIn("artImages: size", in.Size, minArtSize, maxArtSize)
	return err
}

// Size is a working size.
type Size struct {
	Width  int `js:"width"`
	Height int `js:"height"`
}

// ArtImages fits the pair to the working size, ending the stylization in
// progress.
func (e *Engine[T]) ArtImages(in *ArtImagesArgs) (Size, error) {
	c, s, err := art.FitPair(in.Content.Tensor, in.Style.Tensor, int(in.Size))
	if err != nil {
		return Size{}, err
	}
	e.art.content, e.art.style = c, s
	e.art.forgetRun()
	return Size{c.Shape[1], c.Shape[0]}, nil
}

// ArtStartArgs are ArtStart's: art.Options' costs, learning rate, noise
// and seed, the pooling and whether the image keeps the content's colours.
type ArtStartArgs struct {
	Options struct {
		Alpha         float64 `js:"alpha,omitempty"`
		Beta          float64 `js:"beta,omitempty"`
		TV            float64 `js:"tv,omitempty"`
		LR            float64 `js:"lr,omitempty"`
		Noise         float64 `js:"noise,omitempty"`
		Seed          float64 `js:"seed,omitempty"`
		Pool          string  `js:"pool,omitempty"`
		PreserveColor bool    `js:"preserveColor,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *ArtStartArgs) Defaults() {
	d, o := art.DefaultOptions(), &in.Options
	o.Alpha, o.Beta, o.TV, o.LR, o.Noise, o.Seed, o.Pool = d.Cost.Alpha, d.Cost.Beta, d.Cost.TV, d.LR, d.NoiseRatio, float64(d.Seed), "avg"
}

func (in *ArtStartArgs) Check() error {
	if s := in.Options.Seed; s < 0 || s != float64(uint64(s)) {
		return fmt.Errorf("artStart: seed %v, want a whole number ≥ 0", s)
	}
	return nil
}

// ArtStarted is ArtStart's result.
type ArtStarted struct {
	Size
	Backend string `js:"backend"`
}

// ArtStart starts a stylization of the fitted pair, on the GPU while Load's
// backend is there.
func (e *Engine[T]) ArtStart(in *ArtStartArgs) (ArtStarted, error) {
	o, opts, r := in.Options, art.DefaultOptions(), &e.art
	opts.Cost.Alpha, opts.Cost.Beta, opts.Cost.TV, opts.LR, opts.NoiseRatio, opts.Seed = o.Alpha, o.Beta, o.TV, o.LR, o.Noise, uint64(o.Seed)
	pool, err := vgg19.ParsePooling(o.Pool)
	if err != nil {
		return ArtStarted{}, err
	}
	h, w := r.content.Shape[0], r.content.Shape[1]
	if err := art.CheckMemory(r.net, h, w, art.BrowserMemoryBudget); err != nil {
		return ArtStarted{}, fmt.Errorf("artStart: %w", err)
	}
	r.net.Pool = pool
	r.forgetRun()
	placement := backend.OnCPU("no backend was loaded")
	if e.backend != nil {
		placement = e.backend.placement
	}
	var gpu *vgg19.Runner[T]
	if d := e.backend.device(); d != nil {
		if h*w > d.MaxRows() {
			return ArtStarted{}, fmt.Errorf("artStart: a %dx%d image has %d pixels, more than the %d this GPU convolves at once; use a smaller size", w, h, h*w, d.MaxRows())
		}
		if r.gpu == nil || r.gpuDev != d { // uploaded again after a new load or device
			r.gpu, r.gpuDev = vgg19.On(r.net, backend.Differentiable[T](d)), d
		}
		gpu = r.gpu
	}
	run, err := art.NewRun(placement, r.net, gpu, r.content, r.style, opts)
	if err != nil {
		return ArtStarted{}, err
	}
	r.run, r.preserve = run, o.PreserveColor
	return ArtStarted{Size{w, h}, where(run)}, nil
}

// where says where run's steps run now: ChoiceWebGPU or ChoiceCPU.
func where(run *art.Run) string {
	if run.GPU() {
		return ChoiceWebGPU
	}
	return ChoiceCPU
}

// forgetRun ends the stylization in progress, if any.
func (r *artState[T]) forgetRun() {
	if r.run != nil {
		r.run.Release()
		r.run = nil
	}
}

// ArtStepArgs are ArtStep's: how many steps.
type ArtStepArgs struct {
	Steps float64 `js:"steps"`
}

func (in *ArtStepArgs) Check() error {
	_, err := IntIn("artStep: steps", in.Steps, 1, maxArtSteps)
	return err
}

// ArtStepped is ArtStep's result: the steps so far, the costs of this
// chunk's and the image after them.
type ArtStepped struct {
	Steps   int         `js:"steps"`
	Costs   []art.Costs `js:"costs"`
	Image   Pixels      `js:"image"`
	Backend string      `js:"backend"`
}

// ArtStep runs a chunk of steps of the stylization.
func (e *Engine[T]) ArtStep(in *ArtStepArgs) (ArtStepped, error) {
	r := &e.art
	costs, err := r.run.Step(int(in.Steps))
	if err != nil {
		return ArtStepped{}, err
	}
	img := r.run.Image()
	if r.preserve {
		img = art.PreserveColor(img, r.content)
	}
	return ArtStepped{r.run.Steps(), costs, pixelsOf(img), where(r.run)}, nil
}

// ArtFeaturesArgs are ArtFeatures': the layer, how many maps and how many
// of them as units with their strongest patches.
type ArtFeaturesArgs struct {
	Layer   string `js:"layer"`
	Options struct {
		Maps  float64 `js:"maps,omitempty"`
		Units float64 `js:"units,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *ArtFeaturesArgs) Defaults() { in.Options.Maps, in.Options.Units = 8, 4 }

func (in *ArtFeaturesArgs) Check() error {
	if o := in.Options; !(o.Maps >= 1 && o.Maps <= maxArtMaps && o.Units >= 0 && o.Units <= o.Maps) {
		return fmt.Errorf("artFeatures: %v maps and %v units, want 1..%d maps and 0..maps units", o.Maps, o.Units, maxArtMaps)
	}
	return nil
}

// ArtFeatures is ArtFeatures' result: the maps of the source image (the
// content before ArtStart, the generated image after) and the units'
// strongest patches in the images.
type ArtFeatures struct {
	Layer  string       `js:"layer"`
	Source string       `js:"source"`
	Field  SizeStride   `js:"field"`
	Maps   []FeatureMap `js:"maps"`
	Units  []ArtUnit    `js:"units"`
}

// SizeStride is a receptive field as ArtFeatures reports it.
type SizeStride struct {
	Size   int `js:"size"`
	Stride int `js:"stride"`
}

// ArtUnit is a channel and its strongest patches.
type ArtUnit struct {
	Channel int        `js:"channel"`
	Patches []ArtPatch `js:"patches"`
}

// ArtPatch is a patch of one of the images (Image names it) and the unit's
// value there.
type ArtPatch struct {
	Pixels
	Image string  `js:"image"`
	Value float32 `js:"value"`
}

// ArtFeatures shows what a layer sees (art.ViewLayer).
func (e *Engine[T]) ArtFeatures(in *ArtFeaturesArgs) (ArtFeatures, error) {
	o, r := in.Options, &e.art
	names := []string{"content", "style"}
	images := []*tensor.Tensor{r.content, r.style}
	source := 0
	if r.run != nil {
		names, images, source = append(names, "generated"), append(images, r.run.Image()), 2
	}
	v, err := art.ViewLayer(r.net, in.Layer, images, source, int(o.Maps), int(o.Units))
	if err != nil {
		return ArtFeatures{}, err
	}
	maps := make([]FeatureMap, len(v.Channels))
	for i, c := range v.Channels {
		maps[i] = featureMapOf(v.Act, c)
	}
	units := make([]ArtUnit, len(v.Patches))
	for i, ps := range v.Patches {
		units[i].Channel = v.Channels[i]
		for _, p := range ps {
			units[i].Patches = append(units[i].Patches, ArtPatch{pixelsOf(p.Crop(images[p.Image])), names[p.Image], p.Value})
		}
	}
	return ArtFeatures{in.Layer, names[source], SizeStride{v.Field.Size, v.Field.Stride}, maps, units}, nil
}

// FeatureMap is channel c of a layer's activation as art.FeatureMap scales
// it: one byte a value, 0..255 by the channel's peak.
type FeatureMap struct {
	Channel int `js:"channel"`
	Pixels      // data one byte a value, not RGBA
}

func featureMapOf(act *tensor.Tensor, c int) FeatureMap {
	m := art.FeatureMap(act, c)
	grey := make([]byte, len(m.Data))
	for j, v := range m.Data {
		grey[j] = byte(v*255 + 0.5)
	}
	return FeatureMap{c, Pixels{m.Shape[1], m.Shape[0], grey}}
}
