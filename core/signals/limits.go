package signals

import "visage/core/tensor"

// Limits on one call of the page's demos, which blocks the worker until it
// is done: a Conv1D signal of at most MaxSignal samples, convolved with at
// most MaxKernels kernels of at most MaxTaps taps; a Volume of at most
// MaxFrames frames, of side DefaultVolumeSide unless asked for another up to
// MaxVolumeSide.
const (
	MaxSignal         = 1 << 16
	MaxKernels        = 16
	MaxTaps           = 256
	MaxFrames         = 64
	MaxVolumeSide     = 128
	DefaultVolumeSide = 32
)

// Responses splits y, Conv1D's [m,k] result, into each kernel's response:
// Responses(y)[j][i] is y[i,j].
func Responses(y *tensor.Tensor) [][]float32 {
	m, k := y.Shape[0], y.Shape[1]
	out := make([][]float32, k)
	for j := range out {
		out[j] = make([]float32, m)
		for i := range m {
			out[j][i] = y.Data[i*k+j]
		}
	}
	return out
}
