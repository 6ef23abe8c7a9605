// worker.js runs the Go core (visage.wasm) in a Web Worker, so that finding and
// encoding faces never blocks the page. visage.js is its only client.
//
// Protocol: the page posts {id, op, args}; the worker answers {id, result} or
// {id, error} (a message string), one answer per request, in request order,
// and before that any number of {id, progress} for a long request.
// op "load" fetches the model files (progress: {phase: 'download', loaded,
// total} in bytes, then {phase: 'prepare'}) and hands their bytes to the Go
// API; op "artLoad" does the same with the VGG-19 files for the Art view;
// op "openVault" hands the Go API a callback that posts {gallery} (the
// gallery() another tab's change left, or {error}) whenever the stored
// gallery changes elsewhere; every other op is a method of the API that
// visage.wasm registers as
// globalThis.visage (see wasm/main.go). An ImageBitmap argument is turned into
// RGBA pixels here, off the page's thread.
//
// If the Go program exits (a fatal runtime error such as running out of
// memory), the worker posts {fatal: reason}: the Go instance cannot be used
// again, so visage.js answers what is pending and starts a new worker.
'use strict';

importScripts('wasm_exec.js', 'simd.js'); // simd.js: attachSIMD (perf helper's SIMD kernels)

// RECOGNIZER is the network every load fetches; DETECTORS are the ones that
// find faces in whole photos (the SSD detector, the 68-point landmark net and
// the Tiny Face Detector, enroll's last resort), fetched unless load is told
// {detector: false}. Names are tfjs manifest prefixes.
const RECOGNIZER = 'face_recognition_model';
const DETECTORS = ['ssd_mobilenetv1_model', 'face_landmark_68_model', 'tiny_face_detector_model'];
// LIVENESS are human-models' graph models (model.json files whose
// weightsManifest names their shards) for unlock's passive check, fetched
// with the detectors.
const LIVENESS = ['antispoof.json', 'liveness.json'];

// goOutput keeps the last lines the Go program printed (wasm_exec.js writes
// them with console.log), so that an exit can say why: "fatal error: …".
const goOutput = [];
const consoleLog = console.log;
console.log = (...args) => {
  goOutput.push(args.join(' '));
  goOutput.splice(0, goOutput.length - 20);
  consoleLog(...args);
};

// exited rejects, with the reason, when the Go program exits.
let exited;
const go = new Go();
const api = start();

async function start() {
  const { instance } = await WebAssembly.instantiateStreaming(fetch('visage.wasm'), go.importObject);
  // The SIMD kernels share Go's memory; core/ops looks for them when the Go
  // program starts, so they are attached before go.run (pure Go without them).
  await attachSIMD(instance.exports.mem, (file) => fetch(file));
  // run settles only when the Go program exits, which it does not do on its
  // own: only a fatal error ends it.
  exited = go.run(instance).then(() => {
    const line = goOutput.findLast((l) => /^(fatal error|panic|runtime):/.test(l));
    throw new Error(`the engine stopped (${line ?? 'the Go program exited'})`);
  });
  exited.catch((err) => postMessage({ fatal: err.message }));
  if (typeof globalThis.visage !== 'object') {
    throw new Error('visage.wasm started but did not register its API');
  }
  return globalThis.visage;
}

// fetchBytes returns the body of url as a Uint8Array, or throws naming the
// URL. onSize(bytes) is called once with the announced length (0 if unknown),
// onChunk(bytes) with each part as it arrives.
async function fetchBytes(url, onSize = () => {}, onChunk = () => {}) {
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  }
  onSize(Number(res.headers.get('Content-Length')) || 0);
  const parts = [];
  let length = 0;
  // A reader loop, not for await: Safari's streams are not async iterable.
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    parts.push(r.value);
    length += r.value.length;
    onChunk(r.value.length);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// load fetches the models' manifests, then all their shards at once, from
