// Package landmarks is face-api.js's 68-point face landmark network
// (face_landmark_68_model): four dense blocks of depthwise separable
// convolutions on a 112x112 face crop, then one fully connected layer to 68
// (x, y) pairs. Its forward pass is written once, on the kernels of
// visage/core/backend: Net runs it on the CPU, On on any other backend
// (the browser's GPU).
package landmarks

import (
	"fmt"
	"io/fs"

	"visage/core/backend"
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
	X float64 `json:"x" js:"x"`
	Y float64 `json:"y" js:"y"`
}

// Net is a loaded landmark network: its Runner on the CPU, whose methods
// it has. It is read-only after Load and safe for concurrent use; On runs
// it on another backend.
type Net struct{ *Runner[*tensor.Tensor] }

// Load reads the landmark network's manifest and shard from fsys. It fails
// when the files are missing or do not hold this network.
func Load(fsys fs.FS) (*Net, error) {
	m, err := weights.Load(fsys, Manifest)
	if err != nil {
		return nil, err
	}
	if err := checkWeights(m); err != nil {
		return nil, err
	}
	return &Net{&Runner[*tensor.Tensor]{backend.BindCPU(m, upload)}}, nil
}

// Runner is the network on one backend: its weights as loaded (checked by
// checkWeights) and put there.
type Runner[T any] struct {
	backend.Bound[T, map[string]*tensor.Tensor, *netParams[T]]
}

// On returns n running on b, its weights put there once (backend.Bind).
func On[T any](n *Net, b backend.Backend[T]) *Runner[T] {
	return &Runner[T]{backend.Bind(b, n.Src, upload[T])}
}

// Detect returns the 68 landmarks of the face crop face ([H,W,3] RGB,
// 0..255), in face's pixel coordinates, as face-api.js's detectLandmarks:
// the crop is padded to a centred square, resized to 112x112 and the output
// mapped back, undoing the padding. The preprocessing and the mapping back
// run on the CPU, the network on r's backend, with one read of its
// outputs. It fails when face is not [H,W,3] with both sides non-zero, and
// with the backend's errors (wrapping backend.ErrDeviceLost or
// backend.ErrOutOfMemory when a GPU failed).
func (r *Runner[T]) Detect(face *tensor.Tensor) ([]Point, error) {
	return detect(face, func(x *tensor.Tensor) ([]float32, error) {
		out, err := backend.Collect(r.B, "landmarks", forward(r.B, r.P, r.B.Upload(x)))
		if err != nil {
			return nil, err
		}
		return out[0].Data, nil
	})
}

// detect is Detect with pass, given the normalized [InputSize,InputSize,3]
// crop, returning the network's 2·NumPoints raw outputs (x0, y0, x1, y1,
// …) relative to the input square. It errors on a malformed crop, on
// pass's error, and on an output of the wrong length.
func detect(face *tensor.Tensor, pass func(x *tensor.Tensor) ([]float32, error)) ([]Point, error) {
	if face.Rank() != 3 || face.Shape[2] != 3 || face.Shape[0] == 0 || face.Shape[1] == 0 {
		return nil, fmt.Errorf("landmarks: expected a face crop of shape [H,W,3], found %v", face.Shape)
	}
	h, w := float64(face.Shape[0]), float64(face.Shape[1])
	out, err := pass(toInput(face))
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

// toInput pads the crop to a centred square (the extra pixel, if any, goes
// after), resizes it to InputSize and normalizes it.
func toInput(face *tensor.Tensor) *tensor.Tensor {
	x := netinput.Square(face, InputSize, true)
	for i := range x.Data {
		x.Data[i] = (x.Data[i] - meanRGB[i%3]) / 255
	}
	return x
}

// forward runs the network on b from a normalized [112,112,3] input x,
// which it releases, to the 136 raw outputs (x0, y0, x1, y1, …) relative
// to the input square (face-api.js's FaceLandmark68Net.runNet).
func forward[T any](b backend.Backend[T], p *netParams[T], x T) T {
	out := then(b, x, denseBlock(b, x, p.dense[0], true))
	out = then(b, out, denseBlock(b, out, p.dense[1], false))
	out = then(b, out, denseBlock(b, out, p.dense[2], false))
	out = then(b, out, denseBlock(b, out, p.dense[3], false))
	out = then(b, out, b.AvgPool2D(out, 7, 7, 2, 2, ops.Valid))
	out = b.Reshape(out, tensor.Size(b.Shape(out)))
	return then(b, out, b.FullyConnected(out, p.fc, p.fcBias))
}

// denseBlock is face-api.js's denseBlock4 (stride 2 at the first conv,
// plain in the first block and separable in the others): each conv sees
// the ReLU of the sum of all previous outputs. It returns the ReLU of the
// sum of all four, a new tensor; x is left alone.
func denseBlock[T any](b backend.Backend[T], x T, p denseBlockParams[T], first bool) T {
	var sum T
	if first {
		sum = b.Conv2DFused(x, p[0].filters, p[0].bias, 2, 2, ops.Same, backend.Epilogue[T]{ReLU: true})
	} else {
		sum = separable(b, x, p[0], 2, true)
	}
	for i, c := range p[1:] {
		var out T
		if i == 0 { // sum is the first conv's ReLU: its own ReLU
			out = separable(b, sum, c, 1, false)
		} else {
			in := b.ReLUCopy(sum)
			out = then(b, in, separable(b, in, c, 1, false))
		}
		next := b.Add(sum, out)
		b.Release(sum)
		b.Release(out)
		sum = next
	}
	return b.ReLU(sum)
}

// separable is tf.separableConv2d (same padding) plus bias, then a ReLU
// when relu: a new tensor, x left alone.
func separable[T any](b backend.Backend[T], x T, c convParams[T], stride int, relu bool) T {
	var noBias T
	d := b.DepthwiseConv2DFused(x, c.depthwise, noBias, stride, stride, ops.Same, backend.Epilogue[T]{})
	return then(b, d, b.Conv2DFused(d, c.filters, c.bias, 1, 1, ops.Same, backend.Epilogue[T]{ReLU: relu}))
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed.
func then[T any](b backend.Backend[T], done, next T) T {
	b.Release(done)
	return next
}
