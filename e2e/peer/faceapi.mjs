// faceapi.mjs runs face-api.js (its ES module bundle, TensorFlow.js 4.22
// inside) in the peer page for the bench and the LFW run. Images are decoded
// by the browser (an <img> element), as a face-api.js web page would: its
// networks read the pixels through tf.browser.fromPixels.
import * as faceapi from './face-api.esm.js';

const { tf } = faceapi;

/**
 * Selects the TensorFlow.js backend ('wasm' or 'webgl') and loads the SSD
 * detector, the 68-landmark net and the recognition net. For wasm the
 * binaries come from /peer/tfjs/; tfjs picks the threaded SIMD one when the
 * page is cross-origin isolated, with threads threads if given (see
 * startWasm; tfjs's own default is half the cores). Returns what was
 * actually set up: for wasm, threads is what tfjs's getThreadsCount reports
 * and threadsAsked what was asked. Every peer module in the page (nst.mjs
 * too) runs on this backend, with these threads.
 */
export async function setup({ backend, threads }) {
  if (backend === 'wasm') {
    tf.setWasmPaths(new URL('tfjs/', import.meta.url).href);
    if (threads) tf.setThreadsCount(threads);
  }
  const started = backend === 'wasm' && threads ? await startWasm(threads) : await tf.setBackend(backend);
  if (!started) {
    throw new Error(`tfjs backend ${backend} could not be initialised`);
  }
  await tf.ready();
  const models = new URL('models/', import.meta.url).href;
  await Promise.all([
    faceapi.nets.ssdMobilenetv1.loadFromUri(models),
    faceapi.nets.faceLandmark68Net.loadFromUri(models),
    faceapi.nets.faceRecognitionNet.loadFromUri(models),
  ]);
  const info = {
    backend: tf.getBackend(),
    faceapi: faceapi.version,
    tfjs: tf.version_core,
    isolated: globalThis.crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
  };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    info.threads = tf.getThreadsCount();
    if (threads) info.threadsAsked = threads;
  } else if (backend === 'webgl') {
    const gl = tf.backend().gpgpu.gl;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    info.renderer = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  }
  return info;
}

/**
 * Starts tfjs's wasm backend with threads threads (setThreadsCount already
 * called) and returns whether it started. tfjs-wasm 4.22 caps XNNPACK's
 * pool at half of navigator.hardwareConcurrency whatever setThreadsCount
 * asks (backend.cc: min(count, 8, emscripten_num_logical_cores() / 2), the
 * halving meant for hyper-threaded cores), so on 2 cores it would run one
 * thread. While the backend starts (the module's static initialisers read
 * the cores once, on this thread), the page reports 2·threads cores, which
 * lets the threads asked for through; the real value is restored as soon
 * as the backend has started.
 */
async function startWasm(threads) {
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await tf.setBackend('wasm');
  } finally {
    delete navigator.hardwareConcurrency; // Navigator.prototype's getter again
  }
}

const images = new Map(); // url → decoded <img>

// image returns the decoded <img> of url, loading it once.
async function image(url) {
  if (!images.has(url)) {
    const img = new Image();
    img.src = url;
    await img.decode();
    images.set(url, img);
  }
  return images.get(url);
}

// describe runs face-api.js's withFaceLandmarks().withFaceDescriptors() on
// the given detections of img (its own task classes, so the crops,
// landmarks and alignment are exactly the library's).
function describe(img, detections) {
  const parents = detections.map((d) => faceapi.extendWithFaceDetection({}, d));
  return new faceapi.DetectAllFaceLandmarksTask(Promise.resolve(parents), img, false).withFaceDescriptors();
}

const box = (d) => ({ x: d.box.x, y: d.box.y, w: d.box.width, h: d.box.height, score: d.score });

/**
 * Runs face-api.js's pipeline on each image URL: SSD-MobileNetV1 once at the
 * lowest of minConfidences (face-api.js keeps scores > minConfidence, and a
 * higher threshold keeps exactly the higher-scored of those boxes, NMS being
 * greedy by score), then landmarks + descriptor for the faces picked: for
 * each threshold t, "t/largest" (largest box area among scores > t) and
 * "t/best" (highest score, what detectSingleFace returns). Returns per image
 * {dets: [{x,y,w,h,score}], picks: {"t/rule": index}, descriptors: {index:
 * [128]}}; a pick is absent when no box passes t.
 */
export async function lfw({ urls, minConfidences }) {
  const lowest = Math.min(...minConfidences);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: lowest });
  const out = [];
  for (const url of urls) {
    const img = await image(url);
    images.delete(url); // each LFW image is used once
    const dets = await faceapi.detectAllFaces(img, options);
    const picks = {};
    for (const t of minConfidences) {
      let largest = -1, best = -1;
      dets.forEach((d, i) => {
        if (d.score <= t) return;
        if (best < 0 || d.score > dets[best].score) best = i;
        if (largest < 0 || d.box.area > dets[largest].box.area) largest = i;
      });
      if (best >= 0) {
        picks[`${t}/best`] = best;
        picks[`${t}/largest`] = largest;
      }
    }
    const chosen = [...new Set(Object.values(picks))];
    const described = await describe(img, chosen.map((i) => dets[i]));
    const descriptors = {};
    chosen.forEach((i, k) => { descriptors[i] = Array.from(described[k].descriptor); });
    out.push({ dets: dets.map(box), picks, descriptors });
  }
  return out;
}

let bench = null; // what prepareBench loaded

/**
 * Loads the bench inputs: a face chip (150×150) and photos, and detects the
 * faces of each photo once (default options) for the landmark bench. Returns
 * the number of faces per photo.
 */
export async function prepareBench({ chip, photos }) {
  const ph = await Promise.all(photos.map(image));
  const dets = await Promise.all(ph.map((img) => faceapi.detectAllFaces(img)));
  bench = { chip: await image(chip), photos: ph, best: dets.map((d) => d[0]) };
  return dets.map((d) => d.length);
}

// runs are the timed operations, each over the bench inputs, awaiting the
// result's data so that the backend has finished.
const runs = {
  // descriptor: the 128-d descriptor of the chip.
  descriptor: () => faceapi.nets.faceRecognitionNet.computeFaceDescriptor(bench.chip),
  // detect: SSD-MobileNetV1 (default options) on each photo.
  detect: async () => {
    for (const img of bench.photos) await faceapi.detectAllFaces(img);
  },
  // landmarks: the 68-point net on the best face of each photo, crop included.
  landmarks: async () => {
    for (const [i, img] of bench.photos.entries()) {
      if (!bench.best[i]) continue;
      const [crop] = await faceapi.extractFaces(img, [bench.best[i]]);
      await faceapi.nets.faceLandmark68Net.detectLandmarks(crop);
    }
  },
  // pipeline: every face of each photo detected, landmarked and described.
  pipeline: async () => {
    for (const img of bench.photos) await faceapi.detectAllFaces(img).withFaceLandmarks().withFaceDescriptors();
  },
};

/** Runs bench operation name once and returns its wall time in ms. */
export async function time({ op: name }) {
  const run = runs[name];
  if (!run) throw new Error(`no face-api.js bench ${name}`);
  const start = performance.now();
  await run();
  return performance.now() - start;
}
