// simd_exec_node.js is Go's wasm_exec_node.js with the SIMD kernels of
// web/simd.js attached between instantiating the Go program and running it.
// Arguments: GOROOT/lib/wasm, the wasm binary, the program's arguments; the
// kernel modules are read from the folder $VISAGE_SIMD_DIR, and the one
// attached must be the relaxed build when $VISAGE_SIMD_RELAXED is 1, the
// plain one otherwise; $VISAGE_SIMD_THREADS (default 1) asks for that many
// threads (kernel helpers), of which the first $VISAGE_SIMD_FAIL_STARTS
// (default 0) helpers fail to start. See go_js_wasm_simd_exec.
'use strict';

const fs = require('fs');
const path = require('path');
const { attachSIMD, startHelper } = require(path.join(__dirname, '../../../web/simd.js'));

const [goWasmDir] = process.argv.splice(2, 1);
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (bytes, imports) => {
  WebAssembly.instantiate = instantiate; // only the Go program's instantiation is wrapped
  const result = await instantiate(bytes, imports);
  const used = await attachSIMD(result.instance.exports.mem,
    (file) => fs.readFileSync(path.join(process.env.VISAGE_SIMD_DIR, file)),
    { threads: Number(process.env.VISAGE_SIMD_THREADS ?? 1), start: failingStarts(Number(process.env.VISAGE_SIMD_FAIL_STARTS ?? 0)) });
  const want = process.env.VISAGE_SIMD_RELAXED === '1' ? 'simd-relaxed.wasm' : 'simd.wasm';
  if (used !== want) {
    console.error(`simd_exec_node.js: attached ${used}, want ${want}`);
    process.exit(1);
  }
  return result;
};
require(path.join(goWasmDir, 'wasm_exec_node.js'));

// failingStarts is startHelper but for its first n calls, which fail.
function failingStarts(n) {
  return (module) => (n-- > 0 ? Promise.reject(new Error('failed on purpose (VISAGE_SIMD_FAIL_STARTS)')) : startHelper(module));
}
