// Package tinyface is face-api.js's Tiny Face Detector in pure Go: a small
// Tiny-YOLOv2-style network of depthwise separable convolutions whose 13x13
// (at the default 416 input) grid predicts five anchored boxes per cell,
// followed by non-maximum suppression.
package tinyface

import (
	"fmt"
	"io/fs"
	"math"
	"sort"

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

// SeparableConv is a 3x3 depthwise + 1x1 conv with bias, then leaky ReLU.
type SeparableConv struct {
	Depthwise, Pointwise *tensor.Tensor
	Bias                 []float32
}

// ConvBias is a plain conv with bias.
type ConvBias struct {
	Filters *tensor.Tensor
	Bias    []float32
}

// Params are the detector's weights, with face-api.js's names: what another
// implementation of it (visage/wasm/webgpu/tinyfacegpu) runs, reading the
// layers as forward does.
type Params struct {
	Conv0 ConvBias
	Sep   [5]SeparableConv // conv1..conv5
	Conv8 ConvBias         // 1x1 → 5 anchors × (x, y, w, h, score)
}

// Net is a loaded detector, read-only after Load and safe for concurrent use.
type Net struct{ p Params }

// Params returns the detector's parameters, for other implementations of it
// to run; they are shared, and must not be modified.
func (n *Net) Params() *Params { return &n.p }

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
	conv := func(prefix string) (ConvBias, error) {
		f, err := get(prefix+"/filters", 4)
		if err != nil {
			return ConvBias{}, err
		}
		b, err := get(prefix+"/bias", 1)
		if err != nil {
			return ConvBias{}, err
		}
		if b.Shape[0] != f.Shape[3] {
			return ConvBias{}, fmt.Errorf("tinyface: %s: bias has %d values for %d filters", prefix, b.Shape[0], f.Shape[3])
		}
		return ConvBias{f, b.Data}, nil
	}
	n := &Net{}
	if n.p.Conv0, err = conv("conv0"); err != nil {
		return nil, err
	}
	for i := range n.p.Sep {
		p := fmt.Sprintf("conv%d", i+1)
		d, err := get(p+"/depthwise_filter", 4)
		if err != nil {
			return nil, err
		}
		pw, err := get(p+"/pointwise_filter", 4)
		if err != nil {
			return nil, err
		}
		b, err := get(p+"/bias", 1)
		if err != nil {
			return nil, err
		}
		if b.Shape[0] != pw.Shape[3] {
			return nil, fmt.Errorf("tinyface: %s: bias has %d values for %d filters", p, b.Shape[0], pw.Shape[3])
		}
		n.p.Sep[i] = SeparableConv{d, pw, b.Data}
	}
	if n.p.Conv8, err = conv("conv8"); err != nil {
		return nil, err
	}
	if n.p.Conv8.Filters.Shape[3] != 5*len(anchors) {
		return nil, fmt.Errorf("tinyface: conv8: expected %d outputs, found %d", 5*len(anchors), n.p.Conv8.Filters.Shape[3])
	}
	return n, nil
}

// Detect finds faces in img ([H,W,3] RGB, 0..255) as face-api.js's
// TinyFaceDetector.locateFaces for a tensor input: padded to a square at the
// bottom or right, resized to opt.InputSize, boxes mapped back to img's
// pixels, best score first. It errors on a malformed image or options.
func (n *Net) Detect(img *tensor.Tensor, opt Options) ([]ssd.Detection, error) {
	return DetectWith(img, opt, func(x *tensor.Tensor) (*tensor.Tensor, error) { return n.forward(x), nil })
}

// Forward is a forward pass of the network: given the normalized
// [size,size,3] input, the [size/32,size/32,25] grid of five anchored
// boxes per cell (x, y, w, h, score before their sigmoid and exp).
type Forward func(x *tensor.Tensor) (*tensor.Tensor, error)

// DetectWith is Detect with forward in place of the network's own pass on
// the CPU, so that another implementation of it
// (visage/wasm/webgpu/tinyfacegpu) shares the preprocessing, the box
// decoding and the suppression. It errors on a malformed image or options,
// on forward's error, and on an output of the wrong shape.
func DetectWith(img *tensor.Tensor, opt Options, forward Forward) ([]ssd.Detection, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] == 0 || img.Shape[1] == 0 {
		return nil, fmt.Errorf("tinyface: expected an image of shape [H,W,3], found %v", img.Shape)
	}
	if opt.InputSize <= 0 || opt.InputSize%32 != 0 {
		return nil, fmt.Errorf("tinyface: expected InputSize a positive multiple of 32, found %d", opt.InputSize)
	}
	if !(opt.ScoreThreshold > 0 && opt.ScoreThreshold < 1) {
		return nil, fmt.Errorf("tinyface: expected ScoreThreshold in (0,1), found %v", opt.ScoreThreshold)
	}
	h, w := img.Shape[0], img.Shape[1]
	out, err := forward(toInput(img, opt.InputSize))
	if err != nil {
		return nil, err
	}
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

// forward runs the net: conv0 (valid) and five separable convs, each
// followed by 2x2 max pooling (stride 1 after the last), then conv8.
func (n *Net) forward(x *tensor.Tensor) *tensor.Tensor {
	out := ops.LeakyReLU(ops.Conv2D(x, n.p.Conv0.Filters, n.p.Conv0.Bias, 1, 1, ops.Valid), Leak)
	out = ops.MaxPool2D(out, 2, 2, 2, 2, ops.Same)
	for i, c := range n.p.Sep {
		// face-api.js pads by one pixel, then convolves 'valid'.
		out = ops.PadSpatial(out, 1, 1, 1, 1, 0)
		out = ops.DepthwiseConv2D(out, c.Depthwise, nil, 1, 1, ops.Valid)
		out = ops.LeakyReLU(ops.Conv2D(out, c.Pointwise, c.Bias, 1, 1, ops.Valid), Leak)
		stride := 2
		if i == len(n.p.Sep)-1 {
			stride = 1
		}
		out = ops.MaxPool2D(out, 2, 2, stride, stride, ops.Same)
	}
	return ops.Conv2D(out, n.p.Conv8.Filters, n.p.Conv8.Bias, 1, 1, ops.Valid)
}

// Leak is face-api.js's leaky ReLU slope, float32(0.1).
const Leak = 0.10000000149011612

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
