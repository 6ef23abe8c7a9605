package ops

import (
	"fmt"

	"visage/core/tensor"
)

// ReLUBackward turns dy = dL/dy into dL/dx for y = ReLU(x), given the forward
// output y: it zeroes dy where y ≤ 0, in place, and returns dy. y is not
// modified. Different shapes are a programming error and panic.
func ReLUBackward(dy, y *tensor.Tensor) *tensor.Tensor {
	if !tensor.SameShape(dy, y) {
		panic(fmt.Sprintf("ops: ReLUBackward: dy %v, y %v", dy.Shape, y.Shape))
	}
	for i, v := range y.Data {
		if v <= 0 {
			dy.Data[i] = 0
		}
	}
	return dy
}