// modelsUrl (an absolute URL of a folder), and passes them, by file name, to
// the Go API, with the backend asked for ('auto', 'webgpu' or 'cpu': the Go
// side opens WebGPU from this worker's navigator.gpu) and the GPU's
// precision ('f32' or 'f16'). progress reports the shards' bytes.
async function load(visage, { modelsUrl, detector = true, backend = 'auto', precision = 'f32', encoder = 'dlib' }, progress) {
  const models = detector ? [RECOGNIZER, ...DETECTORS] : [RECOGNIZER];
  const files = {};
  const manifests = await Promise.all(
    models.map((m) => fetchBytes(new URL(`${m}-weights_manifest.json`, modelsUrl))),
  );
  const shards = [];
  models.forEach((m, i) => {
    files[`${m}-weights_manifest.json`] = manifests[i];
    for (const group of JSON.parse(new TextDecoder().decode(manifests[i]))) {
      shards.push(...group.paths);
    }
  });
  // human-models' graph models: unlock's passive liveness check (with the
  // detectors) and, when asked for, the encoder (mobilefacenet.json,
  // faceres.json); each one's weights manifest is inside its JSON.
  const graphs = [...(detector ? LIVENESS : []), ...(encoder !== 'dlib' ? [`${encoder}.json`] : [])];
  const graphBytes = await Promise.all(graphs.map((g) => fetchBytes(new URL(g, modelsUrl))));
  graphs.forEach((g, i) => {
    files[g] = graphBytes[i];
    for (const group of JSON.parse(new TextDecoder().decode(graphBytes[i])).weightsManifest ?? []) {
      shards.push(...group.paths);
    }
  });
  let loaded = 0;
  let total = 0;
  const report = () => progress({ phase: 'download', loaded, total });
  const bytes = await Promise.all(
    shards.map((path) =>
      fetchBytes(
        new URL(path, modelsUrl),
        (size) => { total += size; },
        (n) => { loaded += n; report(); },
      ),
    ),
  );
  shards.forEach((path, i) => { files[path] = bytes[i]; });
  progress({ phase: 'prepare' });
  return visage.load({ files, backend, precision, encoder });
}

// loadVGG fetches VGG-19's manifest.json from vggUrl (an absolute URL of a
// folder), then the raw weight files of the layers the Go API runs, and
// passes them, by file name, to the Go API. progress reports the files'
// bytes, as load's does.
async function loadVGG(visage, { vggUrl }, progress) {
  const manifestBytes = await fetchBytes(new URL('manifest.json', vggUrl));
  const layers = new Set(await visage.artLayers());
  const entries = Object.entries(JSON.parse(new TextDecoder().decode(manifestBytes)).weights ?? {})
    .filter(([name]) => layers.has(name.split('/')[0]))
    .map(([, entry]) => entry);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  let loaded = 0;
  const files = { 'manifest.json': manifestBytes };
  const bytes = await Promise.all(
    entries.map((e) =>
      fetchBytes(new URL(e.filename, vggUrl), () => {}, (n) => {
        loaded += n;
        progress({ phase: 'download', loaded, total });
      }),
    ),
  );
  entries.forEach((e, i) => { files[e.filename] = bytes[i]; });
  progress({ phase: 'prepare' });
  return visage.artLoad({ files });
}

// pixelsOf draws an ImageBitmap into RGBA pixels {width, height, data} and
// closes it.
function pixelsOf(bitmap) {
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width, height, data: ctx.getImageData(0, 0, width, height).data };
}

// handle runs one request and posts its answer.
async function handle({ id, op, args }) {
  try {
    const visage = await api;
    let result;
    if (op === 'load') {
      result = await load(visage, args[0], (progress) => postMessage({ id, progress }));
    } else if (op === 'artLoad') {
      result = await loadVGG(visage, args[0], (progress) => postMessage({ id, progress }));
    } else if (op === 'openVault') {
      result = await visage.openVault(args[0], (info) =>
        postMessage({ gallery: info instanceof Error ? { error: info.message } : info }),
      );
    } else if (typeof visage[op] === 'function') {
      const call = visage[op](...args.map((a) => (a instanceof ImageBitmap ? pixelsOf(a) : a)));
      result = await Promise.race([call, exited]); // a call the exit cuts short never settles
    } else {
      throw new Error(`unknown operation ${JSON.stringify(op)}`);
    }
    postMessage({ id, result }, ArrayBuffer.isView(result) ? [result.buffer] : []);
  } catch (err) {
    if (go.exited) {
      return; // the {fatal} message answers every pending request
    }
    postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
}

// Requests run one after another, so a call made while the model loads waits
// for it and answers come back in request order.
let queue = Promise.resolve();
onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};
