// Package signals shows convolution beyond images, as the course
// generalises it: 1D (a signal over time, filtered by a bank of 1D kernels)
// and 3D (a t×h×w volume of video frames through a bank of 3×3×3
// spatio-temporal filters, whose temporal responses show where things
// move). Both run on core/ops' reference N-D convolution.
package signals

import (
	"fmt"
	"math"

	"visage/core/ops"
	"visage/core/tensor"
)

// Heartbeat returns n samples of an ECG-like waveform at rate samples a
// second: a beat each period seconds, each a P wave, a sharp QRS complex and
// a T wave (Gaussian bumps), plus a slow baseline wander. It is a made-up
// signal with an ECG's shape, for the 1D demo; deterministic.
func Heartbeat(n int, rate, period float64) []float32 {
	bump := func(t, at, width, height float64) float64 {
		d := (t - at) / width
		return height * math.Exp(-d*d/2)
	}
	out := make([]float32, n)
	for i := range out {
		t := float64(i) / rate
		phase := math.Mod(t, period)
		v := bump(phase, 0.2*period, 0.025, 0.15) + // P
			bump(phase, 0.36*period, 0.008, -0.15) + bump(phase, 0.38*period, 0.01, 1.0) + bump(phase, 0.40*period, 0.008, -0.25) + // QRS
			bump(phase, 0.65*period, 0.05, 0.3) + // T
			0.1*math.Sin(2*math.Pi*0.3*t) // baseline wander
		out[i] = float32(v)
	}
	return out
}

// Filter1D is one hand-set 1D kernel of the demo's bank.
type Filter1D struct {
	Name    string
	Weights []float32
}

// Bank1D returns the demo's 1D filter bank, each kernel 9 taps: a moving
// average (smooths), a derivative (rises positive, falls negative) and a
// matched filter shaped like the QRS spike minus its mean (peaks at beats,
// deaf to the slow wander).
func Bank1D() []Filter1D {
	avg := make([]float32, 9)
	for i := range avg {
		avg[i] = 1.0 / 9
	}
	deriv := []float32{0, 0, 0, -0.5, 0, 0.5, 0, 0, 0}
	qrs := []float32{0, -0.2, -0.4, 0.3, 1, 0.3, -0.4, -0.2, 0}
	var mean float32
	for _, v := range qrs {
		mean += v / 9
	}
	for i := range qrs {
		qrs[i] -= mean
	}
	return []Filter1D{{"moving average", avg}, {"derivative", deriv}, {"QRS matched filter", qrs}}
}

// Conv1D filters signal with every kernel of bank (equal lengths f) as one
// 1D convolution of a [n,1] input with a [f,1,len(bank)] filter, 'valid'
// padding: the result is [n−f+1, len(bank)].
func Conv1D(signal []float32, bank []Filter1D) (*tensor.Tensor, error) {
	f := len(bank[0].Weights)
	if len(signal) < f {
		return nil, fmt.Errorf("signals: a signal of %d samples is shorter than the %d-tap kernels", len(signal), f)
	}
	w := tensor.New(f, 1, len(bank))
	for j, k := range bank {
		if len(k.Weights) != f {
			return nil, fmt.Errorf("signals: kernel %q has %d taps, want %d like the first", k.Name, len(k.Weights), f)
		}
		for i, v := range k.Weights {
			w.Data[i*len(bank)+j] = v
		}
	}
	x, err := tensor.FromData(signal, len(signal), 1)
	if err != nil {
		return nil, err
	}
	return ops.Conv(x, w, nil, nil, ops.Valid), nil
}

// MotionBank returns the 3D demo's filters, [3,3,3,1,4] (t, h, w, in, out):
// a temporal derivative (frame t+1 minus frame t−1, spatially smoothed), a
// temporal mean (the scene), and the horizontal and vertical edges of the
// middle frame (Sobel).
func MotionBank() *tensor.Tensor {
	w := tensor.New(3, 3, 3, 1, 4)
	set := func(t, y, x, out int, v float32) { w.Data[(((t*3+y)*3+x)*1)*4+out] = v }
	smooth := [3]float32{1, 2, 1}
	for y := range 3 {
		for x := range 3 {
			s := smooth[y] * smooth[x] / 16
			set(2, y, x, 0, s) // later minus earlier
			set(0, y, x, 0, -s)
			for t := range 3 {
				set(t, y, x, 1, s/3)
			}
			set(1, y, x, 2, float32(x-1)*smooth[y]/8) // d/dx
			set(1, y, x, 3, float32(y-1)*smooth[x]/8) // d/dy
		}
	}
	return w
}

// MotionEnergy runs MotionBank over frames ([T,H,W,1], values 0..1, T ≥ 3)
// and returns the volume of responses [T−2,H−2,W−2,4] and the motion energy
// map [H−2,W−2]: the mean over time of the squared temporal derivative,
// which is zero wherever nothing changes.
func MotionEnergy(frames *tensor.Tensor) (responses, energy *tensor.Tensor, err error) {
	if frames.Rank() != 4 || frames.Shape[3] != 1 || frames.Shape[0] < 3 || frames.Shape[1] < 3 || frames.Shape[2] < 3 {
		return nil, nil, fmt.Errorf("signals: frames of shape %v, want [T,H,W,1] with T, H, W ≥ 3", frames.Shape)
	}
	responses = ops.Conv(frames, MotionBank(), nil, nil, ops.Valid)
	t, h, w := responses.Shape[0], responses.Shape[1], responses.Shape[2]
	energy = tensor.New(h, w)
	for i := range t {
		for j := range h * w {
			d := responses.Data[(i*h*w+j)*4]
			energy.Data[j] += d * d / float32(t)
		}
	}
	return responses, energy, nil
}
