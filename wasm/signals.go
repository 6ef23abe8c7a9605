//go:build js && wasm

package main

// 1D and 3D convolution you can see (core/signals, within its limits, as `visage conv1d` and
// `visage conv3d` run it):
//
//	conv1d(signal, kernels) → {shape: [n−f+1, k], shapes, outputs: [Float32Array(n−f+1), …k]}
//	motionEnergy(frames, {size}?) → {shape: [T−2, H−2, W−2, 4], shapes, width, height, energy: Float32Array}

import (
	"fmt"
	"syscall/js"

	"visage/core/signals"
	"visage/core/tensor"
)

func conv1d(args []js.Value) (any, error) {
	r := argsOf("conv1d", args)
	sig, ks := r.numbers(r.arg(0), "signal", 1, signals.MaxSignal), r.arg(1)
	if !isArray(ks) || ks.Length() < 1 || ks.Length() > signals.MaxKernels {
		r.failf("kernels must be an Array of 1 to %d kernels (arrays of numbers), found %s", signals.MaxKernels, describeLength(ks))
	}
	if r.err != nil {
		return nil, r.err
	}
	bank := make([]signals.Filter1D, ks.Length())
	for j := range bank {
		bank[j] = signals.Filter1D{Name: fmt.Sprint("kernel ", j), Weights: r.numbers(ks.Index(j), fmt.Sprint("kernel ", j), 1, signals.MaxTaps)}
	}
	if r.err != nil {
		return nil, r.err
	}
	y, err := signals.Conv1D(sig, bank)
	if err != nil {
		return nil, fmt.Errorf("conv1d: %w", err)
	}
	var outputs []any
	for _, col := range signals.Responses(y) {
		outputs = append(outputs, float32Array(col))
	}
	return map[string]any{
		"shape":   []any{y.Shape[0], y.Shape[1]},
		"shapes":  signals.Shapes([]int{len(sig), 1}, []int{len(bank[0].Weights), 1, len(bank)}, y.Shape),
		"outputs": outputs,
	}, nil
}

func motionEnergy(args []js.Value) (any, error) {
	r := argsOf("motionEnergy", args)
	fs := r.arg(0)
	if !isArray(fs) || fs.Length() < 3 || fs.Length() > signals.MaxFrames {
		r.failf("frames must be an Array of 3 to %d images, found %s", signals.MaxFrames, describeLength(fs))
	}
	size := signals.DefaultVolumeSide
	if s := field(r.options(1), "size"); !s.IsUndefined() {
		size = r.intIn(s, "size", 3, signals.MaxVolumeSide)
	}
	if r.err != nil {
		return nil, r.err
	}
	frames := make([]*tensor.Tensor, fs.Length())
	for i := range frames {
		frames[i] = r.image(fs.Index(i), fmt.Sprint("frame ", i))
	}
	if r.err != nil {
		return nil, r.err
	}
	vol, err := signals.Volume(frames, size)
	if err != nil {
		return nil, fmt.Errorf("motionEnergy: %w", err)
	}
	resp, energy, err := signals.MotionEnergy(vol)
	if err != nil {
		return nil, fmt.Errorf("motionEnergy: %w", err)
	}
	return map[string]any{
		"shape":  []any{resp.Shape[0], resp.Shape[1], resp.Shape[2], resp.Shape[3]},
		"shapes": signals.Shapes(vol.Shape, signals.MotionBank().Shape, resp.Shape),
		"width":  energy.Shape[1], "height": energy.Shape[0],
		"energy": float32Array(energy.Data),
	}, nil
}

// isArray reports whether v is a JS Array.
func isArray(v js.Value) bool {
	return js.Global().Get("Array").Call("isArray", v).Bool()
}

// describeLength names v's type, and its length when it has one.
func describeLength(v js.Value) string {
	if v.Type() == js.TypeObject && v.Get("length").Type() == js.TypeNumber {
		return fmt.Sprintf("%s of length %d", describe(v), v.Length())
	}
	return describe(v)
}

// numbers copies v, an array-like of lo..hi finite numbers (a
// Float32Array, Float64Array or Array).
func (r *reader) numbers(v js.Value, what string, lo, hi int) []float32 {
	switch {
	case r.err != nil:
		return nil
	case v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber:
		r.failf("%s must be a Float32Array or Array of numbers, found %s", what, describe(v))
		return nil
	case v.Length() < lo || v.Length() > hi:
		r.failf("%s must hold %d to %d numbers, found %d", what, lo, hi, v.Length())
		return nil
	}
	d, err := finiteNumbers(v, r.op+": "+what)
	r.check(err)
	return d
}
