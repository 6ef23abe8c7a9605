//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"visage/core/art"
	"visage/core/backend/webgpu"
	"visage/core/ops"
	"visage/core/tensor"
)

// check is one test case: it runs the kernel on d and returns the GPU's
// output and the reference's.
type check struct {
	op, name string
	run      func(d *webgpu.Device, rng *rand.Rand) (gpu *tensor.Tensor, cpu *tensor.Tensor, err error)
}

// checkKernels runs every kernel check.
func checkKernels(d *webgpu.Device, rng *rand.Rand) []Result {
	var results []Result
	for _, c := range checks() {
		gpu, cpu, err := c.run(d, rng)
		r := Result{Op: c.op, Case: c.name}
		compare(&r, gpu, cpu, err)
		results = append(results, r)
	}
	return results
}

// random returns a tensor of the given shape with values uniform in [−1, 1).
func random(rng *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = 2*rng.Float32() - 1
	}
	return t
}

// randomVec is random as a plain slice, or nil when n < 0 (an absent bias).
func randomVec(rng *rand.Rand, n int) []float32 {
	if n < 0 {
		return nil
	}
	return random(rng, n).Data
}

// upload returns nil for an empty (absent) vector.
func upload(d *webgpu.Device, v []float32) *webgpu.Buffer {
	if v == nil {
		return nil
	}
	t, _ := tensor.FromData(v, len(v))
	return d.Upload(t)
}

// readAll reads out and frees every buffer given.
func readAll(d *webgpu.Device, out *webgpu.Buffer, free ...*webgpu.Buffer) (*tensor.Tensor, error) {
	t, err := d.Read(out)
	out.Release()
	for _, b := range free {
		if b != nil {
			b.Release()
		}
	}
	return t, err
}

