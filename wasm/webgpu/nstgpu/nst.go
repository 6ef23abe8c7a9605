//go:build js && wasm

// Package nstgpu evaluates the gradient of visage/core/art's neural style
// transfer objective on a WebGPU device: VGG-19's forward pass (as
// models/vgg19), the content and style cost gradients (as core/art) and
// the backward pass to the pixels, recorded as one batch, so that a
// Stylizer step is one queue submission with no read-back until the caller
// asks for the image or the costs.
//
// The layers mirror models/vgg19 and the costs core/art, name for name;
// e2e/webgpu_test.go checks the gradient against art.Objective.Evaluate.
package nstgpu

import (
	"fmt"
	"math"
	"strings"

	"visage/core/art"
	"visage/core/backend/webgpu"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/vgg19"
)

// conv is one 3×3 (any odd size), stride-1, Same convolution plus ReLU.
type conv struct {
	name         string
	kernel, bias *webgpu.Buffer
}

// Net is VGG-19 up to conv5_1 with its weights on one Device.
type Net struct {
	d     *webgpu.Device
	convs []conv
	// Pool is the pooling between blocks, as vgg19.Net.Pool; every pass
	// reads it.
	Pool vgg19.Pooling
	// toBGR is a 1×1 convolution that reverses the channels and, with
	// toBGRBias, subtracts the mean: exactly vgg19's RGB → BGR − mean.
	toBGR, toBGRBias *webgpu.Buffer
}

// FromWeights uploads weights named as vgg19.FromWeights takes them
// ("conv1_1/kernel", "conv1_1/bias", … up to conv5_1) and returns the
// network with the given pooling between blocks. It fails as
// vgg19.FromWeights does on missing or misshapen weights.
func FromWeights(d *webgpu.Device, w map[string]*tensor.Tensor, pool vgg19.Pooling) (*Net, error) {
	if _, err := vgg19.FromWeights(w); err != nil { // the CPU network's checks are the contract
		return nil, err
	}
	perm, bias := tensor.New(1, 1, 3, 3), tensor.New(3)
	mean := vgg19.MeanRGB()
	for c := range 3 {
		perm.Data[(2-c)*3+c] = 1 // BGR channel c is RGB channel 2−c
		bias.Data[c] = -mean[2-c]
	}
	n := &Net{d: d, Pool: pool, toBGR: d.Upload(perm), toBGRBias: d.Upload(bias)}
	for _, name := range vgg19.Layers() {
		// Upload, not UploadWeights: the gradient at F16 was measured 1.1e-2
		// (max pooling) to 0.18 (the content cost alone, whose small
		// gradients underflow float16) from the CPU's, so VGG-19 stays f32.
		n.convs = append(n.convs, conv{name, d.Upload(w[name+"/kernel"]), d.Upload(w[name+"/bias"])})
	}
	return n, nil
}

// FromNet uploads the weights of net (vgg19.Load's real VGG-19, or any
// vgg19.FromWeights network) and returns it on d with net's pooling.
func FromNet(d *webgpu.Device, net *vgg19.Net) (*Net, error) {
	return FromWeights(d, net.Weights(), net.Pool)
}

// Release frees the network's GPU memory; n must not be used afterwards.
func (n *Net) Release() {
	n.toBGR.Release()
	n.toBGRBias.Release()
	for _, c := range n.convs {
		c.kernel.Release()
		c.bias.Release()
	}
	n.d.Trim()
}

// poolsBefore reports whether a pooling layer precedes the named conv
// layer: the first of every block but the first.
func poolsBefore(name string) bool { return strings.HasSuffix(name, "_1") && name != "conv1_1" }

// pass holds one forward pass: the BGR input and every post-ReLU
// activation up to the deepest layer asked for.
type pass struct {
	n    *Net
	in   *webgpu.Buffer
	acts []*webgpu.Buffer
}

// forward records the network on img [H,W,3] (RGB 0..255, on the GPU; not
// modified) up to the deepest of layers, which must be known.
func (n *Net) forward(img *webgpu.Buffer, layers []string) (*pass, error) {
	last := -1
	for _, l := range layers {
		i := indexOf(n.convs, l)
		if i < 0 {
			return nil, fmt.Errorf("nstgpu: unknown layer %q (have %v)", l, vgg19.Layers())
		}
		last = max(last, i)
	}
	d := n.d
	p := &pass{n: n, in: d.Conv2D(img, n.toBGR, n.toBGRBias, 1, 1, ops.Valid)}
	x := p.in
	relu := webgpu.Epilogue{ReLU: true}
	for _, c := range n.convs[:last+1] {
		if poolsBefore(c.name) {
			pooled := n.poolForward(x)
			x = d.Conv2DFused(pooled, c.kernel, c.bias, 1, 1, ops.Same, relu)
			pooled.Release()
		} else {
			x = d.Conv2DFused(x, c.kernel, c.bias, 1, 1, ops.Same, relu)
		}
		p.acts = append(p.acts, x)
	}
	return p, nil
}

