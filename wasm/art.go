//go:build js && wasm

package main

// The Art view's calls: neural style transfer with VGG-19 (core/art) one
// chunk of steps at a time, so that the page can show each chunk's image,
// and the feature maps and strongest patches of a layer.
//
//	artLayers() → ["conv1_1", …, "conv5_1"]     the layers of the network
//	artLoad({vggUrl} | {files: {name: Uint8Array, …}}, onProgress?) → {layers}
//	    manifest.json and the raw weight files it names for those layers:
//	    fetched from vggUrl (an absolute URL of a folder), each checked
//	    against the size manifest.json gives it, with progress as load's
//	    (fetch.go), or given as files
//	artImages(content, style, size) → {width, height}
//	    the pair brought to the working size (art.FitPair: the content's
//	    longer side is size, 8..1024; the style covers it, centre-cropped);
//	    forgets any generated image
//	artStart({alpha, beta, tv, lr, noise, seed, pool, preserveColor}) → {width, height, backend}
//	    a new generated image for the pair (every option may be left out:
//	    the course's α 10, β 40, learning rate 2, noise 0.6, avg pooling),
//	    on the backend's GPU when it has one (backend: 'webgpu'), else on
//	    the CPU ('cpu'); see art.Run
//	artStep(n) → {steps, costs: [{content, style, tv, total}, …], image, backend}
//	    n Adam steps (1..1000); costs are J before each; steps counts all
//	    steps since artStart; image is the generated image (with the
//	    content's colours when preserveColor) as RGBA pixels; backend says
//	    where the steps ran: a GPU that was lost or ran out of memory moves
//	    the run to the CPU, which goes on from the last artStep's image
//	artFeatures(layer, {maps, units}) → {layer, source, field: {size, stride},
//	        maps: [{channel, width, height, data}],
//	        units: [{channel, patches: [{image, value, width, height, data}]}]}
//	    the layer's strongest channels (by mean activation) of the generated
//	    image, or of the content before artStart: maps of them (data: one byte
//	    a value, 0..255 scaled by the channel's peak) and, for the first
//	    units of them, the receptive-field crop around each image's
//	    strongest activation (image: "content", "style" or "generated"),
//	    strongest first
//
// RGBA pixels are {width, height, data: Uint8ClampedArray}.

import (
	"errors"
	"fmt"
	"slices"
	"syscall/js"

	"visage/core/art"
	cb "visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/imageio"
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
	return stringsJS(vgg19.Layers()), nil
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
	}
	r.net, r.gpu, r.gpuDev = net, nil, nil
	return map[string]any{"layers": stringsJS(vgg19.Layers())}, nil
}