func checks() []check {
	var cs []check
	type convCase struct {
		x, w   []int
		stride int
		pad    ops.Padding
		bias   bool
	}
	// Regular convolutions, x [H,W,Cin], w [kh,kw,Cin,Cout].
	for _, c := range []convCase{
		{[]int{7, 9, 5}, []int{3, 3, 5, 6}, 1, ops.Same, true},
		{[]int{9, 7, 3}, []int{3, 3, 3, 5}, 2, ops.Valid, false},
		{[]int{11, 8, 5}, []int{5, 5, 5, 7}, 2, ops.Same, true},
		{[]int{5, 5, 13}, []int{1, 1, 13, 3}, 1, ops.Valid, true},
		{[]int{6, 7, 9}, []int{1, 1, 9, 10}, 1, ops.Same, false},
		{[]int{7, 9, 6}, []int{1, 1, 6, 5}, 2, ops.Same, true},
		{[]int{15, 13, 3}, []int{7, 7, 3, 6}, 2, ops.Same, false},
		{[]int{6, 10, 2}, []int{3, 1, 2, 3}, 2, ops.Same, true},
	} {
		cs = append(cs, check{"Conv2D", fmt.Sprintf("x%v w%v s%d %v bias=%v", c.x, c.w, c.stride, c.pad, c.bias),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x, w, bias := random(rng, c.x...), random(rng, c.w...), randomVec(rng, biasLen(c.bias, c.w[3]))
				gx, gw, gb := d.Upload(x), d.Upload(w), upload(d, bias)
				gpu, err := readAll(d, d.Conv2D(gx, gw, gb, c.stride, c.stride, c.pad), gx, gw, gb)
				return gpu, ops.Conv2D(x, w, bias, c.stride, c.stride, c.pad), err
			}})
	}
	// Convolutions with a fused epilogue against ops.Conv2D (or
	// ops.DepthwiseConv2D), ops.ScaleBias, then ops.ReLU or ops.ReLU6; x
	// spread over [−10, 10), so that ReLU6 caps some outputs.
	for _, c := range []struct {
		convCase
		depthwise, scale, shift, relu, relu6 bool
	}{
		{convCase{[]int{9, 7, 5}, []int{3, 3, 5, 6}, 1, ops.Same, true}, false, true, true, true, false},
		{convCase{[]int{8, 11, 3}, []int{3, 3, 3, 5}, 2, ops.Valid, false}, false, false, true, false, false},
		{convCase{[]int{7, 6, 4}, []int{1, 1, 4, 9}, 1, ops.Same, true}, false, false, false, true, false},
		{convCase{[]int{9, 7, 5}, []int{1, 1, 5, 6}, 2, ops.Same, true}, false, false, false, false, true},
		{convCase{[]int{9, 7, 6}, []int{3, 3, 6, 1}, 2, ops.Same, false}, true, true, true, false, true},
		{convCase{[]int{8, 11, 5}, []int{3, 3, 5, 2}, 1, ops.Valid, true}, true, false, true, true, false},
	} {
		op := "Conv2DFused"
		gpuConv, cpuConv := (*webgpu.Device).Conv2DFused, ops.Conv2D
		cout := c.w[3]
		if c.depthwise {
			op, gpuConv, cpuConv, cout = "DepthwiseConv2DFused", (*webgpu.Device).DepthwiseConv2DFused, ops.DepthwiseConv2D, c.w[2]*c.w[3]
		}
		cs = append(cs, check{op, fmt.Sprintf("x%v w%v s%d %v scale=%v shift=%v relu=%v relu6=%v", c.x, c.w, c.stride, c.pad, c.scale, c.shift, c.relu, c.relu6),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x, w, bias := random(rng, c.x...), random(rng, c.w...), randomVec(rng, biasLen(c.bias, cout))
				for i := range x.Data {
					x.Data[i] *= 10
				}
				scale, shift := randomVec(rng, biasLen(c.scale, cout)), randomVec(rng, biasLen(c.shift, cout))
				gx, gw, gb, gs, gh := d.Upload(x), d.Upload(w), upload(d, bias), upload(d, scale), upload(d, shift)
				y := gpuConv(d, gx, gw, gb, c.stride, c.stride, c.pad, webgpu.Epilogue{Scale: gs, Shift: gh, ReLU: c.relu, ReLU6: c.relu6})
				gpu, err := readAll(d, y, gx, gw, gb, gs, gh)
				cpu := ops.ScaleBias(cpuConv(x, w, bias, c.stride, c.stride, c.pad), scale, shift)
				switch {
				case c.relu6:
					cpu = ops.ReLU6(cpu)
				case c.relu:
					cpu = ops.ReLU(cpu)
				}
				return gpu, cpu, err
			}})
	}
	// Depthwise, w [kh,kw,C,mult].
	for _, c := range []convCase{
		{[]int{9, 7, 6}, []int{3, 3, 6, 1}, 2, ops.Same, true},
		{[]int{8, 11, 5}, []int{3, 3, 5, 2}, 1, ops.Valid, false},
		{[]int{7, 7, 3}, []int{3, 3, 3, 1}, 1, ops.Same, true},
	} {
		cs = append(cs, check{"DepthwiseConv2D", fmt.Sprintf("x%v w%v s%d %v bias=%v", c.x, c.w, c.stride, c.pad, c.bias),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x, w, bias := random(rng, c.x...), random(rng, c.w...), randomVec(rng, biasLen(c.bias, c.w[2]*c.w[3]))
				gx, gw, gb := d.Upload(x), d.Upload(w), upload(d, bias)
				gpu, err := readAll(d, d.DepthwiseConv2D(gx, gw, gb, c.stride, c.stride, c.pad), gx, gw, gb)
				return gpu, ops.DepthwiseConv2D(x, w, bias, c.stride, c.stride, c.pad), err
			}})
	}
	// Data gradient of the regular convolution; dy has the forward output's shape.
	for _, c := range []convCase{
		{[]int{9, 7, 5}, []int{3, 3, 5, 6}, 2, ops.Same, false},
		{[]int{8, 8, 3}, []int{3, 3, 3, 4}, 1, ops.Same, false},
		{[]int{9, 9, 4}, []int{3, 3, 4, 5}, 2, ops.Valid, false},
		{[]int{10, 7, 3}, []int{5, 5, 3, 2}, 2, ops.Same, false},
	} {
		cs = append(cs, check{"ConvBackwardInput", fmt.Sprintf("x%v w%v s%d %v", c.x, c.w, c.stride, c.pad),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				w := random(rng, c.w...)
				yShape := ops.Conv2D(tensor.New(c.x...), w, nil, c.stride, c.stride, c.pad).Shape
				dy := random(rng, yShape...)
				gdy, gw := d.Upload(dy), d.Upload(w)
				gpu, err := readAll(d, d.ConvBackwardInput(gdy, gw, c.x, c.stride, c.stride, c.pad), gdy, gw)
				return gpu, ops.ConvBackwardInput(dy, w, c.x, []int{c.stride, c.stride}, c.pad), err
			}})
	}
	// Pooling forward and backward share their cases.
	type poolCase struct {
		x         []int
		k, stride int
		pad       ops.Padding
	}
	for _, c := range []poolCase{
		{[]int{9, 7, 5}, 3, 2, ops.Same},
		{[]int{9, 8, 3}, 2, 2, ops.Valid},
		{[]int{6, 7, 6}, 3, 1, ops.Same},
		{[]int{7, 7, 2}, 3, 2, ops.Valid},
	} {
		name := fmt.Sprintf("x%v %dx%d s%d %v", c.x, c.k, c.k, c.stride, c.pad)
		for _, isMax := range []bool{true, false} {
			op, fwd, gpuFwd := "AvgPool2D", ops.AvgPool2D, (*webgpu.Device).AvgPool2D
			if isMax {
				op, fwd, gpuFwd = "MaxPool2D", ops.MaxPool2D, (*webgpu.Device).MaxPool2D
			}
			cs = append(cs, check{op, name, func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, c.x...)
				gx := d.Upload(x)
				gpu, err := readAll(d, gpuFwd(d, gx, c.k, c.k, c.stride, c.stride, c.pad), gx)
				return gpu, fwd(x, c.k, c.k, c.stride, c.stride, c.pad), err
			}})
			cs = append(cs, check{op + "Backward", name, func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, c.x...)
				dy := random(rng, fwd(x, c.k, c.k, c.stride, c.stride, c.pad).Shape...)
				gx, gdy := d.Upload(x), d.Upload(dy)
				if isMax {
					gpu, err := readAll(d, d.MaxPool2DBackward(gdy, gx, c.k, c.k, c.stride, c.stride, c.pad), gx, gdy)
					return gpu, ops.MaxPool2DBackward(dy, x, c.k, c.k, c.stride, c.stride, c.pad), err
				}
				gpu, err := readAll(d, d.AvgPool2DBackward(gdy, c.x, c.k, c.k, c.stride, c.stride, c.pad), gx, gdy)
				return gpu, ops.AvgPool2DBackward(dy, c.x, c.k, c.k, c.stride, c.stride, c.pad), err
			}})
		}
	}
	// Activations, in place on both sides, on values spread over [−8, 8).
	for _, a := range []struct {
		op  string
		gpu func(*webgpu.Device, *webgpu.Buffer) *webgpu.Buffer
		cpu func(*tensor.Tensor) *tensor.Tensor
	}{
		{"ReLU", (*webgpu.Device).ReLU, ops.ReLU},
		{"ReLU6", (*webgpu.Device).ReLU6, ops.ReLU6},
		{"LeakyReLU", func(d *webgpu.Device, x *webgpu.Buffer) *webgpu.Buffer { return d.LeakyReLU(x, 0.1) },
			func(x *tensor.Tensor) *tensor.Tensor { return ops.LeakyReLU(x, 0.1) }},
	} {
		cs = append(cs, check{a.op, "x[5 7 3] in [-8,8)", func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
			x := random(rng, 5, 7, 3)
			for i := range x.Data {
				x.Data[i] *= 8
			}
			gx := d.Upload(x)
			gpu, err := readAll(d, a.gpu(d, gx))
			return gpu, a.cpu(x), err
		}})
	}
	cs = append(cs, check{"ReLUCopy", "x[5 7 3] in [-8,8), then x itself (left alone)", func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
		x := random(rng, 5, 7, 3)
		for i := range x.Data {
			x.Data[i] *= 8
		}
		gx := d.Upload(x)
		y := d.ReLUCopy(gx)
		outs, err := d.ReadAll(y, gx)
		y.Release()
		gx.Release()
		if err != nil {
			return nil, nil, err
		}
		gpu, _ := tensor.FromData(append(outs[0].Data, outs[1].Data...), 2, 5, 7, 3)
		cpu, _ := tensor.FromData(append(ops.ReLU(x.Clone()).Data, x.Data...), 2, 5, 7, 3)
		return gpu, cpu, nil
	}})
	for _, c := range []struct{ scale, bias bool }{{true, true}, {false, true}, {true, false}} {
		cs = append(cs, check{"ScaleBias", fmt.Sprintf("x[5 7 6] scale=%v bias=%v", c.scale, c.bias),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x, s, b := random(rng, 5, 7, 6), randomVec(rng, biasLen(c.scale, 6)), randomVec(rng, biasLen(c.bias, 6))
				gx, gs, gb := d.Upload(x), upload(d, s), upload(d, b)
				gpu, err := readAll(d, d.ScaleBias(gx, gs, gb), gs, gb)
				return gpu, ops.ScaleBias(x, s, b), err
			}})
	}
	cs = append(cs, check{"Add", "[5 7 3]", func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
		a, b := random(rng, 5, 7, 3), random(rng, 5, 7, 3)
		ga, gb := d.Upload(a), d.Upload(b)
		gpu, err := readAll(d, d.Add(ga, gb), ga, gb)
		return gpu, ops.Add(a, b), err
	}})
	for _, c := range [][2][]int{{{4, 5, 8}, {5, 5, 4}}, {{5, 6, 3}, {5, 6, 3}}, {{3, 3, 6}, {4, 2, 5}}} {
		cs = append(cs, check{"AddZeroExtended", fmt.Sprintf("%v+%v", c[0], c[1]),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				a, b := random(rng, c[0]...), random(rng, c[1]...)
				ga, gb := d.Upload(a), d.Upload(b)
				gpu, err := readAll(d, d.AddZeroExtended(ga, gb), ga, gb)
				shape := []int{max(c[0][0], c[1][0]), max(c[0][1], c[1][1]), max(c[0][2], c[1][2])}
				return gpu, ops.Add(zeroExtend(a, shape), zeroExtend(b, shape)), err
			}})
	}
	cs = append(cs, check{"NewBuffer", "zeroes reused memory", func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
		d.Upload(random(rng, 3, 5, 7)).Release()
		gpu, err := readAll(d, d.NewBuffer(5, 7, 3))
		return gpu, tensor.New(5, 7, 3), err
	}})
	cs = append(cs, check{"ScaledDiff", "content-cost gradient [5 7 3]", func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
		aC, aG := random(rng, 5, 7, 3), random(rng, 5, 7, 3)
		gc, gg := d.Upload(aC), d.Upload(aG)
		gpu, err := readAll(d, d.ScaledDiff(gg, gc, float32(2/(4*float64(aG.Len())))), gc, gg)
		_, cpu, cpuErr := art.ContentCost(aC, aG)
		return gpu, cpu, errors.Join(err, cpuErr)
	}})
	for _, n := range []int{1, 255, 100003} {
		cs = append(cs, check{"SumSquaredDiff", fmt.Sprintf("[%d], accumulated into slot 1", n),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				a, b := random(rng, n), random(rng, n)
				ga, gb, out := d.Upload(a), d.Upload(b), d.NewBuffer(3)
				d.SumSquaredDiff(ga, gb, 0.5, out, 1, false)
				d.SumSquaredDiff(gb, ga, 0.25, out, 1, true) // the same sum again, a quarter of it
				gpu, err := readAll(d, out, ga, gb)
				var sum float64 // the reference, in float64
				for i := range a.Data {
					diff := float64(a.Data[i]) - float64(b.Data[i])
					sum += diff * diff
				}
				cpu := tensor.New(3)
				cpu.Data[1] = float32(0.75 * sum)
				return gpu, cpu, err
			}})
	}
	for _, shape := range [][]int{{5, 7, 3}, {1, 4, 2}, {6, 1, 5}} {
		cs = append(cs, check{"TotalVariation", fmt.Sprintf("cost of x%v", shape),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, shape...)
				gx, out := d.Upload(x), d.NewBuffer(2)
				d.TotalVariation(gx, 1/float32(x.Len()), out, 0, false)
				gpu, err := readAll(d, out, gx)
				cost, _ := art.TotalVariation(x)
				cpu, _ := tensor.FromData([]float32{float32(cost), 0}, 2)
				return gpu, cpu, err
			}})
		cs = append(cs, check{"AddTotalVariationGrad", fmt.Sprintf("x%v onto a gradient", shape),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x, base := random(rng, shape...), random(rng, shape...)
				gx, grad := d.Upload(x), d.Upload(base)
				d.AddTotalVariationGrad(gx, grad, 3/float32(x.Len()))
				gpu, err := readAll(d, grad, gx)
				_, dTV := art.TotalVariation(x)
				for i, v := range dTV.Data {
					base.Data[i] += 3 * v
				}
				return gpu, base, err
			}})
	}
	cs = append(cs, check{"ReLUBackward", "[5 7 3]", func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
		dy, y := random(rng, 5, 7, 3), ops.ReLU(random(rng, 5, 7, 3))
		gdy, gy := d.Upload(dy), d.Upload(y)
		gpu, err := readAll(d, d.ReLUBackward(gdy, gy), gdy, gy)
		return gpu, ops.ReLUBackward(dy, y), err
	}})
	for _, c := range [][3]int{{13, 37, 19}, {33, 17, 35}, {1, 5, 1}, {40, 70, 3}} {
		cs = append(cs, check{"MatMul", fmt.Sprintf("[%d %d]x[%d %d]", c[0], c[1], c[1], c[2]),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				a, b := random(rng, c[0], c[1]), random(rng, c[1], c[2])
				ga, gb := d.Upload(a), d.Upload(b)
				gpu, err := readAll(d, d.MatMul(ga, gb), ga, gb)
				return gpu, ops.MatMul(a, b), err
			}})
	}
	for _, c := range []struct {
		x    []int
		out  int
		bias bool
	}{{[]int{37}, 10, true}, {[]int{3, 37}, 10, false}, {[]int{5, 128}, 7, true}} {
		cs = append(cs, check{"FullyConnected", fmt.Sprintf("x%v out %d bias=%v", c.x, c.out, c.bias),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				in := c.x[len(c.x)-1]
				x, w, b := random(rng, c.x...), random(rng, in, c.out), randomVec(rng, biasLen(c.bias, c.out))
				gx, gw, gb := d.Upload(x), d.Upload(w), upload(d, b)
				gpu, err := readAll(d, d.FullyConnected(gx, gw, gb), gx, gw, gb)
				return gpu, ops.FullyConnected(x, w, b), err
			}})
	}
	for _, shape := range [][]int{{7, 9, 5}, {13, 11, 19}} {
		cs = append(cs, check{"Gram", fmt.Sprintf("x%v scale 1/(HWC)", shape),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, shape...)
				scale := 1 / float32(x.Len())
				gx := d.Upload(x)
				gpu, err := readAll(d, d.Gram(gx, scale), gx)
				return gpu, gram(x, scale), err
			}})
	}
	cs = append(cs, check{"Adam", "[257], 3 steps", checkAdam})
	cs = append(cs, check{"batch", "conv→ReLU→maxpool→add, 1 submission", checkBatch})
	cs = append(cs, check{"Destroy", "Read on a second, destroyed device fails with ErrDeviceLost", checkLost})
	return append(cs, elementwiseChecks()...)
}

