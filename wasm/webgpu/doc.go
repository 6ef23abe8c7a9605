// Package webgpu runs Visage's tensor kernels on the browser's GPU through the
// WebGPU API, reached with syscall/js (gowebapi has no WebGPU bindings).
//
// A Device wraps one GPUDevice. Tensors live on the GPU as Buffers (NHWC
// float32, the layout of visage/core/tensor). Every kernel method records one
// compute dispatch into the device's current command encoder and returns at
// once; nothing is submitted until Read (or Flush) is called, so a whole
// network pass is one queue submission followed by one read-back. Each kernel
// computes what its namesake in visage/core/ops computes, which is the
// reference its tests compare against.
//
// Methods that wait on the GPU (Open, Read, Flush) block the calling goroutine
// until a JavaScript promise settles; call them from a goroutine, never from
// inside a js.Func callback, or the event loop deadlocks.
package webgpu
