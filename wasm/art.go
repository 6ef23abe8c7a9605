//go:build js && wasm

package main

// The Art view's calls: neural style transfer with VGG-19 (core/art) one
// chunk of steps at a time, so that the page can show each chunk's image,
// and the feature maps and strongest patches of a layer.
//
//	artLayers() → ["conv1_1", …, "conv5_1"]     the layers of the network
//	artLoad({vggUrl} | {files: {name: Uint8Array, …}}, onProgress?) → {layers}
//	artImages(content, style, size) → {width, height}
//	artStart({alpha, beta, tv, lr, noise, seed, pool, preserveColor}) → {width, height, backend}
//	artStep(n) → {steps, costs: [{content, style, tv, total}, …], image, backend}
//	artFeatures(layer, {maps, units}) → {layer, source, field, maps, units}
//
// RGBA pixels are {width, height, data: Uint8ClampedArray}.

import (
	"fmt"
	"syscall/js"

	"visage/core/art"
	cb "visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/tensor"
	"visage/models/download"
	"visage/models/vgg19"
)

// Limits on the Art calls' numbers: the working size and the steps of one
// artStep (one call blocks the worker until it is done).
const (
	minArtSize  = 8
	maxArtSize  = 1024
	maxArtSteps = 1000
	maxArtMaps  = 64
)

// artAPI holds the Art view's state: the network, the fitted pair and the
// stylization in progress.
type artAPI struct {
	net *vgg19.Net
	// backend returns where the networks run (see backend.go); nil: the CPU.
	backend func() *backend
	// gpu is net on gpuDev, uploaded by the first run there.
	gpu      *vgg19.Runner[*webgpu.Buffer]
	gpuDev   *webgpu.Device
	content  *tensor.Tensor // fitted to the working size
	style    *tensor.Tensor // same size as content
	run      *art.Run       // nil before artStart
	preserve bool           // give artStep's image the content's colours
}

// bindings returns the Art calls' bindings by name.
func (r *artAPI) bindings() map[string]binding {
	return map[string]binding{
		"artLayers": bind(nil, r.layers), "artLoad": raw(r.load), "artImages": bind(nil, r.images),
		"artStart": bind(r.fitted, r.start), "artStep": bind(r.started, r.step), "artFeatures": bind(r.fitted, r.features),
	}
}

// fitted is an error unless artLoad and artImages have run.
func (r *artAPI) fitted(op string) error {
	switch {
	case r.net == nil:
		return fmt.Errorf("%s called before artLoad", op)
	case r.content == nil:
		return fmt.Errorf("%s called before artImages", op)
	}
	return nil
}

// started is an error unless artStart has run.
func (r *artAPI) started(op string) error {
	if r.run == nil {
		return fmt.Errorf("%s called before artStart", op)
	}
	return nil
}

func (r *artAPI) layers(*none) (any, error) { return vgg19.Layers(), nil }

func (r *artAPI) load(args []js.Value) (any, error) {
	fsys, err := modelFiles(arg(args, 0), arg(args, 1), "artLoad", "vggUrl", (*download.Loader).VGG19) // fetch.go
	if err != nil {
		return nil, err
	}
	net, err := vgg19.Load(fsys)
	if err != nil {
		return nil, err
	}
	r.forgetRun()
	if r.gpu != nil {
		r.gpu.Release()
		r.gpuDev.Trim() // the old weights' memory, not kept for reuse
	}
	r.net, r.gpu, r.gpuDev = net, nil, nil
	return struct {
		Layers []string `js:"layers"`
	}{vgg19.Layers()}, nil
}

type artImagesArgs struct {
	Content image   `js:"content"`
	Style   image   `js:"style"`
	Size    float64 `js:"size"`
}

func (in *artImagesArgs) check() error {
	_, err := intIn("artImages: size", in.Size, minArtSize, maxArtSize)
	return err
}

func (r *artAPI) images(in *artImagesArgs) (any, error) {
	c, s, err := art.FitPair(in.Content.Tensor, in.Style.Tensor, int(in.Size))
	if err != nil {
		return nil, err
	}
	r.content, r.style = c, s
	r.forgetRun()
	return size2{c.Shape[1], c.Shape[0]}, nil
}

