// Package ops holds Visage's numeric kernels on channels-last float32 tensors:
// convolutions (1-D, 2-D, 3-D and depthwise), pooling, activations, matrix
// products, bilinear resizing and layout helpers.
//
// Tensors carry no batch dimension: an input is [spatial..., C] (a signal
// [W,C], an image [H,W,C], a volume [D,H,W,C]). Padding follows TensorFlow.
//
// Every kernel has a plain, readable Go version that serves as the reference
// (Conv is the reference for all convolutions, gemmRef for gemm); faster
// versions (Conv2D's im2col + blocked GEMM) live beside it and are tested
// against it. Shape mismatches are programming errors and panic, as in gonum;
// functions never return errors.
package ops
