package graph

import (
	"fmt"
	"slices"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
)

// window2D holds a sliding window's strides and padding, from a node's
// strides, padding, explicit_paddings and dilations attributes.
type window2D struct {
	sh, sw   int
	pad      ops.Padding
	explicit bool
	pads     [4]int // top, bottom, left, right (EXPLICIT)
}

func parseWindow(n nodeJSON, allowExplicit bool) (window2D, error) {
	var w window2D
	st := n.Attr.ints("strides", []int{1, 1, 1, 1})
	if len(st) != 4 || st[0] != 1 || st[3] != 1 || st[1] < 1 || st[2] < 1 {
		return w, fmt.Errorf("strides %v: want [1, sh, sw, 1] with sh, sw >= 1", st)
	}
	w.sh, w.sw = st[1], st[2]
	if d := n.Attr.ints("dilations", nil); d != nil && !slices.Equal(d, []int{1, 1, 1, 1}) {
		return w, fmt.Errorf("dilations %v: only 1 is supported", d)
	}
	p, err := n.Attr.str("padding", "")
	if err != nil {
		return w, err
	}
	switch p {
	case "SAME":
		w.pad = ops.Same
	case "VALID":
		w.pad = ops.Valid
	case "EXPLICIT":
		e := n.Attr.ints("explicit_paddings", nil)
		if !allowExplicit || len(e) != 8 || e[0] != 0 || e[1] != 0 || e[6] != 0 || e[7] != 0 {
			return w, fmt.Errorf("EXPLICIT padding %v: want 8 values, zero for batch and channels", e)
		}
		for i, v := range e[2:6] {
			if v < 0 || v > 1<<20 {
				return w, fmt.Errorf("explicit padding %v: bad amount", e)
			}
			w.pads[i] = v
		}
		w.pad, w.explicit = ops.Valid, true
	default:
		return w, fmt.Errorf("padding %q: want SAME, VALID or EXPLICIT", p)
	}
	return w, nil
}

// outSize returns the window's output size over in (kernel k along an axis
// with stride s and, for EXPLICIT, padding before+after).
func (w window2D) outSize(in, k, s, before, after int) (int, error) {
	if w.explicit {
		in += before + after
	}
	var out int
	if w.pad == ops.Same {
		out = (in + s - 1) / s
	} else if k <= in {
		out = (in-k)/s + 1
	}
	if out < 1 {
		return 0, fmt.Errorf("window %d does not fit input size %d", k, in)
	}
	return out, nil
}

// outShape returns the [N,oh,ow] part of the output for x [N,H,W,C] and a
// kh×kw window.
func (w window2D) outShape(x []int, kh, kw int) ([]int, error) {
	if len(x) != 4 {
		return nil, fmt.Errorf("input shape %v, want [N,H,W,C]", x)
	}
	oh, err := w.outSize(x[1], kh, w.sh, w.pads[0], w.pads[1])
	if err != nil {
		return nil, err
	}
	ow, err := w.outSize(x[2], kw, w.sw, w.pads[2], w.pads[3])
	if err != nil {
		return nil, err
	}
	return []int{x[0], oh, ow}, nil
}

// --- fused activations -----------------------------------------------------

// activation is the op a fused node applies after the bias.
type activation struct {
	op    string         // "", Relu, Relu6, Prelu, LeakyRelu, Sigmoid, Elu, Tanh
	alpha *tensor.Tensor // Prelu: [C], one per channel, or [1] for all
	leaky float32        // LeakyRelu
}