func biasLen(present bool, n int) int {
	if present {
		return n
	}
	return -1
}

// zeroExtend pads x [h,w,c] with zeros at the bottom, the right and in the
// last channels up to shape.
func zeroExtend(x *tensor.Tensor, shape []int) *tensor.Tensor {
	x = ops.PadSpatial(x, 0, shape[0]-x.Shape[0], 0, shape[1]-x.Shape[1], 0)
	if extra := shape[2] - x.Shape[2]; extra > 0 {
		x = ops.ConcatChannels(x, tensor.New(shape[0], shape[1], extra))
	}
	return x
}

// gram is the reference Gram matrix: scale·FᵀF with F = x as [H·W, C],
// through ops.MatMul on an explicit transpose.
func gram(x *tensor.Tensor, scale float32) *tensor.Tensor {
	c := x.Shape[len(x.Shape)-1]
	p := x.Len() / c
	ft := tensor.New(c, p)
	for i := range p {
		for j := range c {
			ft.Data[j*p+i] = x.Data[i*c+j]
		}
	}
	f, _ := x.Reshape(p, c)
	g := ops.MatMul(ft, f)
	for i := range g.Data {
		g.Data[i] *= scale
	}
	return g
}

// checkAdam runs three Adam steps on the GPU and, as the reference,
// ops.AdamStep with float32 moments (the one rule, which style transfer
// runs on the CPU through backend.CPU) on pixel-like parameters; it
// compares the changes of the parameters, which rounding at 255 would
// otherwise hide.
func checkAdam(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
	const n, steps = 257, 3
	opt := ops.NewAdam(2)
	param := random(rng, n)
	for i := range param.Data {
		param.Data[i] *= 255
	}
	start := param.Clone()
	m, v := make([]float32, n), make([]float32, n)
	gp, gm, gv := d.Upload(param), d.NewBuffer(n), d.NewBuffer(n)
	for t := 1; t <= steps; t++ {
		grad := random(rng, n)
		gg := d.Upload(grad)
		d.AdamStep(opt, gp, gg, gm, gv, t)
		gg.Release()
		ops.AdamStep(opt, t, param.Data, grad.Data, m, v)
	}
	gpu, err := readAll(d, gp, gm, gv)
	if err != nil {
		return nil, nil, err
	}
	for i, s := range start.Data {
		gpu.Data[i] -= s
		param.Data[i] -= s
	}
	return gpu, param, nil
}

