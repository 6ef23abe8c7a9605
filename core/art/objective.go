package art

import (
	"fmt"
	"slices"

	"visage/core/backend"
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
	Content float64 `json:"content" js:"content"`
	Style   float64 `json:"style" js:"style"`
	TV      float64 `json:"tv" js:"tv"`
	Total   float64 `json:"total" js:"total"`
}

// Objective is J for one content and one style image on one backend: it
// holds the content image's activation and the style image's Gram
// matrices there, computed once.
type Objective[T any] struct {
	r      *vgg19.Runner[T]
	b      backend.Differentiable[T]
	opts   CostOptions
	layers []string // every layer J reads
	shape  []int    // [H,W,3] of the images
	aC     T
	gS     []T // of opts.StyleLayers
}

// NewObjective is ObjectiveOn the CPU: J for content and style with net.
func NewObjective(net *vgg19.Net, content, style *tensor.Tensor, opts CostOptions) (*Objective[*tensor.Tensor], error) {
	return ObjectiveOn(net.CPU(), content, style, opts)
}

// ObjectiveOn runs the network r on content and style, [H,W,3] RGB 0..255
// of the same size (see FitPair), and returns J for opts on r's backend.
// Neither image is kept. Unknown layers, bad weights or different sizes
// are errors; a GPU's errors surface at the first read.
func ObjectiveOn[T any](r *vgg19.Runner[T], content, style *tensor.Tensor, opts CostOptions) (*Objective[T], error) {
	if !tensor.SameShape(content, style) {
		return nil, fmt.Errorf("art: content %v and style %v must have the same size (see FitPair)", content.Shape, style.Shape)
	}
	if !finite(opts.Alpha) || !finite(opts.Beta) || !finite(opts.TV) || opts.Alpha < 0 || opts.Beta < 0 || opts.TV < 0 {
		return nil, fmt.Errorf("art: weights α=%v β=%v γ=%v, want finite and ≥ 0", opts.Alpha, opts.Beta, opts.TV)
	}
	b := r.Backend()
	o := &Objective[T]{r: r, b: b, opts: opts, shape: content.Shape}
	o.layers = append(o.layers, opts.ContentLayer)
	for _, l := range opts.StyleLayers {
		if !finite(l.Weight) || l.Weight < 0 {
			return nil, fmt.Errorf("art: style layer %s weight %v, want finite and ≥ 0", l.Name, l.Weight)
		}
		o.layers = append(o.layers, l.Name)
	}
	c := b.Upload(content)
	pc, err := r.Forward(c, opts.ContentLayer)
	b.Release(c)
	if err != nil {
		return nil, err
	}
	o.aC = pc.Take(opts.ContentLayer)
	pc.Release()
	if len(opts.StyleLayers) > 0 {
		s := b.Upload(style)
		ps, err := r.Forward(s, o.layers[1:]...)
		b.Release(s)
		if err != nil {
			o.Release()
			return nil, err
		}
		for _, l := range opts.StyleLayers {
			o.gS = append(o.gS, b.Gram(ps.Activation(l.Name), 1))
		}
		ps.Release()
	}
	return o, nil
}

// Release hands back the objective's tensors on its backend (not the
// network's); o must not be used afterwards.
func (o *Objective[T]) Release() {
	o.b.Release(o.aC)
	for _, g := range o.gS {
		o.b.Release(g)
	}
}

// Evaluate returns the costs at the generated image g ([H,W,3] RGB 0..255
// on o's backend, the objective's size; not modified) and the gradient of
// J with respect to g's pixels, read back as a new tensor: one read of the
// backend. It also fails with the backend's errors.
func (o *Objective[T]) Evaluate(g T) (Costs, *tensor.Tensor, error) {
	costs := o.b.NewTensor(3)
	defer o.b.Release(costs)
	grad, err := o.gradient(g, costs, 0)
	if err != nil {
		return Costs{}, nil, err
	}
	out, err := o.b.ReadAll(costs, grad)
	o.b.Release(grad)
	if err != nil {
		return Costs{}, nil, fmt.Errorf("art: %w", err)
	}
	return o.costsOf(out[0].Data), out[1], nil
}

