// simd.js gives the Go core (visage.wasm) its WebAssembly SIMD kernels,
// assembled from core/ops/simd.wat and instantiated on the Go instance's own
// memory so that both work on the same bytes. Load it next to wasm_exec.js
// (importScripts in a worker, require in Node) and call attachSIMD after
// instantiating visage.wasm and before go.run: the Go package core/ops looks
// for the kernels once, when the program starts.
'use strict';

// SIMD_MODULES are the builds of the kernels, best first: with relaxed SIMD's
// fused multiply-add, then plain 128-bit SIMD.
const SIMD_MODULES = ['simd-relaxed.wasm', 'simd.wasm'];

// attachSIMD instantiates the first of SIMD_MODULES this engine accepts on
// memory (the Go instance's exports.mem) and publishes its exports as
// globalThis.visageSIMD, and the file's name as globalThis.visageSIMDBuild. load(file) returns the module's bytes (a
// BufferSource) or a fetch Response, or a promise of either. It resolves to
// the file used, or to null, with a console warning, when no module can be
// used (an engine without SIMD, missing files): the Go core then runs its
// pure Go kernels, slower but equal.
async function attachSIMD(memory, load) {
  const errors = [];
  for (const file of SIMD_MODULES) {
    try {
      let bytes = await load(file);
      if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
        if (!bytes.ok) {
          throw new Error(`HTTP ${bytes.status}`);
        }
        bytes = await bytes.arrayBuffer();
      }
      const { instance } = await WebAssembly.instantiate(bytes, { go: { mem: memory } });
      globalThis.visageSIMD = instance.exports;
      globalThis.visageSIMDBuild = file;
      return file;
    } catch (err) {
      errors.push(`${file}: ${err.message}`);
    }
  }
  console.warn(`Visage runs without SIMD kernels (${errors.join('; ')})`);
  return null;
}

if (typeof module === 'object' && module.exports) {
  module.exports = { attachSIMD };
}
