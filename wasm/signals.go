//go:build js && wasm

package main

// 1D and 3D convolution you can see (core/signals, as `visage conv1d` and
// `visage conv3d` run it):
//
//	conv1d(signal, kernels) → {shape: [n−f+1, k], shapes, outputs: [Float32Array(n−f+1), …k]}
//	    signal, 1..maxSignal numbers; kernels, 1..maxKernels arrays of
//	    one length f (1..maxTaps, at most n) each: one 'valid' 1D
//	    convolution of the [n,1] signal with the [f,1,k] bank; outputs[j]
//	    is kernel j's response, shapes the course's line ("96×1 * 2
//	    filters of 9×1 → 88×2")
//	motionEnergy(frames, {size}?) → {shape: [T−2, H−2, W−2, 4], shapes, width, height, energy: Float32Array}
//	    frames, 3..maxFrames images of one size (RGBA pixels or encoded
//	    bytes), as signals.Volume stacks them (greyscale 0..1, the longer
//	    side area-averaged down to size, default 32, in 3..128) through
//	    signals.MotionBank's 4 filters of 3×3×3; energy is the motion
//	    energy map, width × height = (W−2) × (H−2), row by row

import (
	"fmt"
	"syscall/js"

	"visage/core/signals"
	"visage/core/tensor"
)

// Limits on the signal calls' inputs: each call blocks the worker.
const (
	maxSignal  = 1 << 16
	maxKernels = 16
	maxTaps    = 256
	maxFrames  = 64
	maxVolSide = 128
)

func conv1d(args []js.Value) (any, error) {
	sig, err := numbersOf(arg(args, 0), "conv1d: signal", 1, maxSignal)
	if err != nil {
		return nil, err
	}
	ks := arg(args, 1)
	if !isArray(ks) || ks.Length() < 1 || ks.Length() > maxKernels {
		return nil, fmt.Errorf("conv1d: kernels must be an Array of 1 to %d kernels (arrays of numbers), found %s", maxKernels, describeLength(ks))
	}
	bank := make([]signals.Filter1D, ks.Length())
	for j := range bank {
		w, err := numbersOf(ks.Index(j), fmt.Sprintf("conv1d: kernel %d", j), 1, maxTaps)
		if err != nil {
			return nil, err
		}
		bank[j] = signals.Filter1D{Name: fmt.Sprint("kernel ", j), Weights: w}
	}
	y, err := signals.Conv1D(sig, bank)
	if err != nil {
		return nil, fmt.Errorf("conv1d: %w", err)
	}
	m, k := y.Shape[0], y.Shape[1]
	outputs := make([]any, k)
	for j := range outputs {
		col := make([]float32, m)
		for i := range col {
			col[i] = y.Data[i*k+j]
		}
		outputs[j] = float32Array(col)
	}
	return map[string]any{
		"shape":   []any{m, k},
		"shapes":  signals.Shapes([]int{len(sig), 1}, []int{len(bank[0].Weights), 1, k}, y.Shape),
		"outputs": outputs,
	}, nil
}

func motionEnergy(args []js.Value) (any, error) {
	fs := arg(args, 0)
	if !isArray(fs) || fs.Length() < 3 || fs.Length() > maxFrames {
		return nil, fmt.Errorf("motionEnergy: frames must be an Array of 3 to %d images, found %s", maxFrames, describeLength(fs))
	}
	opts, err := optionsOf(args, 1, "motionEnergy")
	if err != nil {
		return nil, err
	}
	size := 32
	if s := field(opts, "size"); !s.IsUndefined() {
		if size, err = intIn(s, "motionEnergy: size", 3, maxVolSide); err != nil {
			return nil, err
		}
	}
	frames := make([]*tensor.Tensor, fs.Length())
	for i := range frames {
		if frames[i], err = imageOf(fs.Index(i), fmt.Sprintf("motionEnergy: frame %d", i)); err != nil {
			return nil, err
		}
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

// numbersOf copies an array-like of lo..hi finite numbers (a Float32Array,
// Float64Array or Array); what names it in errors.
func numbersOf(v js.Value, what string, lo, hi int) ([]float32, error) {
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return nil, fmt.Errorf("%s must be a Float32Array or Array of numbers, found %s", what, describe(v))
	}
	if n := v.Length(); n < lo || n > hi {
		return nil, fmt.Errorf("%s must hold %d to %d numbers, found %d", what, lo, hi, n)
	}
	return finiteNumbers(v, what)
}
