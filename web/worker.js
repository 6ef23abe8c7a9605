// worker.js runs the Go core (visage.wasm) in a Web Worker, so that finding and
// encoding faces never blocks the page. visage.js is its only client.
//
// Protocol: the page posts {id, op, args}; the worker answers {id, result} or
// {id, error} (a message string), one answer per request, in request order,
// and before that any number of {id, progress} for a long request.
// Ops "load" ({modelsUrl, detector, backend, precision}) and "artLoad"
// ({vggUrl}) also hand the Go API a progress callback: Go fetches the model
// files itself (wasm/fetch.go), checks them against their manifests, and
// reports {phase: 'download', loaded, total} in bytes, then {phase:
// 'prepare'}. Op "openVault" hands the Go API a callback that posts
// {gallery} (the gallery() another tab's change left, or {error}) whenever
// the stored gallery changes elsewhere. Every op is a method of the API that
// visage.wasm registers as globalThis.visage (see wasm/main.go). An ImageBitmap argument is turned into
// RGBA pixels here, off the page's thread.
//
// If the Go program exits (a fatal runtime error such as running out of
// memory), the worker posts {fatal: reason}: the Go instance cannot be used
// again, so visage.js answers what is pending and starts a new worker.
'use strict';

importScripts('wasm_exec.js', 'simd.js'); // simd.js: attachSIMD, the SIMD kernels and their helpers

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
  // program starts, so they are attached before go.run (pure Go without
  // them), with a kernel helper for each other core (one thread where the
  // page is not cross-origin isolated).
  // visage.js passes load's threads option in the worker's URL.
  const threads = Number(new URL(location.href).searchParams.get('threads') ?? navigator.hardwareConcurrency);
  await attachSIMD(instance.exports.mem, (file) => fetch(file), { threads });
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
    if (op === 'load' || op === 'artLoad') {
      // The Go side fetches the model files and reports their progress.
      const call = visage[op](args[0], (progress) => postMessage({ id, progress }));
      result = await Promise.race([call, exited]);
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
