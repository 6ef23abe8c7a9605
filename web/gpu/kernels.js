// Runs webgputest.wasm (e2e/cmd/webgputest), which checks the WebGPU kernels
// or networks against the CPU and publishes globalThis.visageWebGPUReport.
// With ?net=facerec, ssd, landmarks or tinyface, or ?precision=f16, it
// first fetches that network's model (manifest and shards, from models/)
// into globalThis.visageTestFiles, and face.jpg, a face photo (a face chip
// for the face recognition checks) served beside the page. A failure is
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

// The model each network check needs, and whether it needs the photo.
const checks = {
  '?net=facerec': { manifest: 'face_recognition_model-weights_manifest.json', photo: true },
  '?precision=f16': { manifest: 'face_recognition_model-weights_manifest.json', photo: true },
  '?net=ssd': { manifest: 'ssd_mobilenetv1_model-weights_manifest.json', photo: true },
  '?net=landmarks': { manifest: 'face_landmark_68_model-weights_manifest.json', photo: true },
  '?net=tinyface': { manifest: 'tiny_face_detector_model-weights_manifest.json', photo: true },
};

(async () => {
  try {
    const check = checks[location.search];
    if (check) {
      globalThis.visageTestFiles = await fetchModel(check.manifest);
      if (check.photo) {
        globalThis.visageTestFiles['face.jpg'] = await fetchBytes('face.jpg');
      }
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
