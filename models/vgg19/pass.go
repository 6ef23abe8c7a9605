package vgg19

import (
	"fmt"
	"slices"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
)

// Runner is the network with its weights on one backend.
type Runner[T any] struct {
	b   backend.Differentiable[T]
	net *Net
	// toBGR is a 1×1 convolution that reverses the channels and, with its
	// bias, subtracts the mean: the network's input convention, exactly
	// (its products are by 1 and 0), and its backward is the same kernel's.
	toBGR, toBGRBias T
	kernels, biases  []T // of net.convs
	weights          *backend.Weights[T]
}

// On puts n's weights on b (the CPU shares them) and returns the network
// running there. The weights are uploaded with Upload, not UploadWeights:
// on a GPU set to half precision, the style-transfer gradient was measured
// 1.1e-2 (max pooling) to 0.18 (the content cost alone, whose small
// gradients underflow float16) from the CPU's, so VGG-19 stays float32. A
// GPU's upload errors surface at the first read. A Runner is as safe for
// concurrent use as b is.
func On[T any](n *Net, b backend.Differentiable[T]) *Runner[T] {
	perm, bias := tensor.New(1, 1, 3, 3), tensor.New(3)
	for c := range 3 {
		perm.Data[(2-c)*3+c] = 1 // BGR channel c is RGB channel 2−c
		bias.Data[c] = -mean[c]
	}
	w := backend.NewWeights(backend.Backend[T](b))
	r := &Runner[T]{b: b, net: n, toBGR: w.Upload(perm), toBGRBias: w.Upload(bias), weights: w}
	for _, c := range n.convs {
		r.kernels = append(r.kernels, w.Upload(c.kernel))
		r.biases = append(r.biases, w.Upload(c.bias))
	}
	return r
}

// Backend returns the backend r runs on.
func (r *Runner[T]) Backend() backend.Differentiable[T] { return r.b }

// Release hands back the memory of the weights on r's backend; r must not
// be used afterwards.
func (r *Runner[T]) Release() { r.weights.Release() }

// Pass holds one forward pass on a backend: every activation up to the
// deepest requested layer, kept for Backward. Its tensors belong to the
// Pass (Release hands them back); callers must not modify them.
type Pass[T any] struct {
	r     *Runner[T]
	pool  Pooling
	in    T     // the BGR input
	acts  []T   // post-ReLU output of net.convs[i]
	taken []int // indices of acts handed over by Take
}

// Forward records the network on img, [H,W,3] RGB values 0..255 on r's
// backend, of any size H, W ≥ 1 (not modified), up to the deepest of
// layers, with the pooling r's Net has now, and returns the pass. The
// input is converted to the network's convention: BGR minus the ImageNet
// mean. Pooling is 2×2, stride 2, TensorFlow 'same' padding (as the
// course's graph), so odd sizes keep their last row and column. Unknown
// layers, none, and a misshapen img are errors.
func (r *Runner[T]) Forward(img T, layers ...string) (*Pass[T], error) {
	if s := r.b.Shape(img); len(s) != 3 || s[2] != 3 || s[0] < 1 || s[1] < 1 {
		return nil, fmt.Errorf("vgg19: input shape %v, want [H,W,3] with H,W ≥ 1", s)
	}
	last := -1
	for _, l := range layers {
		i := slices.Index(convNames, l)
		if i < 0 {
			return nil, fmt.Errorf("vgg19: unknown layer %q (have %v)", l, convNames)
		}
		last = max(last, i)
	}
	if last < 0 {
		return nil, fmt.Errorf("vgg19: no layer requested")
	}
	b := r.b
	p := &Pass[T]{r: r, pool: r.net.Pool, in: b.Conv2DFused(img, r.toBGR, r.toBGRBias, 1, 1, ops.Valid, backend.Epilogue[T]{})}
	x := p.in
	for i, c := range r.net.convs[:last+1] {
		if poolsBefore(c.name) {
			pooled := p.poolForward(x)
			x = b.Conv2DFused(pooled, r.kernels[i], r.biases[i], 1, 1, ops.Same, backend.Epilogue[T]{ReLU: true})
			b.Release(pooled)
		} else {
			x = b.Conv2DFused(x, r.kernels[i], r.biases[i], 1, 1, ops.Same, backend.Epilogue[T]{ReLU: true})
		}
		p.acts = append(p.acts, x)
	}
	return p, nil
}

