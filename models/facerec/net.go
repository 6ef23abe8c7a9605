// Package facerec is face-api.js's face recognition network
// (FaceRecognitionNet): a ResNet-34-like encoder, ported from dlib, that maps
// a 150x150 face chip to a 128-d descriptor. Descriptors of the same person
// lie within Euclidean distance ~0.6 of each other.
//
// Layer and weight names follow face-api.js (src/faceRecognitionNet), and the
// forward pass reproduces FaceRecognitionNet.forwardInput on the tfjs CPU
// backend (face-api.js 1.7.15, tfjs 4.22) to within 1e-4 in descriptor
// distance, 1e-6 measured; testdata/faceapi holds the reference descriptors
// and the script that made them.
package facerec

import (
	"fmt"
	"io/fs"
	"slices"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/netinput"
	"visage/models/weights"
)

const (
	// Size is the side of the square input the network sees.
	Size = 150
	// Dim is the descriptor length.
	Dim = 128
	// MaxSide bounds an input image's sides: Encode pads to a square of the
	// longer side, which must stay a reasonable allocation.
	MaxSide = 4096
	// Manifest is the weights manifest's file name, as face-api.js publishes it.
	Manifest = "face_recognition_model-weights_manifest.json"
)

// The input is normalized as (x - meanRGB) / inputScale. face-api.js 1.7.15
// (the pinned reference, dist and src alike) divides by 255; older versions,
// and justadudewhohacks's original, divided by 256, which moves descriptors
// by about 1.5e-3.
var meanRGB = [3]float32{122.782, 117.001, 104.298}

const inputScale = 255

// Net is a loaded face recognition network: its Runner on the CPU, whose
// methods it has. It is read-only after Load, so one Net may encode from
// several goroutines at once; On runs it on another backend.
type Net struct{ *Runner[*tensor.Tensor] }

// Load reads the weights (Manifest and its shard) from fsys: os.DirFS of
// face-api.js's model directory natively, an in-memory fs.FS in the browser.
// It fails when the files are missing or do not hold this network.
func Load(fsys fs.FS) (*Net, error) {
	w, err := weights.Load(fsys, Manifest)
	if err != nil {
		return nil, err
	}
	folded, err := foldScales(w)
	if err != nil {
		return nil, err
	}
	return &Net{&Runner[*tensor.Tensor]{backend.BindCPU(folded, upload)}}, nil
}

// Runner is the network on one backend: its weights as loaded (folded,
// foldScales) and put there.
type Runner[T any] struct {
	backend.Bound[T, map[string]*tensor.Tensor, *netParams[T]]
}

// On returns n running on b, its weights put there once (backend.Bind).
func On[T any](n *Net, b backend.Backend[T]) *Runner[T] {
	return &Runner[T]{backend.Bind(b, n.Src, upload[T])}
}

// Encode returns the 128-d descriptor of a face image img [H,W,3] (RGB,
// 0..255, any size up to MaxSide), the network on r's backend and the
// preprocessing on the CPU. As in face-api.js, a non-square image is
// zero-padded to a square, centred (the extra pixel of an odd difference goes
// after), and resized bilinearly to Size when it is not Size already. img is
// not modified. It fails when img is not [H,W,3] with sides 1..MaxSide, and
// with the backend's errors (wrapping backend.ErrDeviceLost or
// backend.ErrOutOfMemory when a GPU failed).
func (r *Runner[T]) Encode(img *tensor.Tensor) ([]float32, error) {
	x, err := preprocess(img)
	if err != nil {
		return nil, err
	}
	out, err := backend.Collect(r.B, "facerec", forward(r.B, r.P, r.B.Upload(x), nil))
	if err != nil {
		return nil, err
	}
	return out[0].Data, nil
}

// preprocess returns the network's input for img [H,W,3] (RGB, 0..255, sides
// 1..MaxSide): padded to a centred square and resized to Size as Encode
// describes, then normalized as (x − meanRGB) / inputScale. The result is a
// new [Size,Size,3] tensor owned by the caller; img is not modified. It
// fails when img is not [H,W,3] with sides 1..MaxSide.
func preprocess(img *tensor.Tensor) (*tensor.Tensor, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] < 1 || img.Shape[1] < 1 {
		return nil, fmt.Errorf("facerec: image has shape %v, want [H,W,3] RGB", img.Shape)
	}
	if h, w := img.Shape[0], img.Shape[1]; h > MaxSide || w > MaxSide {
		return nil, fmt.Errorf("facerec: image is %dx%d, want sides at most %d (crop the face first)", w, h, MaxSide)
	}
	return normalize(netinput.Square(img, Size, true)), nil
}

