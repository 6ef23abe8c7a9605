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
	"errors"
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

// methods returns the JS names of the Art calls.
func (r *artAPI) methods() map[string]func([]js.Value) (any, error) {
	return map[string]func([]js.Value) (any, error){
		"artLayers": r.layers, "artLoad": r.load, "artImages": r.images,
		"artStart": r.start, "artStep": r.step, "artFeatures": r.features,
	}
}

func (r *artAPI) layers([]js.Value) (any, error) {
	return arrayJS(vgg19.Layers()), nil
}

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
	return map[string]any{"layers": arrayJS(vgg19.Layers())}, nil
}

func (r *artAPI) images(args []js.Value) (any, error) {
	in := argsOf("artImages", args)
	content, style, size := in.image(in.arg(0), "content"), in.image(in.arg(1), "style"), in.intIn(in.arg(2), "size", minArtSize, maxArtSize)
	if in.err != nil {
		return nil, in.err
	}
	c, s, err := art.FitPair(content, style, size)
	if err != nil {
		return nil, err
	}
	r.content, r.style = c, s
	r.forgetRun()
	return map[string]any{"width": c.Shape[1], "height": c.Shape[0]}, nil
}

func (r *artAPI) start(args []js.Value) (any, error) {
	if r.net == nil {
		return nil, errors.New("artStart called before artLoad")
	}
	if r.content == nil {
		return nil, errors.New("artStart called before artImages")
	}
	in := argsOf("artStart", args)
	o := in.options(0)
	opts := art.DefaultOptions()
	for _, f := range []struct {
		name string
		v    *float64
	}{{"alpha", &opts.Cost.Alpha}, {"beta", &opts.Cost.Beta}, {"tv", &opts.Cost.TV}, {"lr", &opts.LR}, {"noise", &opts.NoiseRatio}} {
		*f.v = in.optNumber(o, f.name, *f.v)
	}
	if seed := in.optNumber(o, "seed", float64(opts.Seed)); seed < 0 || seed != float64(uint64(seed)) {
		in.failf("seed %v, want a whole number ≥ 0", seed)
	} else {
		opts.Seed = uint64(seed)
	}
	pool, err := vgg19.ParsePooling(in.str(fieldOr(o, "pool", "avg"), "pool"))
	in.check(err)
	preserve := in.optBool(o, "preserveColor", false)
	if in.err != nil {
		return nil, in.err
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
	r.run, r.preserve = run, preserve
	return map[string]any{"width": r.content.Shape[1], "height": r.content.Shape[0], "backend": where(run)}, nil
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

func (r *artAPI) step(args []js.Value) (any, error) {
	if r.run == nil {
		return nil, errors.New("artStep called before artStart")
	}
	in := argsOf("artStep", args)
	n := in.intIn(in.arg(0), "steps", 1, maxArtSteps)
	if in.err != nil {
		return nil, in.err
	}
	steps, err := r.run.Step(n)
	if err != nil {
		return nil, err
	}
	costs := make([]any, n)
	for i, c := range steps {
		costs[i] = map[string]any{"content": c.Content, "style": c.Style, "tv": c.TV, "total": c.Total}
	}
	img := r.run.Image()
	if r.preserve {
		img = art.PreserveColor(img, r.content)
	}
	return map[string]any{"steps": r.run.Steps(), "costs": costs, "image": rgbaJS(img), "backend": where(r.run)}, nil
}

func (r *artAPI) features(args []js.Value) (any, error) {
	if r.net == nil {
		return nil, errors.New("artFeatures called before artLoad")
	}
	if r.content == nil {
		return nil, errors.New("artFeatures called before artImages")
	}
	in := argsOf("artFeatures", args)
	layer, o := in.str(in.arg(0), "layer"), in.arg(1)
	nMaps, nUnits := in.optNumber(o, "maps", 8), in.optNumber(o, "units", 4)
	if in.err == nil && !(nMaps >= 1 && nMaps <= maxArtMaps && nUnits >= 0 && nUnits <= nMaps) {
		in.failf("%v maps and %v units, want 1..%d maps and 0..maps units", nMaps, nUnits, maxArtMaps)
	}
	if in.err != nil {
		return nil, in.err
	}
	names := []string{"content", "style"}
	images := []*tensor.Tensor{r.content, r.style}
	source := 0 // the content before artStart, the generated image after
	if r.run != nil {
		names, images, source = append(names, "generated"), append(images, r.run.Image()), 2
	}
	v, err := art.ViewLayer(r.net, layer, images, source, int(nMaps), int(nUnits))
	if err != nil {
		return nil, err
	}
	maps := make([]any, len(v.Channels))
	for i, c := range v.Channels {
		maps[i] = featureMapJS(v.Act, c)
	}
	units := make([]any, len(v.Patches))
	for i, ps := range v.Patches {
		var patches []any
		for _, p := range ps {
			crop := rgbaJS(p.Crop(images[p.Image]))
			crop["image"], crop["value"] = names[p.Image], p.Value
			patches = append(patches, crop)
		}
		units[i] = map[string]any{"channel": v.Channels[i], "patches": patches}
	}
	return map[string]any{
		"layer": layer, "source": names[source], "field": map[string]any{"size": v.Field.Size, "stride": v.Field.Stride},
		"maps": maps, "units": units,
	}, nil
}

// featureMapJS returns channel c of act ([H,W,C]) as art.FeatureMap scales
// it: {channel, width, height, data}, one byte a value, 0..255 by the
// channel's peak.
func featureMapJS(act *tensor.Tensor, c int) map[string]any {
	m := art.FeatureMap(act, c)
	grey := make([]byte, len(m.Data))
	for j, v := range m.Data {
		grey[j] = byte(v*255 + 0.5)
	}
	return map[string]any{"channel": c, "width": m.Shape[1], "height": m.Shape[0], "data": uint8ClampedJS(grey)}
}
