// Runs webgputest.wasm (wasm/webgputest), which checks the WebGPU kernels
// or networks against the CPU and publishes globalThis.visageWebGPUReport.
// With ?net=facerec it first fetches the face recognition model (manifest
// and shards, from models/) into globalThis.visageTestFiles. A failure is
// published in the same place, as {"error": …}.
'use strict';
function fail(msg) {
  globalThis.visageWebGPUReport = JSON.stringify({ error: msg });
  document.getElementById('report').textContent = globalThis.visageWebGPUReport;
}

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`fetching ${url}: HTTP ${res.status}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

// fetchModel fetches a TensorFlow.js manifest and the shards it lists.
async function fetchModel(manifest) {
  const files = {};
  files[manifest] = await fetchBytes('models/' + manifest);
  for (const group of JSON.parse(new TextDecoder().decode(files[manifest]))) {
    for (const p of group.paths) {
      files[p] = await fetchBytes('models/' + p);
    }
  }
  return files;
}

(async () => {
  try {
    if (location.search === '?net=facerec') {
      globalThis.visageTestFiles = await fetchModel('face_recognition_model-weights_manifest.json');
    }
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
