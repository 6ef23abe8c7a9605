package facerec

import (
	"visage/core/backend"
	"visage/core/tensor"
)

// FLOPs returns the floating-point operations of one forward pass (a
// Size×Size input to a descriptor), 2 per multiply-add of the convolutions
// and of the fully connected layer (biases, ReLUs and pooling, under 1%,
// left out): forward counted by backend.CountFLOPs, with zero weights of
// the network's shapes. It needs no weight files and takes a pass's time.
func FLOPs() float64 {
	w := map[string]*tensor.Tensor{"fc": tensor.New(convLayers[len(convLayers)-1].cout, Dim)}
	for _, c := range convLayers {
		w[c.prefix+"/filters"], w[c.prefix+"/bias"] = tensor.New(c.k, c.k, c.cin, c.cout), tensor.New(c.cout)
	}
	return backend.CountFLOPs(func(b backend.Backend[*tensor.Tensor]) {
		forward(b, upload(b, w), tensor.New(Size, Size, 3), nil)
	})
}
