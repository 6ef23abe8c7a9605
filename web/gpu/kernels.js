// Runs webgputest.wasm (wasm/webgputest), which compares every WebGPU kernel
// with its CPU reference and publishes globalThis.visageWebGPUReport. A
// failure to load is published in the same place, as {"error": …}.
'use strict';
function fail(msg) {
  globalThis.visageWebGPUReport = JSON.stringify({ error: msg });
  document.getElementById('report').textContent = globalThis.visageWebGPUReport;
}
(async () => {
  try {
    const go = new Go();
    const { instance } = await WebAssembly.instantiateStreaming(fetch('webgputest.wasm'), go.importObject);
    await go.run(instance);
    if (globalThis.visageWebGPUReport === undefined) {
      fail('webgputest.wasm exited without a report (see the console)');
    }
  } catch (e) {
    fail('running webgputest.wasm: ' + e);
  }
})();
