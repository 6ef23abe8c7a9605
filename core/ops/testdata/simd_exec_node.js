// simd_exec_node.js is Go's wasm_exec_node.js with the SIMD kernels of
// web/simd.js attached between instantiating the Go program and running it.
// Arguments: GOROOT/lib/wasm, the wasm binary, the program's arguments; the
// module to attach is the file named by $VISAGE_SIMD_WASM. See
// go_js_wasm_simd_exec.
'use strict';

const fs = require('fs');
const path = require('path');
const { attachSIMD } = require(path.join(__dirname, '../../../web/simd.js'));

const [goWasmDir] = process.argv.splice(2, 1);
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (bytes, imports) => {
  WebAssembly.instantiate = instantiate; // only the Go program's instantiation is wrapped
  const result = await instantiate(bytes, imports);
  await attachSIMD(result.instance.exports.mem, fs.readFileSync(process.env.VISAGE_SIMD_WASM));
  return result;
};
require(path.join(goWasmDir, 'wasm_exec_node.js'));
