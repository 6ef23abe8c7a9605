// worker.js runs the Go core (visage.wasm) in a Web Worker, so that encoding a
// face never blocks the page. visage.js is its only client.
//
// Protocol: the page posts {id, op, args}; the worker answers {id, result} or
// {id, error} (a message string), one answer per request, in request order.
// op "load" fetches the model files and hands their bytes to the Go API; every
// other op is a method of the API that visage.wasm registers as
// globalThis.visage (see wasm/main.go).
'use strict';

importScripts('wasm_exec.js');

// MODELS are the networks the worker loads, by tfjs manifest prefix.
const MODELS = ['face_recognition_model'];

const api = start();

async function start() {
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch('visage.wasm'), go.importObject);
  // run settles only when the Go program exits, which it does not do on its own;
  // later calls then fail with wasm_exec.js's "Go program has already exited".
  go.run(instance);
  if (typeof globalThis.visage !== 'object') {
    throw new Error('visage.wasm started but did not register its API');
  }
  return globalThis.visage;
}

// fetchBytes returns the body of url as a Uint8Array, or throws naming the URL.
async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

// load fetches every file of each model in MODELS from modelsUrl (an absolute
// URL of a folder) and passes them, by file name, to the Go API.
async function load(visage, { modelsUrl }) {
  const files = {};
  for (const model of MODELS) {
    const name = `${model}-weights_manifest.json`;
    const manifest = await fetchBytes(new URL(name, modelsUrl));
    files[name] = manifest;
    for (const group of JSON.parse(new TextDecoder().decode(manifest))) {
      for (const path of group.paths) {
        files[path] = await fetchBytes(new URL(path, modelsUrl));
      }
    }
  }
  return visage.load({ files });
}

// handle runs one request and posts its answer.
async function handle({ id, op, args }) {
  try {
    const visage = await api;
    if (op !== 'load' && typeof visage[op] !== 'function') {
      throw new Error(`unknown operation ${JSON.stringify(op)}`);
    }
    const result = op === 'load' ? await load(visage, ...args) : await visage[op](...args);
    postMessage({ id, result }, ArrayBuffer.isView(result) ? [result.buffer] : []);
  } catch (err) {
    postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
}

// Requests run one after another, so a call made while the model loads waits
// for it and answers come back in request order.
let queue = Promise.resolve();
onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};