type artStartArgs struct {
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

func (in *artStartArgs) defaults() {
	d, o := art.DefaultOptions(), &in.Options
	o.Alpha, o.Beta, o.TV, o.LR, o.Noise, o.Seed, o.Pool = d.Cost.Alpha, d.Cost.Beta, d.Cost.TV, d.LR, d.NoiseRatio, float64(d.Seed), "avg"
}

func (in *artStartArgs) check() error {
	if s := in.Options.Seed; s < 0 || s != float64(uint64(s)) {
		return fmt.Errorf("artStart: seed %v, want a whole number ≥ 0", s)
	}
	return nil
}

func (r *artAPI) start(in *artStartArgs) (any, error) {
	o, opts := in.Options, art.DefaultOptions()
	opts.Cost.Alpha, opts.Cost.Beta, opts.Cost.TV, opts.LR, opts.NoiseRatio, opts.Seed = o.Alpha, o.Beta, o.TV, o.LR, o.Noise, uint64(o.Seed)
	pool, err := vgg19.ParsePooling(o.Pool)
	if err != nil {
		return nil, err
	}
	h, w := r.content.Shape[0], r.content.Shape[1]
	if err := art.CheckMemory(r.net, h, w, art.BrowserMemoryBudget); err != nil {
		return nil, fmt.Errorf("artStart: %w", err)
	}
	r.net.Pool = pool
	r.forgetRun()
	var b *backend
	if r.backend != nil {
		b = r.backend()
	}
	placement := cb.OnCPU("no backend was loaded")
	if b != nil {
		placement = b.placement
	}
	var gpu *vgg19.Runner[*webgpu.Buffer]
	if d := b.device(); d != nil {
		if h*w > d.MaxRows() {
			return nil, fmt.Errorf("artStart: a %dx%d image has %d pixels, more than the %d this GPU convolves at once; use a smaller size", w, h, h*w, d.MaxRows())
		}
		if r.gpu == nil || r.gpuDev != d { // uploaded again after a new load or device
			r.gpu, r.gpuDev = vgg19.On(r.net, cb.Differentiable[*webgpu.Buffer](d)), d
		}
		gpu = r.gpu
	}
	run, err := art.NewRun(placement, r.net, gpu, r.content, r.style, opts)
	if err != nil {
		return nil, err
	}
	r.run, r.preserve = run, o.PreserveColor
	return struct {
		size2
		Backend string `js:"backend"`
	}{size2{w, h}, where(run)}, nil
}

// where says where run's steps run now: backendWebGPU or backendCPU.
func where(run *art.Run) string {
	if run.GPU() {
		return backendWebGPU
	}
	return backendCPU
}

// forgetRun ends the stylization in progress, if any.
func (r *artAPI) forgetRun() {
	if r.run != nil {
		r.run.Release()
		r.run = nil
	}
}

type artStepArgs struct {
	Steps float64 `js:"steps"`
}

func (in *artStepArgs) check() error {
	_, err := intIn("artStep: steps", in.Steps, 1, maxArtSteps)
	return err
}

func (r *artAPI) step(in *artStepArgs) (any, error) {
	costs, err := r.run.Step(int(in.Steps))
	if err != nil {
		return nil, err
	}
	img := r.run.Image()
	if r.preserve {
		img = art.PreserveColor(img, r.content)
	}
	return struct {
		Steps   int         `js:"steps"`
		Costs   []art.Costs `js:"costs"`
		Image   pixels      `js:"image"`
		Backend string      `js:"backend"`
	}{r.run.Steps(), costs, pixelsOf(img), where(r.run)}, nil
}

type artFeaturesArgs struct {
	Layer   string `js:"layer"`
	Options struct {
		Maps  float64 `js:"maps,omitempty"`
		Units float64 `js:"units,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *artFeaturesArgs) defaults() { in.Options.Maps, in.Options.Units = 8, 4 }

func (in *artFeaturesArgs) check() error {
	if o := in.Options; !(o.Maps >= 1 && o.Maps <= maxArtMaps && o.Units >= 0 && o.Units <= o.Maps) {
		return fmt.Errorf("artFeatures: %v maps and %v units, want 1..%d maps and 0..maps units", o.Maps, o.Units, maxArtMaps)
	}
	return nil
}

func (r *artAPI) features(in *artFeaturesArgs) (any, error) {
	o := in.Options
	names := []string{"content", "style"}
	images := []*tensor.Tensor{r.content, r.style}
	source := 0 // the content before artStart, the generated image after
	if r.run != nil {
		names, images, source = append(names, "generated"), append(images, r.run.Image()), 2
	}
	v, err := art.ViewLayer(r.net, in.Layer, images, source, int(o.Maps), int(o.Units))
	if err != nil {
		return nil, err
	}
	maps := make([]featureMap, len(v.Channels))
	for i, c := range v.Channels {
		maps[i] = featureMapOf(v.Act, c)
	}
	type patch struct {
		pixels
		Image string  `js:"image"`
		Value float32 `js:"value"`
	}
	type unit struct {
		Channel int     `js:"channel"`
		Patches []patch `js:"patches"`
	}
	units := make([]unit, len(v.Patches))
	for i, ps := range v.Patches {
		units[i].Channel = v.Channels[i]
		for _, p := range ps {
			units[i].Patches = append(units[i].Patches, patch{pixelsOf(p.Crop(images[p.Image])), names[p.Image], p.Value})
		}
	}
	return struct {
		Layer  string       `js:"layer"`
		Source string       `js:"source"`
		Field  sizeStride   `js:"field"`
		Maps   []featureMap `js:"maps"`
		Units  []unit       `js:"units"`
	}{in.Layer, names[source], sizeStride{v.Field.Size, v.Field.Stride}, maps, units}, nil
}

// sizeStride is a receptive field as artFeatures reports it.
type sizeStride struct {
	Size   int `js:"size"`
	Stride int `js:"stride"`
}

// size2 is a working size: {width, height}.
type size2 struct {
	Width  int `js:"width"`
	Height int `js:"height"`
}

// featureMap is channel c of a layer's activation as art.FeatureMap scales
// it: one byte a value, 0..255 by the channel's peak.
type featureMap struct {
	Channel int `js:"channel"`
	pixels      // data one byte a value, not RGBA
}

func featureMapOf(act *tensor.Tensor, c int) featureMap {
	m := art.FeatureMap(act, c)
	grey := make([]byte, len(m.Data))
	for j, v := range m.Data {
		grey[j] = byte(v*255 + 0.5)
	}
	return featureMap{c, pixels{m.Shape[1], m.Shape[0], grey}}
}