// index returns the position in p.acts of the named layer's activation, or
// −1 when the pass did not reach it.
func (p *Pass[T]) index(name string) int {
	if i := slices.Index(convNames, name); i < len(p.acts) {
		return i
	}
	return -1
}

// Activation returns the post-ReLU activation [H,W,C] of the named layer,
// or the zero T (nil) when the pass did not reach it. The tensor belongs
// to the pass.
func (p *Pass[T]) Activation(name string) T {
	var none T
	if i := p.index(name); i >= 0 {
		return p.acts[i]
	}
	return none
}

// Take hands the named layer's activation (which the pass must have
// reached) over to the caller, who releases it; the pass forgets it.
func (p *Pass[T]) Take(name string) T {
	i := p.index(name)
	p.taken = append(p.taken, i)
	return p.acts[i]
}

// Release hands back the pass's tensors; p must not be used afterwards.
func (p *Pass[T]) Release() {
	p.r.b.Release(p.in)
	for i, a := range p.acts {
		if !slices.Contains(p.taken, i) {
			p.r.b.Release(a)
		}
	}
}

// Backward records the gradient of a scalar cost with respect to the input
// image [H,W,3] (RGB, per unit of pixel value), given its gradients with
// respect to some of the pass's activations (layer name → tensor shaped
// like that activation), and returns it, a new tensor. It takes grads'
// tensors over: it releases them (on the CPU, where Release does nothing,
// they are left unmodified). Layers the pass did not reach, and shape
// mismatches, are errors.
func (p *Pass[T]) Backward(grads map[string]T) (T, error) {
	b := p.r.b
	var none T
	for name, g := range grads {
		i := p.index(name)
		if i < 0 {
			return none, fmt.Errorf("vgg19: gradient for layer %q, which the pass did not compute", name)
		}
		if want, got := b.Shape(p.acts[i]), b.Shape(g); !slices.Equal(want, got) {
			return none, fmt.Errorf("vgg19: gradient for %s has shape %v, want %v", name, got, want)
		}
	}
	var g T
	started := false
	for i := len(p.acts) - 1; i >= 0; i-- {
		c := p.r.net.convs[i]
		if d, ok := grads[c.name]; ok {
			if started {
				g = then(b, g, b.Add(g, d))
				b.Release(d)
			} else {
				g, started = d, true
			}
		}
		if !started {
			continue
		}
		g = then(b, g, b.ReLUBackward(g, p.acts[i]))
		in := p.in
		if i > 0 {
			in = p.acts[i-1]
		}
		inShape := b.Shape(in)
		if poolsBefore(c.name) { // the convolution's input is the pooling's output
			out := b.Shape(p.acts[i])
			inShape = []int{out[0], out[1], inShape[2]}
		}
		g = then(b, g, b.ConvBackwardInput(g, p.r.kernels[i], inShape, 1, 1, ops.Same))
		if poolsBefore(c.name) {
			g = then(b, g, p.poolBackward(g, in))
		}
	}
	if !started {
		return b.NewTensor(b.Shape(p.in)...), nil
	}
	return then(b, g, b.ConvBackwardInput(g, p.r.toBGR, b.Shape(p.in), 1, 1, ops.Valid)), nil
}

// then releases done and returns next: for chaining kernels whose input is
// no longer needed. Go evaluates next before the call.
func then[T any](b backend.Backend[T], done, next T) T {
	b.Release(done)
	return next
}

// poolForward and poolBackward are the 2×2, stride-2, Same pooling between
// blocks and its data gradient (x: the pooling's input).
func (p *Pass[T]) poolForward(x T) T {
	if p.pool == MaxPool {
		return p.r.b.MaxPool2D(x, 2, 2, 2, 2, ops.Same)
	}
	return p.r.b.AvgPool2D(x, 2, 2, 2, 2, ops.Same)
}

func (p *Pass[T]) poolBackward(dy, x T) T {
	if p.pool == MaxPool {
		return p.r.b.MaxPool2DBackward(dy, x, 2, 2, 2, 2, ops.Same)
	}
	return p.r.b.AvgPool2DBackward(dy, p.r.b.Shape(x), 2, 2, 2, 2, ops.Same)
}
