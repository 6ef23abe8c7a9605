//go:build js && wasm

package nstgpu

import (
	"fmt"
	"math"

	"visage/core/art"
	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/learn"
	"visage/core/tensor"
)

// Stylizer is art.Stylizer on the GPU: the generated image, its Adam
// moments and the objective stay on the device, a Step is one queue
// submission, and nothing is read back until Image.
type Stylizer struct {
	obj  *Objective
	adam backend.Adam
	img  *webgpu.Buffer // [H,W,3] RGB 0..255
	m, v *webgpu.Buffer
	t    int
}

// NewStylizer is art.NewStylizer on n's device: it prepares J for content
// and style ([H,W,3] RGB 0..255, same size; not kept) and starts from
// art.InitImage(content, opts.NoiseRatio, opts.Seed). Options are checked
// as art checks them.
func NewStylizer(n *Net, content, style *tensor.Tensor, opts art.Options) (*Stylizer, error) {
	if !(opts.LR > 0) || math.IsInf(opts.LR, 1) {
		return nil, fmt.Errorf("nstgpu: learning rate %v, want > 0", opts.LR)
	}
	if !(opts.NoiseRatio >= 0 && opts.NoiseRatio <= 1) {
		return nil, fmt.Errorf("nstgpu: noise ratio %v, want 0..1", opts.NoiseRatio)
	}
	obj, err := NewObjective(n, content, style, opts.Cost)
	if err != nil {
		return nil, err
	}
	cpu := learn.NewAdam(opts.LR) // for its defaults
	d := n.d
	return &Stylizer{
		obj:  obj,
		adam: backend.Adam{LR: cpu.LR, Beta1: cpu.Beta1, Beta2: cpu.Beta2, Epsilon: cpu.Epsilon},
		img:  d.Upload(art.InitImage(content, opts.NoiseRatio, opts.Seed)),
		m:    d.NewBuffer(content.Shape...),
		v:    d.NewBuffer(content.Shape...),
	}, nil
}

// Step takes one Adam step on the image's pixels against J's gradient and
// clips them to 0..255, as art.Stylizer.Step does, and submits it. It
// returns the GPU's errors (see webgpu.Device.Flush); Costs reads the
// costs before the step.
func (s *Stylizer) Step() error {
	d := s.obj.n.d
	grad, err := s.obj.Gradient(s.img)
	if err != nil {
		return err
	}
	s.t++
	d.AdamStep(s.adam, s.img, grad, s.m, s.v, s.t)
	grad.Release()
	d.Clamp(s.img, 0, 255)
	return d.Flush()
}

// State is a run's progress, as art.Stylizer.Resume takes it to go on on
// the CPU.
type State struct {
	Image *tensor.Tensor // [H,W,3] RGB 0..255, the generated image
	M, V  *tensor.Tensor // Adam's moments, shaped like Image
	Steps int            // Adam steps taken
}

// Steps takes n Adam steps (as Step) in one queue submission and reads
// back, in one read-back, the costs before each step and the run's state
// after them. It returns the GPU's errors.
func (s *Stylizer) Steps(n int) ([]art.Costs, State, error) {
	if n < 1 {
		return nil, State{}, fmt.Errorf("nstgpu: %d steps, want ≥ 1", n)
	}
	d := s.obj.n.d
	history := d.NewBuffer(n, 3)
	defer history.Release()
	for i := range n {
		grad, err := s.obj.Gradient(s.img)
		if err != nil {
			return nil, State{}, err
		}
		s.t++
		d.AdamStep(s.adam, s.img, grad, s.m, s.v, s.t)
		grad.Release()
		d.Clamp(s.img, 0, 255)
		d.CopyInto(history, 3*i, s.obj.costs)
	}
	t, err := d.ReadAll(history, s.img, s.m, s.v)
	if err != nil {
		return nil, State{}, err
	}
	costs := make([]art.Costs, n)
	for i := range costs {
		costs[i] = s.obj.costsOf(t[0].Data[3*i:])
	}
	return costs, State{Image: t[1], M: t[2], V: t[3], Steps: s.t}, nil
}

// Costs reads back the costs at the image before the last Step, as
// art.Stylizer.Step returns them.
func (s *Stylizer) Costs() (art.Costs, error) { return s.obj.Costs() }

// Image reads the current generated image back: a new [H,W,3] tensor, RGB
// 0..255.
func (s *Stylizer) Image() (*tensor.Tensor, error) { return s.obj.n.d.Read(s.img) }

// Release frees the stylizer's GPU memory (not the network's).
func (s *Stylizer) Release() {
	s.obj.Release()
	s.img.Release()
	s.m.Release()
	s.v.Release()
}
