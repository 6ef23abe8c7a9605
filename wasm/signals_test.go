//go:build js && wasm

package main

import (
	"math"
	"strings"
	"syscall/js"
	"testing"

	"visage/core/jsvalue"
	"visage/core/signals"
	"visage/core/tensor"
)

// TestSignalsMatchCore: conv1d and motionEnergy give core/signals' numbers
// for the same input (they run the same Go code: any difference is the
// marshalling's) and the course's shape lines.
func TestSignalsMatchCore(t *testing.T) {
	sig := signals.Heartbeat(40, 25, 0.8)
	bank := signals.Bank1D()
	kernels := make([]any, len(bank))
	for j, k := range bank {
		kernels[j] = jsvalue.Encode(k.Weights)
	}
	got := call(newAPI(), "conv1d", jsvalue.Encode(sig), kernels)
	if got.rejected != "" {
		t.Fatal(got.rejected)
	}
	want, err := signals.Conv1D(sig, bank)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.value.Get("shapes").String(); s != "40×1 * 3 filters of 9×1 → 32×3" {
		t.Errorf("conv1d shapes %q", s)
	}
	for j := range bank {
		out := got.value.Get("outputs").Index(j)
		for i := range want.Shape[0] {
			if g := out.Index(i).Float(); g != float64(want.At(i, j)) {
				t.Fatalf("conv1d output %d at %d: %v, core/signals %v", j, i, g, want.At(i, j))
			}
		}
	}

	const n, h, w = 5, 9, 12
	frames := make([]any, n)
	rgb := make([]*tensor.Tensor, n)
	for f := range n {
		pix := make([]byte, h*w*4)
		rgb[f] = tensor.New(h, w, 3)
		for i := range h * w {
			for c := range 3 {
				v := byte((i*7 + f*31 + c*50) % 256)
				pix[4*i+c] = v
				rgb[f].Data[3*i+c] = float32(v)
			}
		}
		data := js.Global().Get("Uint8ClampedArray").New(len(pix))
		js.CopyBytesToJS(data, pix)
		frames[f] = map[string]any{"width": w, "height": h, "data": data}
	}
	got = call(newAPI(), "motionEnergy", frames, map[string]any{"size": 8})
	if got.rejected != "" {
		t.Fatal(got.rejected)
	}
	vol, err := signals.Volume(rgb, 8)
	if err != nil {
		t.Fatal(err)
	}
	_, energy, err := signals.MotionEnergy(vol)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.value.Get("shapes").String(); s != "5×6×8×1 * 4 filters of 3×3×3 → 3×4×6×4" {
		t.Errorf("motionEnergy shapes %q", s)
	}
	if gw, gh := got.value.Get("width").Int(), got.value.Get("height").Int(); gw != 6 || gh != 4 {
		t.Errorf("motionEnergy map %d×%d, want 6×4", gw, gh)
	}
	e := got.value.Get("energy")
	for i, v := range energy.Data {
		if g := e.Index(i).Float(); g != float64(v) || math.IsNaN(g) {
			t.Fatalf("energy[%d] = %v, core/signals %v", i, g, v)
		}
	}
}

func TestSignalsBadInputRejects(t *testing.T) {
	arr := func(vs ...any) js.Value { return js.ValueOf(vs) }
	px := map[string]any{"width": 4, "height": 4, "data": js.Global().Get("Uint8ClampedArray").New(64)}
	small := map[string]any{"width": 4, "height": 3, "data": js.Global().Get("Uint8ClampedArray").New(48)}
	for _, c := range []struct {
		name   string
		got    settled
		wanted string
	}{
		{"conv1d()", call(newAPI(), "conv1d"), "conv1d: signal must be a Float32Array or Array of numbers, found undefined"},
		{"conv1d(empty)", call(newAPI(), "conv1d", arr()), "conv1d: signal must hold 1 to 65536 numbers, found 0"},
		{"conv1d(NaN)", call(newAPI(), "conv1d", arr(1, math.NaN(), 3), arr(arr(1))), "conv1d: signal: element 1 must be finite, found NaN"},
		{"conv1d(no kernels)", call(newAPI(), "conv1d", arr(1, 2, 3)), "conv1d: kernels must be an Array of 1 to 16 kernels (arrays of numbers), found undefined"},
		{"conv1d(kernel string)", call(newAPI(), "conv1d", arr(1, 2, 3), arr(arr(1, "x"))), "conv1d: kernel 0: element 1 must be a number, found string"},
		{"conv1d(uneven)", call(newAPI(), "conv1d", arr(1, 2, 3), arr(arr(1, 2), arr(1))), `kernel "kernel 1" has 1 taps, want 2 like the first`},
		{"conv1d(too long)", call(newAPI(), "conv1d", arr(1, 2), arr(arr(1, 2, 3))), "a signal of 2 samples is shorter than the 3-tap kernels"},
		{"motionEnergy(2 frames)", call(newAPI(), "motionEnergy", arr(px, px)), "motionEnergy: frames must be an Array of 3 to 64 images, found [object Array] of length 2"},
		{"motionEnergy(not an image)", call(newAPI(), "motionEnergy", arr(px, px, 7)), "motionEnergy: frame 2 expects image bytes (Uint8Array) or RGBA pixels {width, height, data}, found number"},
		{"motionEnergy(sizes)", call(newAPI(), "motionEnergy", arr(px, px, small)), "frame 2 is 4x3, frame 0 4x4: frames must share a size"},
		{"motionEnergy(size)", call(newAPI(), "motionEnergy", arr(px, px, px), map[string]any{"size": 1}), "motionEnergy: size 1, want a whole number in 3..128"},
	} {
		if !strings.Contains(c.got.rejected, c.wanted) {
			t.Errorf("%s: rejected with %q, want a message containing %q", c.name, c.got.rejected, c.wanted)
		}
	}
}
