// Package tinyface is face-api.js's Tiny Face Detector in Go: a small
// Tiny-YOLOv2-style network of depthwise separable convolutions whose 13x13
// (at the default 416 input) grid predicts five anchored boxes per cell,
// followed by non-maximum suppression. The network runs on any
// visage/core/backend (On); the pre- and post-processing on the CPU.
package tinyface

import (
	"fmt"
	"io/fs"
	"math"
	"sort"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/netinput"
	"visage/models/ssd"
	"visage/models/weights"
)

// Manifest is the weight manifest's file name in the face-api.js model folder.
const Manifest = "tiny_face_detector_model-weights_manifest.json"

// Options are face-api.js's TinyFaceDetectorOptions.
type Options struct {
	InputSize      int     // side of the square input, a multiple of 32; face-api.js default 416
	ScoreThreshold float64 // in (0,1); face-api.js default 0.5
}

// DefaultOptions returns face-api.js's defaults.
func DefaultOptions() Options { return Options{InputSize: 416, ScoreThreshold: 0.5} }

// iouThreshold is face-api.js's NMS overlap limit for this detector.
const iouThreshold = 0.4

// anchors are the five box priors (width, height) in grid cells.
var anchors = [5][2]float64{
	{1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061}, {4.266906, 5.178857}, {9.041765, 10.66308},
}

// meanRGB is subtracted before dividing by 255.
var meanRGB = [3]float32{117.001, 114.697, 97.404}

// separableConv is a 3x3 depthwise + 1x1 conv with bias, then leaky ReLU.
type separableConv[T any] struct {
	depthwise, pointwise, bias T
}

// convBias is a plain conv with bias.
type convBias[T any] struct {
	filters, bias T
}

// netParams are the detector's weights on a backend whose tensors are T,
// with face-api.js's names.
type netParams[T any] struct {
	conv0 convBias[T]
	sep   [5]separableConv[T] // conv1..conv5
	conv8 convBias[T]         // 1x1 → 5 anchors × (x, y, w, h, score)
}

// upload returns p with each tensor put through w: the network moved to
// w's backend.
func upload[T any](w *backend.Weights[T], p *netParams[*tensor.Tensor]) *netParams[T] {
	put := w.Upload
	q := &netParams[T]{
		conv0: convBias[T]{put(p.conv0.filters), put(p.conv0.bias)},
		conv8: convBias[T]{put(p.conv8.filters), put(p.conv8.bias)},
	}
	for i, c := range p.sep {
		q.sep[i] = separableConv[T]{put(c.depthwise), put(c.pointwise), put(c.bias)}
	}
	return q
}

// Net is a loaded detector: its Runner on the CPU, whose methods it has.
// It is read-only after Load and safe for concurrent use; On runs it on
// another backend.
type Net struct{ *Runner[*tensor.Tensor] }

// Load reads the detector's manifest and shard from fsys.
func Load(fsys fs.FS) (*Net, error) {
	m, err := weights.Load(fsys, Manifest)
	if err != nil {
		return nil, err
	}
	get := func(name string, rank int) (*tensor.Tensor, error) {
		t, ok := m[name]
		if !ok {
			return nil, fmt.Errorf("tinyface: weight %q missing from the manifest", name)
		}
		if t.Rank() != rank {
			return nil, fmt.Errorf("tinyface: weight %q: expected rank %d, found shape %v", name, rank, t.Shape)
		}
		return t, nil
	}
	conv := func(prefix string) (convBias[*tensor.Tensor], error) {
		f, err := get(prefix+"/filters", 4)
		if err != nil {
			return convBias[*tensor.Tensor]{}, err
		}
		b, err := get(prefix+"/bias", 1)
		if err != nil {
			return convBias[*tensor.Tensor]{}, err
		}
		if b.Shape[0] != f.Shape[3] {
			return convBias[*tensor.Tensor]{}, fmt.Errorf("tinyface: %s: bias has %d values for %d filters", prefix, b.Shape[0], f.Shape[3])
		}
		return convBias[*tensor.Tensor]{f, b}, nil
	}
	p := &netParams[*tensor.Tensor]{}
	if p.conv0, err = conv("conv0"); err != nil {
		return nil, err
	}
	for i := range p.sep {
		name := fmt.Sprintf("conv%d", i+1)
		d, err := get(name+"/depthwise_filter", 4)
		if err != nil {
			return nil, err
		}
		pw, err := get(name+"/pointwise_filter", 4)
		if err != nil {
			return nil, err
		}
		b, err := get(name+"/bias", 1)
		if err != nil {
			return nil, err
		}
		if b.Shape[0] != pw.Shape[3] {
			return nil, fmt.Errorf("tinyface: %s: bias has %d values for %d filters", name, b.Shape[0], pw.Shape[3])
		}
		p.sep[i] = separableConv[*tensor.Tensor]{d, pw, b}
	}
	if p.conv8, err = conv("conv8"); err != nil {
		return nil, err
	}
	if p.conv8.filters.Shape[3] != 5*len(anchors) {
		return nil, fmt.Errorf("tinyface: conv8: expected %d outputs, found %d", 5*len(anchors), p.conv8.filters.Shape[3])
	}
	return &Net{&Runner[*tensor.Tensor]{backend.BindCPU(p, upload)}}, nil
}

