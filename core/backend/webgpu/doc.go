// Package webgpu runs Visage's tensor kernels on the browser's GPU through the
// WebGPU API, reached with syscall/js (gowebapi has no WebGPU bindings).
//
// A Device wraps one GPUDevice. Tensors live on the GPU as Buffers (NHWC
// float32, the layout of visage/core/tensor). Every kernel method records one
// compute dispatch into the device's current command encoder and returns at
// once; nothing is submitted until Read (or Flush) is called, so a whole
// network pass is one queue submission followed by one read-back. Each kernel
// computes what its namesake in visage/core/ops computes, which is the
// reference its tests compare against (e2e/webgpu_test.go, in headless
// Chromium). Released buffers are recycled, so a pass reuses the memory of
// the previous one.
//
// A *Device is a backend.Differentiable[*Buffer]: the networks of
// visage/models, written once on that interface, run on it as on the CPU
// (facerec.On(net, backend.Backend[*webgpu.Buffer](d)), …). Read, ReadAll
// and Flush return errors wrapping ErrDeviceLost or ErrOutOfMemory (which
// wrap backend.ErrDeviceLost and backend.ErrOutOfMemory) when the GPU
// fails; a backend.Placement then moves the product to the CPU.
//
// Methods that wait on the GPU (Open, Read, Flush) block the calling goroutine
// until a JavaScript promise settles; call them from a goroutine, never from
// inside a js.Func callback, or the event loop deadlocks.
package webgpu
