// Package backend is the kernel interface the networks are written against,
// in the shape of TensorFlow.js's backends: each network's forward (and
// backward) pass is written once, in visage/models/<net>, on a Backend; the
// CPU backend here runs it on visage/core/ops (the pure Go reference
// kernels and the SIMD ones beside them), and the WebGPU backend
// (visage/core/backend/webgpu) runs it on the browser's GPU.
//
// A Backend[T] keeps its tensors as values of type T: *tensor.Tensor on the
// CPU, GPU buffers on WebGPU. Kernels may run asynchronously: a result is
// only known to be right, and a backend failure only reported, when Read
// returns. Every kernel computes what its namesake in visage/core/ops
// computes, which is the reference its tests compare against. Shape
// mismatches are programming errors and panic, as in core/ops. A zero T
// (nil) for an optional operand (bias, scale, shift) means zeros (ones).
//
// Kernels documented as in place overwrite their first argument and return
// it; the others return a new tensor the caller owns and hands back with
// Release when done (a no-op on the CPU, where the garbage collector does
// it; the GPU recycles the memory).
//
// Placement (placement.go) decides where a product's networks run and moves
// them to the CPU, for good, when the GPU fails.
package backend

import (
	"errors"

	"visage/core/ops"
	"visage/core/tensor"
)

// Backend is the set of kernels the inference networks use.
type Backend[T any] interface {
	// Upload returns x on the backend. The CPU shares x's storage: the
	// caller must not modify x while the result is in use.
	Upload(x *tensor.Tensor) T
	// UploadWeights is Upload for a tensor that is only ever the weights
	// operand of the matrix kernels (Conv2DFused's filters,
	// FullyConnected's and MatMul's right operand, ConvBackwardInput's
	// filters): the backend may keep it in a form only they read (packed
	// for the CPU's SIMD kernels, float16 on a GPU set to half precision).
	UploadWeights(w *tensor.Tensor) T
	// NewTensor returns a new tensor of zeros.
	NewTensor(shape ...int) T
	// Shape returns x's shape, which the caller must not modify.
	Shape(x T) []int
	// Reshape returns x viewed with another shape of the same size,
	// sharing its storage. x itself must not be used afterwards: the CPU
	// returns a new view, but a GPU reshapes the buffer x in place.
	Reshape(x T, shape ...int) T
	// Release hands back the memory of a tensor the caller owns; x must
	// not be used afterwards.
	Release(x T)
	// ReadAll waits for the kernels recorded so far and returns copies of
	// xs, in order (none: it only waits). Its error is the backend's: a
	// failure of the device (wrapping ErrDeviceLost or ErrOutOfMemory when
	// those are the cause) in this read or any kernel or upload before it.
	ReadAll(xs ...T) ([]*tensor.Tensor, error)

	// Conv2DFused is ops.Conv2D (x [H,W,Cin], w [kh,kw,Cin,Cout], bias
	// [Cout]) followed by ep, in one kernel where the backend can.
	Conv2DFused(x, w, bias T, strideH, strideW int, pad ops.Padding, ep Epilogue[T]) T
	// DepthwiseConv2DFused is ops.DepthwiseConv2D (x [H,W,C], w
	// [kh,kw,C,mult], bias [C·mult]) followed by ep.
	DepthwiseConv2DFused(x, w, bias T, strideH, strideW int, pad ops.Padding, ep Epilogue[T]) T
	// MaxPool2D and AvgPool2D are ops.MaxPool2D and ops.AvgPool2D.
	MaxPool2D(x T, kh, kw, strideH, strideW int, pad ops.Padding) T
	AvgPool2D(x T, kh, kw, strideH, strideW int, pad ops.Padding) T
	// Add is ops.Add: a new a + b, the shapes equal.
	Add(a, b T) T
	// AddZeroExtended returns a new [H,W,C] tensor a + b for operands of
	// rank 3, each of H, W, C the larger of the two operands' sizes, the
	// smaller operand zero-extended at the bottom, the right and in its
	// last channels (ops.PadSpatial and ops.ConcatChannels with zeros, then
	// ops.Add): the shortcut of a residual block that halves the
	// resolution and doubles the channels.
	AddZeroExtended(a, b T) T
	// ReLU, LeakyReLU and Clamp are ops.ReLU, ops.LeakyReLU and a clamp to
	// [lo, hi], in place.
	ReLU(x T) T
	LeakyReLU(x T, alpha float32) T
	Clamp(x T, lo, hi float32) T
	// ReLUCopy is ReLU into a new tensor, x left alone: for a network that
	// needs both a value and its rectified copy (the landmark network's
	// dense blocks keep a running sum and convolve its ReLU).
	ReLUCopy(x T) T
	// ScaleBias is ops.ScaleBias, in place: scale and bias are [C] or nil.
	ScaleBias(x, scale, bias T) T
	// FullyConnected is ops.FullyConnected: x [N,In] or [In], w [In,Out],
	// bias [Out] or nil.
	FullyConnected(x, w, bias T) T
	// MatMul is ops.MatMul: [M,K]·[K,N].
	MatMul(a, b T) T
}