// Runner is the detector on one backend: its parameters as loaded and put
// there.
type Runner[T any] struct {
	backend.Bound[T, *netParams[*tensor.Tensor], *netParams[T]]
}

// On returns n running on b, its weights put there once (backend.Bind).
func On[T any](n *Net, b backend.Backend[T]) *Runner[T] {
	return &Runner[T]{backend.Bind(b, n.Src, upload[T])}
}

// Detect finds faces in img ([H,W,3] RGB, 0..255) as face-api.js's
// TinyFaceDetector.locateFaces for a tensor input: padded to a square at the
// bottom or right, resized to opt.InputSize, boxes mapped back to img's
// pixels, best score first. The preprocessing, the box decoding and the
// suppression run on the CPU, the network on r's backend, its output grid
// read back once. It errors on a malformed image or options, and with the
// backend's errors (wrapping backend.ErrDeviceLost or
// backend.ErrOutOfMemory when a GPU failed).
func (r *Runner[T]) Detect(img *tensor.Tensor, opt Options) ([]ssd.Detection, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] == 0 || img.Shape[1] == 0 {
		return nil, fmt.Errorf("tinyface: expected an image of shape [H,W,3], found %v", img.Shape)
	}
	if opt.InputSize <= 0 || opt.InputSize%32 != 0 {
		return nil, fmt.Errorf("tinyface: expected InputSize a positive multiple of 32, found %d", opt.InputSize)
	}
	if !(opt.ScoreThreshold > 0 && opt.ScoreThreshold < 1) {
		return nil, fmt.Errorf("tinyface: expected ScoreThreshold in (0,1), found %v", opt.ScoreThreshold)
	}
	grid := forward(r.B, r.P, r.B.Upload(toInput(img, opt.InputSize)))
	out, err := backend.Collect(r.B, "tinyface", grid)
	if err != nil {
		return nil, err
	}
	return decode(out[0], img.Shape[0], img.Shape[1], opt)
}

// decode turns the network's output grid for an image h×w at opt into
// detections in the image's pixels, suppressed and best first: out is
// [InputSize/32, InputSize/32, 25], five anchored boxes per cell (x, y, w,
// h, score before their sigmoid and exp). It errors on a grid of the wrong
// shape.
func decode(out *tensor.Tensor, h, w int, opt Options) ([]ssd.Detection, error) {
	if cells := opt.InputSize / 32; !tensor.SameShape(out, &tensor.Tensor{Shape: []int{cells, cells, 5 * len(anchors)}}) {
		return nil, fmt.Errorf("tinyface: the network gave an output of shape %v, want [%d,%d,%d]", out.Shape, cells, cells, 5*len(anchors))
	}

	// Relative boxes in the padded square, corrected to the image as
	// face-api.js's extractBoxes does (by the rounded resized size).
	side := float64(max(h, w))
	rw := roundHalfUp(float64(w) * float64(opt.InputSize) / side)
	rh := roundHalfUp(float64(h) * float64(opt.InputSize) / side)
	cfX, cfY := max(rw, rh)/rw, max(rw, rh)/rh
	cells := out.Shape[0]
	var dets []ssd.Detection
	for row := range cells {
		for col := range cells {
			for a, anc := range anchors {
				v := out.Data[((row*cells+col)*len(anchors)+a)*5:]
				score := sigmoid(v[4])
				if !(score > opt.ScoreThreshold) {
					continue
				}
				cx := (float64(col) + sigmoid(v[0])) / float64(cells) * cfX
				cy := (float64(row) + sigmoid(v[1])) / float64(cells) * cfY
				bw := math.Exp(float64(v[2])) * anc[0] / float64(cells) * cfX
				bh := math.Exp(float64(v[3])) * anc[1] / float64(cells) * cfY
				dets = append(dets, ssd.Detection{
					Box:   ssd.Box{X: (cx - bw/2) * float64(w), Y: (cy - bh/2) * float64(h), W: bw * float64(w), H: bh * float64(h)},
					Score: score,
				})
			}
		}
	}
	return nonMaxSuppression(dets, iouThreshold), nil
}