// parseFused reads fused_ops and num_args: the extra inputs after the first
// two are the bias (BiasAdd) and then Prelu's alpha, all constants.
func parseFused(n nodeJSON, in []static, channels int) (bias *tensor.Tensor, act activation, err error) {
	fused, err := n.Attr.strs("fused_ops")
	if err != nil {
		return nil, act, err
	}
	nargs := n.Attr.int("num_args", 0)
	if len(in) != 2+nargs {
		return nil, act, fmt.Errorf("%d inputs, want 2 + num_args (%d)", len(in), nargs)
	}
	next := 2
	arg := func(what string) (*tensor.Tensor, error) {
		if next >= len(in) {
			return nil, fmt.Errorf("fused %s has no argument (num_args %d)", what, nargs)
		}
		t, err := constInput(in, next, what)
		next++
		return t, err
	}
	for i, op := range fused {
		switch {
		case op == "BiasAdd" && i == 0:
			t, err := arg("bias")
			if err != nil {
				return nil, act, err
			}
			if len(t.Data) != channels {
				return nil, act, fmt.Errorf("bias has %d values for %d channels", len(t.Data), channels)
			}
			bias = t
		case i == len(fused)-1 && (op == "Relu" || op == "Relu6" || op == "Sigmoid" || op == "Elu" || op == "Tanh"):
			act.op = op
		case i == len(fused)-1 && op == "LeakyRelu":
			act.op, act.leaky = op, float32(n.Attr.float("leakyrelu_alpha", 0.2))
		case i == len(fused)-1 && op == "Prelu":
			t, err := arg("prelu alpha")
			if err != nil {
				return nil, act, err
			}
			if len(t.Data) != channels && len(t.Data) != 1 {
				return nil, act, fmt.Errorf("prelu alpha has %d values for %d channels", len(t.Data), channels)
			}
			act.op, act.alpha = op, &tensor.Tensor{Shape: []int{len(t.Data)}, Data: t.Data}
		default:
			return nil, act, fmt.Errorf("unsupported fused_ops %q", fused)
		}
	}
	if next != len(in) {
		return nil, act, fmt.Errorf("fused_ops %q use %d of num_args %d", fused, next-2, nargs)
	}
	return bias, act, nil
}

// needs names the backend.Elementwise kernel the activation runs on, "" for
// none.
func (a activation) needs() string {
	switch a.op {
	case "Sigmoid", "Elu", "Tanh":
		return "Unary " + a.op + " (fused)"
	case "Prelu":
		return "Binary Prelu (fused)"
	}
	return ""
}

// epilogue returns the part of a a convolution fuses: Relu and Relu6.
func epilogue[T any](a activation) backend.Epilogue[T] {
	return backend.Epilogue[T]{ReLU: a.op == "Relu", ReLU6: a.op == "Relu6"}
}

// activate runs the activation on y in place; fused says Relu and Relu6
// already ran in the kernel's epilogue.
func (r *Runner[T]) activate(a activation, y T, fused bool) T {
	switch a.op {
	case "Relu":
		if !fused {
			return r.b.ReLU(y)
		}
	case "Relu6":
		if !fused {
			return r.b.Clamp(y, 0, 6)
		}
	case "LeakyRelu":
		return r.b.LeakyReLU(y, a.leaky)
	case "Sigmoid", "Elu", "Tanh":
		return r.e.Unary(backend.UnaryOp(a.op), y, y)
	case "Prelu":
		return r.e.Binary(backend.BinaryPrelu, y, r.param(a.alpha), y)
	}
	return y
}

// --- convolutions ----------------------------------------------------------

type convKernel struct {
	win       window2D
	depthwise bool
	w         *tensor.Tensor // [kh,kw,Cin,Cout] or [kh,kw,C,mult]
	bias      *tensor.Tensor // [Cout] or nil
	act       activation
}

func buildConv(depthwise, fused bool) builder {
	return func(n nodeJSON, in []static) (built, error) {
		if !fused {
			if err := arity(in, 2); err != nil {
				return built{}, err
			}
		}
		if len(in) < 2 {
			return built{}, fmt.Errorf("%d inputs, want input and filter", len(in))
		}
		w, err := constInput(in, 1, "filter")
		if err != nil {
			return built{}, err
		}
		if w.Rank() != 4 {
			return built{}, fmt.Errorf("filter shape %v, want [kh,kw,Cin,Cout]", w.Shape)
		}
		win, err := parseWindow(n, true)
		if err != nil {
			return built{}, err
		}
		k := &convKernel{win: win, depthwise: depthwise, w: w}
		cout := w.Shape[3]
		if depthwise {
			cout = w.Shape[2] * w.Shape[3]
		}
		if fused {
			if k.bias, k.act, err = parseFused(n, in, cout); err != nil {
				return built{}, err
			}
		}
		return built{k: k}, nil
	}
}

func (k *convKernel) infer(in [][]int) ([]int, error) {
	x := in[0]
	if len(x) != 4 || x[3] != k.w.Shape[2] {
		return nil, fmt.Errorf("input shape %v does not match filter %v (want [N,H,W,%d])", x, k.w.Shape, k.w.Shape[2])
	}
	o, err := k.win.outShape(x, k.w.Shape[0], k.w.Shape[1])
	if err != nil {
		return nil, err
	}
	c := k.w.Shape[3]
	if k.depthwise {
		c *= k.w.Shape[2]
	}
	return append(o, c), nil
}

