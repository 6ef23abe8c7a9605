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
// The networks built on it are in the sub-packages facerecgpu (the face
// descriptor), ssdgpu and tinyfacegpu (the face detectors), landmarksgpu
// (the 68 landmarks) and nstgpu (the style-transfer gradient and Adam
// loop). A
// caller picks the GPU when Open succeeds and falls back to the CPU network
// when it fails, or when Read or Flush later return an error wrapping
// ErrDeviceLost or ErrOutOfMemory:
//
//	d, err := webgpu.Open()
//	if err == nil {
//		net, err = facerecgpu.Load(d, fsys) // uploads the weights once
//	}
//	…
//	desc, err := net.Encode(chip) // [H,W,3] RGB 0..255, as facerec.Net.Encode
//	if errors.Is(err, webgpu.ErrDeviceLost) || errors.Is(err, webgpu.ErrOutOfMemory) {
//		desc, err = cpuNet.Encode(chip)
//	}
//
// The product's wasm makes this choice in visage/wasm's backend.go (load's
// backend option, 'auto' by default) for every network it runs on the GPU.
//
// Methods that wait on the GPU (Open, Read, Flush) block the calling goroutine
// until a JavaScript promise settles; call them from a goroutine, never from
// inside a js.Func callback, or the event loop deadlocks.
package webgpu
