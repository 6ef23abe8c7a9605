package landmarks

import (
	"visage/core/backend"
	"visage/core/tensor"
)

// FLOPs returns the floating-point operations of one forward pass (an
// InputSize×InputSize crop to the 136 outputs), 2 per multiply-add of the
// convolutions, depthwise ones included, and of the fully connected layer
// (biases, ReLUs, sums and pooling left out): forward counted by
// backend.CountFLOPs, with zero weights of the network's shapes. It needs
// no weight files and takes a pass's time.
func FLOPs() float64 {
	return backend.CountFLOPs(func(b backend.Backend[*tensor.Tensor]) {
		forward(b, upload(b, zeroWeights()), tensor.New(InputSize, InputSize, 3))
	})
}
