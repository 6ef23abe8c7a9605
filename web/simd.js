// simd.js gives the Go core (visage.wasm) its WebAssembly SIMD kernels:
// simd.wasm, assembled from core/ops/simd.wat, instantiated on the Go
// instance's own memory so that both work on the same bytes. Load it next to
// wasm_exec.js (importScripts in a worker, require in Node) and call
// attachSIMD after instantiating visage.wasm and before go.run: the Go
// package core/ops looks for the kernels once, when the program starts.
'use strict';

// attachSIMD instantiates the SIMD kernels on memory (the Go instance's
// exports.mem) and publishes their exports as globalThis.visageSIMD. source is
// the module's bytes (a BufferSource) or a fetch Response (or a promise of
// one). It resolves to true when the kernels are in place, and to false,
// with a console warning, when they cannot be (an engine without SIMD, a
// missing file): the Go core then runs its pure Go kernels, slower but equal.
async function attachSIMD(memory, source) {
  try {
    let bytes = await source;
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
      if (!bytes.ok) {
        throw new Error(`could not fetch ${bytes.url}: HTTP ${bytes.status}`);
      }
      bytes = await bytes.arrayBuffer();
    }
    const { instance } = await WebAssembly.instantiate(bytes, { go: { mem: memory } });
    globalThis.visageSIMD = instance.exports;
    return true;
  } catch (err) {
    console.warn(`Visage runs without SIMD kernels: ${err.message}`);
    return false;
  }
}

if (typeof module === 'object' && module.exports) {
  module.exports = { attachSIMD };
}