func (r *artAPI) images(args []js.Value) (any, error) {
	content, err := imageOf(arg(args, 0), "artImages: content")
	if err != nil {
		return nil, err
	}
	style, err := imageOf(arg(args, 1), "artImages: style")
	if err != nil {
		return nil, err
	}
	size, err := intIn(arg(args, 2), "artImages: size", minArtSize, maxArtSize)
	if err != nil {
		return nil, err
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
	o := arg(args, 0)
	if !o.IsUndefined() && o.Type() != js.TypeObject {
		return nil, fmt.Errorf("artStart expects an options object, found %s", describe(o))
	}
	opts := art.DefaultOptions()
	for _, f := range []struct {
		name string
		v    *float64
	}{{"alpha", &opts.Cost.Alpha}, {"beta", &opts.Cost.Beta}, {"tv", &opts.Cost.TV}, {"lr", &opts.LR}, {"noise", &opts.NoiseRatio}} {
		if err := optionalNumber(o, f.name, f.v); err != nil {
			return nil, err
		}
	}
	seed := float64(opts.Seed)
	if err := optionalNumber(o, "seed", &seed); err != nil {
		return nil, err
	}
	if seed < 0 || seed != float64(uint64(seed)) {
		return nil, fmt.Errorf("artStart: seed %v, want a whole number ≥ 0", seed)
	}
	opts.Seed = uint64(seed)
	pool := vgg19.AvgPool
	if v := field(o, "pool"); !v.IsUndefined() {
		s, err := stringOf(v, "artStart: pool")
		if err != nil {
			return nil, err
		}
		if pool, err = vgg19.ParsePooling(s); err != nil {
			return nil, err
		}
	}
	preserve := false
	if err := optionalBool(o, "artStart", "preserveColor", &preserve); err != nil {
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
	n, err := intIn(arg(args, 0), "artStep: steps", 1, maxArtSteps)
	if err != nil {
		return nil, err
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
	layer, err := stringOf(arg(args, 0), "artFeatures: layer")
	if err != nil {
		return nil, err
	}
	field, err := art.ReceptiveField(layer)
	if err != nil {
		return nil, err
	}
	o := arg(args, 1)
	nMaps, nUnits := 8.0, 4.0
	if err := optionalNumber(o, "maps", &nMaps); err != nil {
		return nil, err
	}
	if err := optionalNumber(o, "units", &nUnits); err != nil {
		return nil, err
	}
	if !(nMaps >= 1 && nMaps <= maxArtMaps && nUnits >= 0 && nUnits <= nMaps) {
		return nil, fmt.Errorf("artFeatures: %v maps and %v units, want 1..%d maps and 0..maps units", nMaps, nUnits, maxArtMaps)
	}
	names := []string{"content", "style"}
	images := []*tensor.Tensor{r.content, r.style}
	source := "content"
	if r.run != nil {
		names, images, source = append(names, "generated"), append(images, r.run.Image()), "generated"
	}
	acts := make([]*tensor.Tensor, len(images))
	for i, im := range images {
		pass, err := r.net.Forward(im, layer)
		if err != nil {
			return nil, err
		}
		acts[i] = pass.Activation(layer)
	}
	current := acts[slices.Index(names, source)]
	channels := art.StrongestChannels(current, int(nMaps))
	maps := make([]any, len(channels))
	for i, c := range channels {
		maps[i] = featureMapJS(current, c)
	}
	units := make([]any, 0, int(nUnits))
	for _, c := range channels[:min(int(nUnits), len(channels))] {
		var patches []any
		for _, p := range art.StrongestPatches(images, acts, c, field) {
			crop := rgbaJS(p.Crop(images[p.Image]))
			crop["image"], crop["value"] = names[p.Image], p.Value
			patches = append(patches, crop)
		}
		units = append(units, map[string]any{"channel": c, "patches": patches})
	}
	return map[string]any{
		"layer": layer, "source": source, "field": map[string]any{"size": field.Size, "stride": field.Stride},
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

// field returns o[name], or undefined when o is not an object.
func field(o js.Value, name string) js.Value {
	if o.Type() != js.TypeObject {
		return js.Undefined()
	}
	return o.Get(name)
}

// optionalNumber sets *v to o[name] when that is given, after checking it is
// a finite number.
func optionalNumber(o js.Value, name string, v *float64) error {
	x := field(o, name)
	if x.IsUndefined() {
		return nil
	}
	f, err := numberOf(x, name)
	if err != nil {
		return err
	}
	if f-f != 0 {
		return fmt.Errorf("%s must be finite, found %v", name, f)
	}
	*v = f
	return nil
}

// intIn returns v as an int, or an error unless it is a whole number in lo..hi.
func intIn(v js.Value, what string, lo, hi int) (int, error) {
	f, err := numberOf(v, what)
	if err != nil {
		return 0, err
	}
	if !(f >= float64(lo) && f <= float64(hi)) || f != float64(int(f)) {
		return 0, fmt.Errorf("%s %v, want a whole number in %d..%d", what, f, lo, hi)
	}
	return int(f), nil
}

// rgbaJS returns img ([H,W,3] RGB 0..255) as RGBA pixels for JS.
func rgbaJS(img *tensor.Tensor) map[string]any {
	return map[string]any{"width": img.Shape[1], "height": img.Shape[0], "data": uint8ClampedJS(imageio.ToImage(img).Pix)}
}

// uint8ClampedJS copies b into a new Uint8ClampedArray.
func uint8ClampedJS(b []byte) js.Value {
	out := js.Global().Get("Uint8ClampedArray").New(len(b))
	js.CopyBytesToJS(out, b)
	return out
}

// stringsJS returns s as a JS array.
func stringsJS(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