// poolForward and poolBackward are the 2×2, stride-2, Same pooling between
// blocks and its data gradient (x: the pooling's input).
func (n *Net) poolForward(x *webgpu.Buffer) *webgpu.Buffer {
	if n.Pool == vgg19.MaxPool {
		return n.d.MaxPool2D(x, 2, 2, 2, 2, ops.Same)
	}
	return n.d.AvgPool2D(x, 2, 2, 2, 2, ops.Same)
}

func (n *Net) poolBackward(dy, x *webgpu.Buffer) *webgpu.Buffer {
	if n.Pool == vgg19.MaxPool {
		return n.d.MaxPool2DBackward(dy, x, 2, 2, 2, 2, ops.Same)
	}
	return n.d.AvgPool2DBackward(dy, x.Shape, 2, 2, 2, 2, ops.Same)
}

func indexOf(convs []conv, name string) int {
	for i, c := range convs {
		if c.name == name {
			return i
		}
	}
	return -1
}

func (p *pass) activation(name string) *webgpu.Buffer { return p.acts[indexOf(p.n.convs, name)] }

// take hands the named activation over to the caller, who releases it.
func (p *pass) take(name string) *webgpu.Buffer {
	i := indexOf(p.n.convs, name)
	a := p.acts[i]
	p.acts[i] = nil
	return a
}

func (p *pass) release() {
	p.in.Release()
	for _, a := range p.acts {
		if a != nil {
			a.Release()
		}
	}
}

