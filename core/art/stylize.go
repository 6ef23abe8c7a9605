package art

import (
	"fmt"
	"math/rand/v2"

	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/vgg19"
)

// Options configure a stylization.
type Options struct {
	Cost       CostOptions
	LR         float64 // Adam's learning rate in pixel units (course: 2.0); L-BFGS's first step length
	NoiseRatio float64 // share of noise in the initial image, 0..1 (course: 0.6)
	Seed       uint64  // seed of the initial noise
	// Optimizer is "adam" (the course's; the default when empty) or "lbfgs"
	// (limited-memory BFGS, memory 10, Armijo backtracking; its first step
	// moves the pixels by at most LR).
	Optimizer string
}

// DefaultOptions returns the course's settings: DefaultCostOptions, learning
// rate 2, noise ratio 0.6.
func DefaultOptions() Options {
	return Options{Cost: DefaultCostOptions(), LR: 2, NoiseRatio: 0.6, Seed: 1, Optimizer: "adam"}
}

// Stylizer paints a generated image by Adam or L-BFGS on its pixels, one
// Step at a time, on the CPU.
type Stylizer struct {
	adam  *adamLoop[*tensor.Tensor] // nil with L-BFGS
	obj   *Objective[*tensor.Tensor]
	img   *tensor.Tensor // L-BFGS's image; adam.img with Adam
	lb    *lbfgs         // nil with Adam
	cost  Costs          // L-BFGS: J at img, from the last line search
	grad  []float32
	evals int
}

// NewStylizer prepares J for content and style ([H,W,3] RGB 0..255, same size;
// see FitPair) and the initial image (see InitImage). The images are not kept.
func NewStylizer(net *vgg19.Net, content, style *tensor.Tensor, opts Options) (*Stylizer, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	s := &Stylizer{}
	switch opts.Optimizer {
	case "adam", "":
		a, err := newAdamLoop(net.CPU(), content, style, opts, State{})
		if err != nil {
			return nil, err
		}
		s.adam, s.obj, s.img = a, a.obj, a.img
		return s, nil
	case "lbfgs":
		s.lb = newLBFGS(10, opts.LR)
	default:
		return nil, fmt.Errorf("art: optimizer %q, want adam or lbfgs", opts.Optimizer)
	}
	obj, err := NewObjective(net, content, style, opts.Cost)
	if err != nil {
		return nil, err
	}
	s.obj, s.img = obj, InitImage(content, opts.NoiseRatio, opts.Seed)
	return s, nil
}

// checkOptions checks the options that are not J's (NewObjective checks
// those).
func checkOptions(opts Options) error {
	if !(opts.LR > 0) || !finite(opts.LR) {
		return fmt.Errorf("art: learning rate %v, want > 0", opts.LR)
	}
	if !(opts.NoiseRatio >= 0 && opts.NoiseRatio <= 1) {
		return fmt.Errorf("art: noise ratio %v, want 0..1", opts.NoiseRatio)
	}
	return nil
}

// Step takes one optimiser step on the pixels, keeping them in 0..255, and
// returns the costs at the image it started from. An Adam step evaluates J
// once; an L-BFGS step evaluates it once or more (line search).
func (s *Stylizer) Step() (Costs, error) {
	if s.adam != nil {
		s.evals++
		costs := tensor.New(3)
		if err := s.adam.step(costs, 0); err != nil {
			return Costs{}, err
		}
		return s.obj.costsOf(costs.Data), nil // the CPU ran it already
	}
	if s.grad == nil {
		c, grad, err := s.evaluate(s.img.Data)
		if err != nil {
			return c, err
		}
		s.cost, s.grad = c, grad
	}
	start := s.cost
	var last Costs
	eval := func(x []float32) (float64, []float32, error) {
		c, g, err := s.evaluate(x)
		last = c
		return c.Total, g, err
	}
	x, _, g, err := s.lb.step(s.img.Data, s.cost.Total, s.grad, eval)
	if err != nil {
		return start, err
	}
	copy(s.img.Data, x)
	s.cost, s.grad = last, g
	return start, nil
}

// evaluate returns J and its gradient at the pixels x, counting the call.
func (s *Stylizer) evaluate(x []float32) (Costs, []float32, error) {
	s.evals++
	c, grad, err := s.obj.Evaluate(&tensor.Tensor{Shape: s.img.Shape, Data: x})
	if err != nil {
		return c, nil, err
	}
	return c, grad.Data, nil
}

// Evaluations returns how many times J and its gradient have been computed
// (one forward and one backward pass each): the fair unit for comparing
// optimisers.
func (s *Stylizer) Evaluations() int { return s.evals }

// Image returns the current generated image [H,W,3], RGB 0..255. It belongs
// to the Stylizer and changes with each Step; Clone it to keep it.
func (s *Stylizer) Image() *tensor.Tensor { return s.img }

// InitImage returns the course's starting point, noise·r + content·(1−r)
// with noise uniform in (−20, 20), computed in the network's mean-subtracted
// space and brought back to RGB: r·(mean + U(−20,20)) + (1−r)·content,
// clipped to 0..255. content is not modified.
func InitImage(content *tensor.Tensor, ratio float64, seed uint64) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	g := tensor.New(content.Shape...)
	r := float32(ratio)
	mean := vgg19.MeanRGB()
	for i, v := range content.Data {
		noise := mean[i%3] + 40*rng.Float32() - 20
		g.Data[i] = min(max(r*noise+(1-r)*v, 0), 255)
	}
	return g
}

// FitPair brings a content and a style image ([H,W,3], any sizes and aspect
// ratios) to one working size: the content is resized (bilinear) so that its
// longer side is size, keeping its aspect ratio; the style is scaled,
// keeping its aspect ratio, to the smallest size that covers the content's,
// and centre-cropped to it. Both results are new tensors.
func FitPair(content, style *tensor.Tensor, size int) (c, s *tensor.Tensor, err error) {
	for _, im := range []*tensor.Tensor{content, style} {
		if im.Rank() != 3 || im.Shape[2] != 3 || im.Shape[0] < 1 || im.Shape[1] < 1 {
			return nil, nil, fmt.Errorf("art: image shape %v, want [H,W,3]", im.Shape)
		}
	}
	if size < 1 {
		return nil, nil, fmt.Errorf("art: size %d, want ≥ 1", size)
	}
	h, w := content.Shape[0], content.Shape[1]
	if h >= w {
		h, w = size, max(1, (w*size+h/2)/h)
	} else {
		h, w = max(1, (h*size+w/2)/w), size
	}
	c = ops.ResizeBilinear(content, h, w, false, true)
	sh, sw := style.Shape[0], style.Shape[1]
	// Cover: scale = max(h/sh, w/sw), rounded up so no side falls short.
	ch, cw := h, (sw*h+sh-1)/sh
	if cw < w {
		ch, cw = (sh*w+sw-1)/sw, w
	}
	s = ops.ResizeBilinear(style, ch, cw, false, true)
	return c, crop(s, (ch-h)/2, (cw-w)/2, h, w), nil
}

// crop returns the new [h,w,C] window of x starting at row top, column left.
func crop(x *tensor.Tensor, top, left, h, w int) *tensor.Tensor {
	c := x.Shape[2]
	y := tensor.New(h, w, c)
	for r := range h {
		copy(y.Data[r*w*c:(r+1)*w*c], x.Data[((top+r)*x.Shape[1]+left)*c:])
	}
	return y
}
