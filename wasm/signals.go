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

	"visage/core/engine"
	"visage/core/jsvalue"
	"visage/core/signals"
	"visage/core/tensor"
)

func conv1d(args []js.Value) (any, error) {
	sig, err := numbersOf(arg(args, 0), "conv1d: signal", 1, signals.MaxSignal)
	if err != nil {
		return nil, err
	}
	ks, err := arrayOf(arg(args, 1), "conv1d: kernels", "kernels (arrays of numbers)", 1, signals.MaxKernels)
	if err != nil {
		return nil, err
	}
	bank := make([]signals.Filter1D, len(ks))
	for j, k := range ks {
		bank[j].Name = fmt.Sprint("kernel ", j)
		if bank[j].Weights, err = numbersOf(k, "conv1d: "+bank[j].Name, 1, signals.MaxTaps); err != nil {
			return nil, err
		}
	}
	y, err := signals.Conv1D(sig, bank)
	if err != nil {
		return nil, fmt.Errorf("conv1d: %w", err)
	}
	return struct {
		Shape   []int       `js:"shape"`
		Shapes  string      `js:"shapes"`
		Outputs [][]float32 `js:"outputs"`
	}{y.Shape, signals.Shapes([]int{len(sig), 1}, []int{len(bank[0].Weights), 1, len(bank)}, y.Shape), signals.Responses(y)}, nil
}

type motionEnergyArgs struct {
	Frames  js.Value `js:"frames"`
	Options struct {
		Size float64 `js:"size,omitempty"`
	} `js:"options,flat,omitempty"`
}

func (in *motionEnergyArgs) Defaults() { in.Options.Size = signals.DefaultVolumeSide }

func motionEnergy(in *motionEnergyArgs) (any, error) {
	fs, err := arrayOf(in.Frames, "motionEnergy: frames", "images", 3, signals.MaxFrames)
	if err != nil {
		return nil, err
	}
	size, err := engine.IntIn("motionEnergy: size", in.Options.Size, 3, signals.MaxVolumeSide)
	if err != nil {
		return nil, err
	}
	frames := make([]*tensor.Tensor, len(fs))
	for i, f := range fs {
		if frames[i], err = imageOf(f, fmt.Sprint("motionEnergy: frame ", i)); err != nil {
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
	return struct {
		Shape  []int     `js:"shape"`
		Shapes string    `js:"shapes"`
		Width  int       `js:"width"`
		Height int       `js:"height"`
		Energy []float32 `js:"energy"`
	}{resp.Shape, signals.Shapes(vol.Shape, signals.MotionBank().Shape, resp.Shape), energy.Shape[1], energy.Shape[0], energy.Data}, nil
}

// arrayOf returns the elements of v, which must be a JS Array of lo..hi
// things (what); path names v in errors.
func arrayOf(v js.Value, path, what string, lo, hi int) ([]js.Value, error) {
	if !js.Global().Get("Array").Call("isArray", v).Bool() || v.Length() < lo || v.Length() > hi {
		found := jsvalue.Describe(v)
		if v.Type() == js.TypeObject && v.Get("length").Type() == js.TypeNumber {
			found = fmt.Sprintf("%s of length %d", found, v.Length())
		}
		return nil, fmt.Errorf("%s must be an Array of %d to %d %s, found %s", path, lo, hi, what, found)
	}
	out := make([]js.Value, v.Length())
	for i := range out {
		out[i] = v.Index(i)
	}
	return out, nil
}

// numbersOf copies v, an array-like of lo..hi finite numbers (a
// Float32Array, Float64Array or Array); path names v in errors.
func numbersOf(v js.Value, path string, lo, hi int) ([]float32, error) {
	switch {
	case v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber:
		return nil, fmt.Errorf("%s must be a Float32Array or Array of numbers, found %s", path, jsvalue.Describe(v))
	case v.Length() < lo || v.Length() > hi:
		return nil, fmt.Errorf("%s must hold %d to %d numbers, found %d", path, lo, hi, v.Length())
	}
	var d []float32
	if err := jsvalue.Decode(v, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}
