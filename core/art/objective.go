package art

import (
	"fmt"

	"visage/core/tensor"
	"visage/models/vgg19"
)

// StyleLayer is a VGG-19 layer whose Gram matrix the generated image must
// match, and its weight λ_l in J_style.
type StyleLayer struct {
	Name   string
	Weight float64
}

// CostOptions chooses the layers and weights of the total cost
//
//	J(G) = α·J_content(C,G) + β·J_style(S,G) + γ·J_TV(G),
//	J_style = Σ_l λ_l · J_style^[l](S,G).
type CostOptions struct {
	ContentLayer string       // layer of J_content; the course uses conv4_2
	StyleLayers  []StyleLayer // layers and λ_l of J_style
	Alpha        float64      // α, weight of the content cost
	Beta         float64      // β, weight of the style cost
	TV           float64      // γ, weight of the total-variation cost (0: off)
}

// DefaultCostOptions returns the course's choices: content on conv4_2, style
// on conv1_1, conv2_1, conv3_1, conv4_1, conv5_1 with λ = 0.2 each, α = 10,
// β = 40, no total variation.
func DefaultCostOptions() CostOptions {
	var style []StyleLayer
	for _, l := range []string{"conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"} {
		style = append(style, StyleLayer{l, 0.2})
	}
	return CostOptions{ContentLayer: "conv4_2", StyleLayers: style, Alpha: 10, Beta: 40}
}

// Costs are the terms of J at one generated image (unweighted) and the
// weighted total.
type Costs struct {
	Content float64 `json:"content"`
	Style   float64 `json:"style"`
	TV      float64 `json:"tv"`
	Total   float64 `json:"total"`
}

// Objective is J for one content and one style image: it holds the content
// image's activation and the style image's Gram matrices, computed once.
type Objective struct {
	net    *vgg19.Net
	opts   CostOptions
	layers []string // every layer J reads
	shape  []int    // [H,W,3] of the images
	aC     *tensor.Tensor
	gS     map[string]*tensor.Tensor
}

// NewObjective runs the network on content and style, [H,W,3] RGB 0..255 of
// the same size (see FitPair), and returns J for opts. Neither image is kept.
// Unknown layers, bad weights or different sizes are errors.
func NewObjective(net *vgg19.Net, content, style *tensor.Tensor, opts CostOptions) (*Objective, error) {
	if !tensor.SameShape(content, style) {
		return nil, fmt.Errorf("art: content %v and style %v must have the same size (see FitPair)", content.Shape, style.Shape)
	}
	if !finite(opts.Alpha) || !finite(opts.Beta) || !finite(opts.TV) || opts.Alpha < 0 || opts.Beta < 0 || opts.TV < 0 {
		return nil, fmt.Errorf("art: weights α=%v β=%v γ=%v, want finite and ≥ 0", opts.Alpha, opts.Beta, opts.TV)
	}
	o := &Objective{net: net, opts: opts, shape: content.Shape, gS: map[string]*tensor.Tensor{}}
	o.layers = append(o.layers, opts.ContentLayer)
	for _, l := range opts.StyleLayers {
		if !finite(l.Weight) || l.Weight < 0 {
			return nil, fmt.Errorf("art: style layer %s weight %v, want finite and ≥ 0", l.Name, l.Weight)
		}
		o.layers = append(o.layers, l.Name)
	}
	pc, err := net.Forward(content, opts.ContentLayer)
	if err != nil {
		return nil, err
	}
	o.aC = pc.Activation(opts.ContentLayer)
	if len(opts.StyleLayers) > 0 {
		names := make([]string, len(opts.StyleLayers))
		for i, l := range opts.StyleLayers {
			names[i] = l.Name
		}
		ps, err := net.Forward(style, names...)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			o.gS[n] = Gram(ps.Activation(n))
		}
	}
	return o, nil
}

// Evaluate returns the costs at the generated image g ([H,W,3] RGB 0..255, the
// objective's size; not modified) and the gradient of J with respect to g's
// pixels, a new tensor.
func (o *Objective) Evaluate(g *tensor.Tensor) (Costs, *tensor.Tensor, error) {
	var c Costs
	if !tensor.SameShape(g, &tensor.Tensor{Shape: o.shape}) {
		return c, nil, fmt.Errorf("art: generated image %v, want %v", g.Shape, o.shape)
	}
	pass, err := o.net.Forward(g, o.layers...)
	if err != nil {
		return c, nil, err
	}
	grads := map[string]*tensor.Tensor{}
	// addGrad adds w·d to the gradient on layer's activation.
	addGrad := func(layer string, w float64, d *tensor.Tensor) {
		for i := range d.Data {
			d.Data[i] *= float32(w)
		}
		if prev := grads[layer]; prev != nil {
			for i, v := range d.Data {
				prev.Data[i] += v
			}
			return
		}
		grads[layer] = d
	}
	jc, dC, err := ContentCost(o.aC, pass.Activation(o.opts.ContentLayer))
	if err != nil {
		return c, nil, err
	}
	c.Content = jc
	addGrad(o.opts.ContentLayer, o.opts.Alpha, dC)
	for _, l := range o.opts.StyleLayers {
		js, dS, err := StyleLayerCost(o.gS[l.Name], pass.Activation(l.Name))
		if err != nil {
			return c, nil, err
		}
		c.Style += l.Weight * js
		addGrad(l.Name, o.opts.Beta*l.Weight, dS)
	}
	grad, err := pass.Backward(grads)
	if err != nil {
		return c, nil, err
	}
	c.Total = o.opts.Alpha*c.Content + o.opts.Beta*c.Style
	if o.opts.TV > 0 {
		tv, dTV := TotalVariation(g)
		c.TV = tv
		c.Total += o.opts.TV * tv
		for i, v := range dTV.Data {
			grad.Data[i] += float32(o.opts.TV) * v
		}
	}
	return c, grad, nil
}