// backward records the gradient with respect to the RGB input of a scalar
// whose gradients on some activations are grads (layer → buffer shaped
// like it; consumed), as vgg19.Pass.Backward. It returns a new buffer.
func (p *pass) backward(grads map[string]*webgpu.Buffer) *webgpu.Buffer {
	d := p.n.d
	var g *webgpu.Buffer
	for i := len(p.acts) - 1; i >= 0; i-- {
		c := p.n.convs[i]
		if dg := grads[c.name]; dg != nil {
			if g == nil {
				g = dg
			} else {
				sum := d.Add(g, dg)
				g.Release()
				dg.Release()
				g = sum
			}
		}
		if g == nil {
			continue
		}
		g = then(g, d.ReLUBackward(g, p.acts[i]))
		in := p.in
		if i > 0 {
			in = p.acts[i-1]
		}
		inShape := in.Shape
		if poolsBefore(c.name) {
			inShape = []int{p.acts[i].Shape[0], p.acts[i].Shape[1], in.Shape[2]}
		}
		g = then(g, d.ConvBackwardInput(g, c.kernel, inShape, 1, 1, ops.Same))
		if poolsBefore(c.name) {
			g = then(g, p.n.poolBackward(g, in))
		}
	}
	if g == nil {
		return d.NewBuffer(p.in.Shape...)
	}
	return then(g, d.ConvBackwardInput(g, p.n.toBGR, p.in.Shape, 1, 1, ops.Valid))
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed. Go evaluates next before the call.
func then(done, next *webgpu.Buffer) *webgpu.Buffer {
	done.Release()
	return next
}

// Objective is art's J for one content and one style image on the GPU: it
// holds the content activation and the style Gram matrices, computed once.
type Objective struct {
	n      *Net
	opts   art.CostOptions
	layers []string
	shape  []int
	aC     *webgpu.Buffer
	gS     map[string]*webgpu.Buffer
	// costs holds J_content, J_style (= Σ λ_l·J_style^[l]) and J_TV at the
	// image of the last Gradient.
	costs *webgpu.Buffer
}

// NewObjective is art.NewObjective on the GPU: content and style are [H,W,3]
// RGB 0..255 of one size (not kept); opts are checked as art checks them.
func NewObjective(n *Net, content, style *tensor.Tensor, opts art.CostOptions) (*Objective, error) {
	if content.Rank() != 3 || content.Shape[2] != 3 || content.Len() == 0 {
		return nil, fmt.Errorf("nstgpu: content image shape %v, want [H,W,3] with H,W ≥ 1", content.Shape)
	}
	if !tensor.SameShape(content, style) {
		return nil, fmt.Errorf("nstgpu: content %v and style %v must have the same size (see art.FitPair)", content.Shape, style.Shape)
	}
	if px := content.Shape[0] * content.Shape[1]; px > n.d.MaxRows() {
		return nil, fmt.Errorf("nstgpu: a %dx%d image has %d pixels, more than the %d this GPU convolves at once; use a smaller size", content.Shape[1], content.Shape[0], px, n.d.MaxRows())
	}
	if !(opts.Alpha >= 0 && opts.Beta >= 0 && opts.TV >= 0) || math.IsInf(opts.Alpha+opts.Beta+opts.TV, 0) {
		return nil, fmt.Errorf("nstgpu: weights α=%v β=%v γ=%v, want finite and ≥ 0", opts.Alpha, opts.Beta, opts.TV)
	}
	o := &Objective{n: n, opts: opts, shape: content.Shape, gS: map[string]*webgpu.Buffer{}, costs: n.d.NewBuffer(3)}
	o.layers = append(o.layers, opts.ContentLayer)
	for _, l := range opts.StyleLayers {
		if !(l.Weight >= 0) {
			return nil, fmt.Errorf("nstgpu: style layer %s weight %v, want ≥ 0", l.Name, l.Weight)
		}
		o.layers = append(o.layers, l.Name)
	}
	d := n.d
	c, s := d.Upload(content), d.Upload(style)
	defer c.Release()
	defer s.Release()
	pc, err := n.forward(c, []string{opts.ContentLayer})
	if err != nil {
		return nil, err
	}
	o.aC = pc.take(opts.ContentLayer)
	pc.release()
	if len(opts.StyleLayers) > 0 {
		names := make([]string, len(opts.StyleLayers))
		for i, l := range opts.StyleLayers {
			names[i] = l.Name
		}
		ps, err := n.forward(s, names)
		if err != nil {
			o.Release()
			return nil, err
		}
		for _, name := range names {
			if o.gS[name] == nil {
				o.gS[name] = d.Gram(ps.activation(name), 1)
			}
		}
		ps.release()
	}
	return o, nil
}

// Release frees the objective's GPU memory.
func (o *Objective) Release() {
	o.costs.Release()
	o.aC.Release()
	for _, g := range o.gS {
		g.Release()
	}
}

// Gradient records the gradient of J with respect to the pixels of g
// ([H,W,3] RGB 0..255 on the GPU, the objective's size; not modified), as
// art.Objective.Evaluate computes it, and returns it as a new buffer.
func (o *Objective) Gradient(g *webgpu.Buffer) (*webgpu.Buffer, error) {
	if !tensor.SameShape(&tensor.Tensor{Shape: g.Shape}, &tensor.Tensor{Shape: o.shape}) {
		return nil, fmt.Errorf("nstgpu: generated image %v, want %v", g.Shape, o.shape)
	}
	d := o.n.d
	p, err := o.n.forward(g, o.layers)
	if err != nil {
		return nil, err
	}
	defer p.release()
	grads := map[string]*webgpu.Buffer{}
	add := func(layer string, dg *webgpu.Buffer) {
		if prev := grads[layer]; prev != nil {
			sum := d.Add(prev, dg)
			prev.Release()
			dg.Release()
			dg = sum
		}
		grads[layer] = dg
	}
	// J_content = norm·Σ(aG − aC)², norm = 1/(4·nH·nW·nC); its gradient
	// α·2·norm·(aG − aC).
	aG := p.activation(o.opts.ContentLayer)
	norm := 1 / (4 * float64(aG.Len()))
	d.SumSquaredDiff(aG, o.aC, float32(norm), o.costs, 0, false)
	add(o.opts.ContentLayer, d.ScaledDiff(aG, o.aC, float32(o.opts.Alpha*2*norm)))
	// J_style^[l] = k·Σ(G_G − G_S)², k = 1/(4·nC²·(nH·nW)²); its gradient
	// β·λ·4k·aG·(G_G − G_S).
	for i, l := range o.opts.StyleLayers {
		a := p.activation(l.Name)
		nC := float64(a.Shape[2])
		m := float64(a.Len()) / nC
		k := 1 / (4 * nC * nC * m * m)
		gram := d.Gram(a, 1)
		d.SumSquaredDiff(gram, o.gS[l.Name], float32(l.Weight*k), o.costs, 1, i > 0)
		diff := then(gram, d.ScaledDiff(gram, o.gS[l.Name], float32(o.opts.Beta*l.Weight*4*k)))
		shape := a.Shape
		grad := then(diff, d.MatMul(a.Reshape(a.Len()/a.Shape[2], a.Shape[2]), diff))
		a.Reshape(shape...)
		add(l.Name, grad.Reshape(shape...))
	}
	grad := p.backward(grads)
	// J_TV = Σ squared neighbour differences / (H·W·C), added to the pixels'
	// gradient with weight γ.
	if o.opts.TV > 0 {
		norm := 1 / float64(g.Len())
		d.TotalVariation(g, float32(norm), o.costs, 2, false)
		d.AddTotalVariationGrad(g, grad, float32(o.opts.TV*norm))
	}
	return grad, nil
}

// Costs reads back the costs at the image of the last Gradient (as
// art.Objective.Evaluate reports them), or zeros before the first. It
// returns the device's errors.
func (o *Objective) Costs() (art.Costs, error) {
	t, err := o.n.d.Read(o.costs)
	if err != nil {
		return art.Costs{}, err
	}
	return o.costsOf(t.Data), nil
}

// costsOf turns the values of o.costs (J_content, J_style, J_TV) into
// art.Costs, with the total J.
func (o *Objective) costsOf(v []float32) art.Costs {
	c := art.Costs{Content: float64(v[0]), Style: float64(v[1]), TV: float64(v[2])}
	c.Total = o.opts.Alpha*c.Content + o.opts.Beta*c.Style + o.opts.TV*c.TV
	return c
}