// Differentiable is a Backend with the backward kernels and costs that
// style transfer's gradient needs.
type Differentiable[T any] interface {
	Backend[T]
	// ConvBackwardInput is ops.ConvBackwardInput for Conv2DFused without
	// an epilogue: dy [oh,ow,Cout] and w [kh,kw,Cin,Cout] give dL/dx of
	// shape xShape [H,W,Cin].
	ConvBackwardInput(dy, w T, xShape []int, strideH, strideW int, pad ops.Padding) T
	// MaxPool2DBackward and AvgPool2DBackward are their namesakes in
	// core/ops.
	MaxPool2DBackward(dy, x T, kh, kw, strideH, strideW int, pad ops.Padding) T
	AvgPool2DBackward(dy T, xShape []int, kh, kw, strideH, strideW int, pad ops.Padding) T
	// ReLUBackward is ops.ReLUBackward: dy where ReLU's output y > 0, else 0.
	ReLUBackward(dy, y T) T
	// Gram returns the [C,C] matrix scale·FᵀF of x [H,W,C], F being x
	// viewed as [H·W, C].
	Gram(x T, scale float32) T
	// ScaledDiff returns a new scale·(a − b), the shapes equal.
	ScaledDiff(a, b T, scale float32) T
	// SumSquaredDiff sets out[index] to scale·Σ(a−b)², or adds it when
	// accumulate; out is [n] with n > index.
	SumSquaredDiff(a, b T, scale float32, out T, index int, accumulate bool)
	// TotalVariation sets out[index] (or adds, when accumulate) to
	// scale·Σ of the squared differences between vertically and
	// horizontally adjacent cells of x [H,W,C].
	TotalVariation(x T, scale float32, out T, index int, accumulate bool)
	// AddTotalVariationGrad adds scale·d(Σ TotalVariation)/dx to grad, in
	// place.
	AddTotalVariationGrad(x, grad T, scale float32)
	// AdamStep is ops.AdamStep with float32 moments: it applies Adam step t
	// (1 for the first) to param in place, updating its moments m and v
	// (zeros before step 1) with grad, all four shaped alike.
	AdamStep(a ops.Adam, param, grad, m, v T, t int)
}

// Epilogue is per-channel work fused into a convolution's output as it is
// written.
type Epilogue[T any] struct {
	Scale, Shift T    // [Cout] or nil: y = y·Scale + Shift, as ops.ScaleBias
	ReLU         bool // then y = max(y, 0), as ops.ReLU
	ReLU6        bool // or, instead, y = min(max(y, 0), 6), as ops.ReLU6
}

// The failures of a device after which its networks move to the CPU
// (Placement.Failed). Backends wrap them in the errors they return.
var (
	ErrDeviceLost  = errors.New("the GPU device was lost")
	ErrOutOfMemory = errors.New("the GPU ran out of memory")
)