// normalize subtracts meanRGB and divides by inputScale, in place.
func normalize(x *tensor.Tensor) *tensor.Tensor {
	for i := 0; i < len(x.Data); i += 3 {
		for c, m := range meanRGB {
			x.Data[i+c] = (x.Data[i+c] - m) / inputScale
		}
	}
	return x
}

// layers are the blocks Activations exposes, in order, named as their
// weights are: the stem (conv32_down, before its max pool), then each
// residual block, its output after the block's ReLU.
var layers = []string{
	"conv32_down", "conv32_1", "conv32_2", "conv32_3",
	"conv64_down", "conv64_1", "conv64_2", "conv64_3",
	"conv128_down", "conv128_1", "conv128_2",
	"conv256_down", "conv256_1", "conv256_2", "conv256_down_out",
}

// Layers returns the names of the layers Activations exposes, input to
// output. Their activations on a 150×150 input are 72×72×32 (conv32_down),
// 35×35×32 (conv32_*), 17×17×64 (conv64_*), 8×8×128 (conv128_*), 4×4×256
// (conv256_down, conv256_1, conv256_2) and 2×2×256 (conv256_down_out).
func Layers() []string { return slices.Clone(layers) }

// Activations runs the network on img as Encode does and returns the
// post-ReLU activation [H,W,C] of each of the named layers (Layers), in the
// order asked; the tensors are new and the caller's. It fails on an image
// Encode rejects and on an unknown layer name.
func (n *Net) Activations(img *tensor.Tensor, names ...string) ([]*tensor.Tensor, error) {
	for _, name := range names {
		if !slices.Contains(layers, name) {
			return nil, fmt.Errorf("facerec: unknown layer %q (have %v)", name, layers)
		}
	}
	x, err := preprocess(img)
	if err != nil {
		return nil, err
	}
	out := make([]*tensor.Tensor, len(names))
	forward(n.B, n.P, x, func(layer string, act *tensor.Tensor) {
		for i, name := range names {
			if name == layer {
				out[i] = act
			}
		}
	})
	return out, nil
}

// forward runs the network on b from a normalized [150,150,3] input x
// (FaceRecognitionNet.forwardInput), which it releases, to the [128]
// descriptor, handing each layer's output to see as it is made: see must
// not modify it, nor keep it on a backend that recycles memory (the CPU
// does not).
func forward[T any](b backend.Backend[T], p *netParams[T], x T, see func(layer string, act T)) T {
	block := func(name string, act T) T {
		if see != nil {
			see(name, act)
		}
		return act
	}
	out := block("conv32_down", then(b, x, convDown(b, x, p.conv32Down)))
	out = then(b, out, b.MaxPool2D(out, 3, 3, 2, 2, ops.Valid))

	out = block("conv32_1", residual(b, out, p.conv32_1))
	out = block("conv32_2", residual(b, out, p.conv32_2))
	out = block("conv32_3", residual(b, out, p.conv32_3))

	out = block("conv64_down", residualDown(b, out, p.conv64Down))
	out = block("conv64_1", residual(b, out, p.conv64_1))
	out = block("conv64_2", residual(b, out, p.conv64_2))
	out = block("conv64_3", residual(b, out, p.conv64_3))

	out = block("conv128_down", residualDown(b, out, p.conv128Down))
	out = block("conv128_1", residual(b, out, p.conv128_1))
	out = block("conv128_2", residual(b, out, p.conv128_2))

	out = block("conv256_down", residualDown(b, out, p.conv256Down))
	out = block("conv256_1", residual(b, out, p.conv256_1))
	out = block("conv256_2", residual(b, out, p.conv256_2))
	out = block("conv256_down_out", residualDown(b, out, p.conv256DownOut))

	shape := b.Shape(out)
	globalAvg := then(b, out, b.AvgPool2D(out, shape[0], shape[1], 1, 1, ops.Valid))
	globalAvg = b.Reshape(globalAvg, shape[2])
	var noBias T
	return then(b, globalAvg, b.FullyConnected(globalAvg, p.fc, noBias))
}