func (*convKernel) operands() int { return 1 }

func (k *convKernel) needs() string {
	if k.win.explicit {
		return "PadSpatial (EXPLICIT padding)"
	}
	return k.act.needs()
}

// params: a depthwise filter is not a matrix kernel's weights operand.
func (k *convKernel) params() (weights, others []*tensor.Tensor) {
	others = []*tensor.Tensor{k.bias, k.act.alpha}
	if k.depthwise {
		return nil, append(others, k.w)
	}
	return []*tensor.Tensor{k.w}, others
}

func (r *Runner[T]) conv(k *convKernel, x T, xs, out []int) (T, error) {
	w, bias, ep := r.param(k.w), r.param(k.bias), epilogue[T](k.act)
	return r.perImage(x, xs, out, k.win, func(img T) T {
		var y T
		if k.depthwise {
			y = r.b.DepthwiseConv2DFused(img, w, bias, k.win.sh, k.win.sw, k.win.pad, ep)
		} else {
			y = r.b.Conv2DFused(img, w, bias, k.win.sh, k.win.sw, k.win.pad, ep)
		}
		return r.activate(k.act, y, true)
	})
}

// perImage runs f on each image of x [N,H,W,C] (viewed as [H,W,C], padded
// first for EXPLICIT padding) and assembles the [N,...] result of shape
// out; one image needs no copy. More than one needs the backend's Unstack
// and Stack.
func (r *Runner[T]) perImage(x T, xs, out []int, win window2D, f func(img T) T) (T, error) {
	var imgs []T
	if xs[0] == 1 {
		imgs = []T{r.b.Reshape(x, xs[1:]...)}
	} else if r.e == nil {
		var zero T
		return zero, fmt.Errorf("a batch of %d on %s, which has no kernel Stack (backend.Elementwise)", xs[0], backendName(r.b))
	} else {
		imgs = r.e.Unstack(x)
	}
	ys := make([]T, len(imgs))
	for i, img := range imgs {
		in := img
		if win.explicit {
			in = r.e.PadSpatial(img, win.pads[0], win.pads[1], win.pads[2], win.pads[3])
		}
		ys[i] = f(in)
		if win.explicit {
			r.b.Release(in)
		}
		if len(imgs) > 1 {
			r.b.Release(img)
		}
	}
	if len(ys) == 1 {
		return r.b.Reshape(ys[0], out...), nil
	}
	y := r.e.Stack(ys)
	for _, yi := range ys {
		r.b.Release(yi)
	}
	return r.b.Reshape(y, out...), nil
}

// --- pooling ---------------------------------------------------------------

type poolKernel struct {
	win    window2D
	kh, kw int
	isMax  bool
}

func buildPool(isMax bool) builder {
	return func(n nodeJSON, in []static) (built, error) {
		if err := arity(in, 1); err != nil {
			return built{}, err
		}
		ks := n.Attr.ints("ksize", nil)
		if len(ks) != 4 || ks[0] != 1 || ks[3] != 1 || ks[1] < 1 || ks[2] < 1 {
			return built{}, fmt.Errorf("ksize %v: want [1, kh, kw, 1]", ks)
		}
		win, err := parseWindow(n, false)
		if err != nil {
			return built{}, err
		}
		return built{k: &poolKernel{win: win, kh: ks[1], kw: ks[2], isMax: isMax}}, nil
	}
}

func (k *poolKernel) infer(in [][]int) ([]int, error) {
	o, err := k.win.outShape(in[0], k.kh, k.kw)
	if err != nil {
		return nil, err
	}
	return append(o, in[0][3]), nil
}

func (*poolKernel) operands() int                   { return 1 }
func (*poolKernel) needs() string                   { return "" }
func (*poolKernel) params() (_, _ []*tensor.Tensor) { return nil, nil }

func (r *Runner[T]) pool(k *poolKernel, x T, xs, out []int) (T, error) {
	return r.perImage(x, xs, out, k.win, func(img T) T {
		if k.isMax {
			return r.b.MaxPool2D(img, k.kh, k.kw, k.win.sh, k.win.sw, k.win.pad)
		}
		return r.b.AvgPool2D(img, k.kh, k.kw, k.win.sh, k.win.sw, k.win.pad)
	})
}