// checkLost opens a second device, destroys it and expects Read to report
// ErrDeviceLost. Its "output" is 1 for the expected error, 0 otherwise.
func checkLost(_ *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
	d, err := webgpu.Open()
	if err != nil {
		return nil, nil, err
	}
	b := d.Upload(random(rng, 3))
	d.Destroy()
	got := tensor.New(1)
	if _, err := d.Read(b); errors.Is(err, webgpu.ErrDeviceLost) {
		got.Data[0] = 1
	}
	want, _ := tensor.FromData([]float32{1}, 1)
	return got, want, nil
}

// checkBatch chains kernels without reading back in between and checks that
// the chain costs exactly one submission and one read-back.
func checkBatch(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
	x, w, bias := random(rng, 11, 9, 3), random(rng, 3, 3, 3, 6), random(rng, 6).Data
	skip := random(rng, 6, 5, 6)
	gx, gw, gb, gs := d.Upload(x), d.Upload(w), upload(d, bias), d.Upload(skip)
	sub0, read0 := d.Stats()
	conv := d.ReLU(d.Conv2D(gx, gw, gb, 1, 1, ops.Same))
	pooled := d.MaxPool2D(conv, 3, 3, 2, 2, ops.Same)
	gpu, err := readAll(d, d.Add(pooled, gs), gx, gw, gb, gs, conv, pooled)
	if sub, read := d.Stats(); err == nil && (sub-sub0 != 1 || read-read0 != 1) {
		err = fmt.Errorf("%d submissions and %d read-backs, want 1 and 1", sub-sub0, read-read0)
	}
	cpu := ops.Add(ops.MaxPool2D(ops.ReLU(ops.Conv2D(x, w, bias, 1, 1, ops.Same)), 3, 3, 2, 2, ops.Same), skip)
	return gpu, cpu, err
}
