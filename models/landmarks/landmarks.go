// Package landmarks is face-api.js's 68-point face landmark network
// (face_landmark_68_model) in pure Go: four dense blocks of depthwise
// separable convolutions on a 112x112 face crop, then one fully connected
// layer to 68 (x, y) pairs.
package landmarks

import (
	"fmt"
	"io/fs"

	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/netinput"
	"visage/models/weights"
)

// InputSize is the side of the square the face crop is resized to.
const InputSize = 112

// NumPoints is the number of landmarks, in the iBUG 300-W order: jaw 0–16,
// brows 17–26, nose 27–35, eyes 36–47 (the subject's right eye first), mouth 48–67.
const NumPoints = 68

// Manifest is the weight manifest's file name in the face-api.js model folder.
const Manifest = "face_landmark_68_model-weights_manifest.json"

// meanRGB is subtracted from the input before dividing by 255 (face-api.js's FaceFeatureExtractor).
var meanRGB = [3]float32{122.782, 117.001, 104.298}

// Point is a position in pixels, X to the right and Y down.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Net is a loaded landmark network, read-only after Load and safe for
// concurrent use.
type Net struct{ p *Params }

// Load reads the landmark network's manifest and shard from fsys.
func Load(fsys fs.FS) (*Net, error) {
	m, err := weights.Load(fsys, Manifest)
	if err != nil {
		return nil, err
	}
	p, err := extractParams(m)
	if err != nil {
		return nil, err
	}
	return &Net{p}, nil
}

// Detect returns the 68 landmarks of the face crop face ([H,W,3] RGB,
// 0..255), in face's pixel coordinates, as face-api.js's detectLandmarks:
// the crop is padded to a centred square, resized to 112x112 and the output
// mapped back, undoing the padding.
func (n *Net) Detect(face *tensor.Tensor) ([]Point, error) {
	return DetectWith(face, func(x *tensor.Tensor) ([]float32, error) { return n.forward(x), nil })
}

// Forward is a forward pass of the network: given the normalized
// [InputSize,InputSize,3] crop, the 2·NumPoints raw outputs (x0, y0, x1,
// y1, …) relative to the input square.
type Forward func(x *tensor.Tensor) ([]float32, error)

// DetectWith is Detect with forward in place of the network's own pass on
// the CPU, so that another implementation of it
// (visage/wasm/webgpu/landmarksgpu) shares the preprocessing and the
// mapping back to face's pixels. It errors on a malformed crop, on
// forward's error, and on an output of the wrong length.
func DetectWith(face *tensor.Tensor, forward Forward) ([]Point, error) {
	if face.Rank() != 3 || face.Shape[2] != 3 || face.Shape[0] == 0 || face.Shape[1] == 0 {
		return nil, fmt.Errorf("landmarks: expected a face crop of shape [H,W,3], found %v", face.Shape)
	}
	h, w := float64(face.Shape[0]), float64(face.Shape[1])
	out, err := forward(toInput(face))
	if err != nil {
		return nil, err
	}
	if len(out) != 2*NumPoints {
		return nil, fmt.Errorf("landmarks: the network gave %d outputs, want %d", len(out), 2*NumPoints)
	}
	// face-api.js's postProcess: scale to input pixels, remove half the
	// padding of the shorter side, divide by the scaled size.
	scale := InputSize / max(h, w)
	sw, sh := w*scale, h*scale
	var padX, padY float64
	if sw < sh {
		padX = (sh - sw) / 2
	}
	if sh < sw {
		padY = (sw - sh) / 2
	}
	pts := make([]Point, NumPoints)
	for i := range pts {
		relX := (float64(out[2*i])*InputSize - padX) / sw
		relY := (float64(out[2*i+1])*InputSize - padY) / sh
		pts[i] = Point{relX * w, relY * h}
	}
	return pts, nil
}

// Params returns the network's parameters, for other implementations of it
// to run; they are shared, and must not be modified.
func (n *Net) Params() *Params { return n.p }

// toInput pads the crop to a centred square (the extra pixel, if any, goes
// after), resizes it to InputSize and normalizes it.
func toInput(face *tensor.Tensor) *tensor.Tensor {
	x := netinput.Square(face, InputSize, true)
	for i := range x.Data {
		x.Data[i] = (x.Data[i] - meanRGB[i%3]) / 255
	}
	return x
}

// forward runs the net on a normalized [112,112,3] input and returns the
// 136 raw outputs (x0, y0, x1, y1, …) relative to the input square.
func (n *Net) forward(x *tensor.Tensor) []float32 {
	p := n.p
	out := denseBlock(x, p.Dense[0], true)
	out = denseBlock(out, p.Dense[1], false)
	out = denseBlock(out, p.Dense[2], false)
	out = denseBlock(out, p.Dense[3], false)
	out = ops.AvgPool2D(out, 7, 7, 2, 2, ops.Valid)
	flat, _ := out.Reshape(out.Len())
	return ops.FullyConnected(flat, p.FC.Weights, p.FC.Bias).Data
}

// denseBlock is face-api.js's denseBlock4 (stride 2 at the first conv):
// each conv sees the ReLU of the sum of all previous outputs.
func denseBlock(x *tensor.Tensor, b DenseBlock, first bool) *tensor.Tensor {
	var out1 *tensor.Tensor
	if first {
		out1 = ops.Conv2D(x, b.Conv0.Filters, b.Conv0.Bias, 2, 2, ops.Same)
	} else {
		out1 = separable(x, b.Sep0, 2)
	}
	ops.ReLU(out1)
	sum := out1.Clone()
	for _, c := range []SeparableConv{b.Conv1, b.Conv2, b.Conv3} {
		// out1 is already non-negative, so the first ReLU changes nothing.
		ops.AddInPlace(sum, separable(ops.ReLU(sum.Clone()), c, 1))
	}
	return ops.ReLU(sum)
}

// separable is tf.separableConv2d (same padding) plus bias.
func separable(x *tensor.Tensor, c SeparableConv, stride int) *tensor.Tensor {
	d := ops.DepthwiseConv2D(x, c.Depthwise, nil, stride, stride, ops.Same)
	return ops.Conv2D(d, c.Pointwise, c.Bias, 1, 1, ops.Same)
}
