// Package ops holds Visage's numeric kernels on channels-last float32 tensors:
// convolutions (1-D, 2-D, 3-D and depthwise), pooling, activations, matrix
// products, bilinear resizing, layout helpers, and the Adam optimiser's update
// rule (AdamStep), which every optimiser and backend in Visage runs.
//
// Tensors carry no batch dimension: an input is [spatial..., C] (a signal
// [W,C], an image [H,W,C], a volume [D,H,W,C]). Padding follows TensorFlow.
//
// Every kernel has a plain, readable Go version that serves as the reference
// (Conv is the reference for all convolutions, gemmRef for gemm); faster
// versions (Conv2D's im2col + blocked GEMM) live beside it and are tested
// against it.
//
// Natively the blocked GEMM's innermost loop, its micro-kernel, is Go
// assembly where the CPU allows (a 6×16 AVX2+FMA tile on amd64,
// kernel_amd64.s), and so are depthwise convolution's channel loop (mulAdd)
// and the add-and-clamp of ReLU, ReLU6 and AddInPlace (addClamp): each is
// chosen at start-up by CPU feature and sits beside the portable Go loop it
// is tested against; the noasm build tag, and every other architecture,
// keeps the portable ones.
//
// In the browser (js/wasm) the hot kernels run in WebAssembly SIMD written by
// hand in simd.wat: an indirect GEMM that reads a convolution's windows in
// place (Conv2D, MatMul, FullyConnected), Winograd F(2×2, 3×3) for 3×3
// stride-1 convolutions by a Filter, depthwise convolution and max pooling,
// and the long element-wise passes. web/simd.js instantiates them on the Go
// module's own memory before the program starts (simd_wasm.go binds them);
// without them the Go kernels run, which also serve as the oracle the SIMD
// ones are tested against (testdata/go_js_wasm_simd_exec runs the tests
// under Node with the kernels attached). Shape mismatches are programming errors and panic, as in gonum;
// functions never return errors.
package ops