// gradient records the gradient of J with respect to the pixels of g (as
// Evaluate) and returns it, a new tensor; it sets out[at], out[at+1] and
// out[at+2] to J_content, J_style (= Σ λ_l·J_style^[l]) and J_TV at g, each
// written only when its weight is used (out starts as zeros).
func (o *Objective[T]) gradient(g, out T, at int) (T, error) {
	b := o.b
	var none T
	if shape := b.Shape(g); !slices.Equal(shape, o.shape) {
		return none, fmt.Errorf("art: generated image %v, want %v", shape, o.shape)
	}
	p, err := o.r.Forward(g, o.layers...)
	if err != nil {
		return none, err
	}
	defer p.Release()
	grads := map[string]T{}
	add := func(layer string, d T) { // to the gradient on layer's activation
		if prev, ok := grads[layer]; ok {
			d = then(b, prev, then(b, d, b.Add(prev, d)))
		}
		grads[layer] = d
	}
	// J_content = norm·Σ(aG − aC)², norm = 1/(4·nH·nW·nC), and its
	// gradient α·2·norm·(aG − aC), as ContentCost.
	aG := p.Activation(o.opts.ContentLayer)
	norm := 1 / (4 * float64(tensor.Size(b.Shape(aG))))
	b.SumSquaredDiff(aG, o.aC, float32(norm), out, at, false)
	add(o.opts.ContentLayer, b.ScaledDiff(aG, o.aC, float32(o.opts.Alpha*2*norm)))
	// J_style^[l] = k·Σ(G_G − G_S)², k = 1/(4·nC²·(nH·nW)²), and its
	// gradient β·λ·4k·aG·(G_G − G_S), as StyleLayerCost.
	for i, l := range o.opts.StyleLayers {
		a := p.Activation(l.Name)
		shape := b.Shape(a)
		nC, m := float64(shape[2]), float64(shape[0]*shape[1])
		k := 1 / (4 * nC * nC * m * m)
		gram := b.Gram(a, 1)
		b.SumSquaredDiff(gram, o.gS[i], float32(l.Weight*k), out, at+1, i > 0)
		diff := then(b, gram, b.ScaledDiff(gram, o.gS[i], float32(o.opts.Beta*l.Weight*4*k)))
		flat := b.Reshape(a, shape[0]*shape[1], shape[2])
		d := then(b, diff, b.MatMul(flat, diff))
		b.Reshape(flat, shape...) // a WebGPU buffer's Reshape reshapes a itself
		add(l.Name, b.Reshape(d, shape...))
	}
	grad, err := p.Backward(grads)
	if err != nil {
		return none, err
	}
	// J_TV = Σ squared neighbour differences / (H·W·C), as TotalVariation,
	// its gradient added with weight γ.
	if o.opts.TV > 0 {
		norm := 1 / float64(tensor.Size(o.shape))
		b.TotalVariation(g, float32(norm), out, at+2, false)
		b.AddTotalVariationGrad(g, grad, float32(o.opts.TV*norm))
	}
	return grad, nil
}

// costsOf turns the values J_content, J_style, J_TV that gradient wrote
// into Costs, with the total J.
func (o *Objective[T]) costsOf(v []float32) Costs {
	c := Costs{Content: float64(v[0]), Style: float64(v[1]), TV: float64(v[2])}
	c.Total = o.opts.Alpha*c.Content + o.opts.Beta*c.Style + o.opts.TV*c.TV
	return c
}

// then releases done on b and returns next: for chaining kernels whose
// input is no longer needed. Go evaluates next before the call.
func then[T any](b backend.Backend[T], done, next T) T {
	b.Release(done)
	return next
}