// toInput pads img to a square at the bottom or right, resizes it to size
// and normalizes it ((x − mean)/255).
func toInput(img *tensor.Tensor, size int) *tensor.Tensor {
	x := netinput.Square(img, size, false)
	for i := range x.Data {
		x.Data[i] = (x.Data[i] - meanRGB[i%3]) / 255
	}
	return x
}

// forward runs the net on b from a normalized [size,size,3] input x, which
// it releases, to the [size/32,size/32,25] grid the caller owns: conv0
// (valid) and five separable convs, each followed by 2x2 max pooling
// (stride 1 after the last), then conv8.
func forward[T any](b backend.Backend[T], p *netParams[T], x T) T {
	out := then(b, x, convLeaky(b, x, p.conv0.filters, p.conv0.bias))
	out = then(b, out, b.MaxPool2D(out, 2, 2, 2, 2, ops.Same))
	var noBias T
	for i, c := range p.sep {
		// face-api.js pads by one pixel and convolves 'valid': for a 3x3
		// window at stride 1, that is 'same'.
		dw := then(b, out, b.DepthwiseConv2DFused(out, c.depthwise, noBias, 1, 1, ops.Same, backend.Epilogue[T]{}))
		out = then(b, dw, convLeaky(b, dw, c.pointwise, c.bias))
		stride := 2
		if i == len(p.sep)-1 {
			stride = 1
		}
		out = then(b, out, b.MaxPool2D(out, 2, 2, stride, stride, ops.Same))
	}
	return then(b, out, b.Conv2DFused(out, p.conv8.filters, p.conv8.bias, 1, 1, ops.Valid, backend.Epilogue[T]{}))
}

// convLeaky is a stride-1 'valid' convolution with bias, then the leaky
// ReLU; x is left alone.
func convLeaky[T any](b backend.Backend[T], x, filters, bias T) T {
	return b.LeakyReLU(b.Conv2DFused(x, filters, bias, 1, 1, ops.Valid, backend.Epilogue[T]{}), leak)
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed.
func then[T any](b backend.Backend[T], done, next T) T {
	b.Release(done)
	return next
}

// leak is face-api.js's leaky ReLU slope, float32(0.1).
const leak = 0.10000000149011612

func sigmoid(v float32) float64 { return 1 / (1 + math.Exp(-float64(v))) }

// roundHalfUp is JavaScript's Math.round for non-negative values.
func roundHalfUp(v float64) float64 { return math.Floor(v + 0.5) }

// nonMaxSuppression is face-api.js's generic NMS: repeatedly keep the best
// remaining box and drop those overlapping it by more than iouThreshold.
func nonMaxSuppression(dets []ssd.Detection, iouThreshold float64) []ssd.Detection {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	var kept []ssd.Detection
	removed := make([]bool, len(dets))
	for i := range dets {
		if removed[i] {
			continue
		}
		kept = append(kept, dets[i])
		for j := i + 1; j < len(dets); j++ {
			if !removed[j] && boxIoU(dets[i].Box, dets[j].Box) > iouThreshold {
				removed[j] = true
			}
		}
	}
	return kept
}

func boxIoU(a, b ssd.Box) float64 {
	ix := math.Max(0, math.Min(a.X+a.W, b.X+b.W)-math.Max(a.X, b.X))
	iy := math.Max(0, math.Min(a.Y+a.H, b.Y+b.H)-math.Max(a.Y, b.Y))
	inter := ix * iy
	return inter / (a.W*a.H + b.W*b.H - inter)
}
