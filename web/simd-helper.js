// simd-helper.js is a kernel helper of web/simd.js: a worker (a Web Worker,
// or a Node worker thread) that runs its share of the SIMD kernels' matrix
// products on a shared memory of its own. Its first message is
// {module, memory, control}; see serveHelper.
'use strict';

if (typeof importScripts === 'function') {
  importScripts('simd.js');
  onmessage = ({ data }) => serveHelper(data, (answer) => postMessage(answer));
} else {
  const { parentPort } = require('worker_threads');
  const { serveHelper } = require('./simd.js');
  parentPort.once('message', (data) => serveHelper(data, (answer) => parentPort.postMessage(answer)));
}
