// simd.js gives the Go core (visage.wasm) its WebAssembly SIMD kernels,
// assembled from core/ops/simd.wat and instantiated on the Go instance's own
// memory so that both work on the same bytes. Load it next to wasm_exec.js
// (importScripts in a worker, require in Node) and call attachSIMD after
// instantiating visage.wasm and before go.run: the Go package core/ops looks
// for the kernels once, when the program starts.
//
// Go's memory cannot be shared between threads, so the other cores work
// through kernel helpers (simd-helper.js): each is a worker with the same
// kernels on a shared memory of its own. A large matrix product (gemm) is
// split by rows, or by products for a batch, between the calling thread,
// which works in Go's memory, and the helpers, whose parts' inputs are
// copied into their memories and outputs copied back: O(activations +
// weights) of copying against O(activations × weights) of multiply-adds.
// The calling thread blocks (Atomics.wait) until every helper is done, so
// to Go the call is as synchronous as the one-thread kernel.
'use strict';

// SIMD_BUILDS are the builds of the kernels, best first: with relaxed SIMD's
// fused multiply-add, then plain 128-bit SIMD. Each has a -shared twin
// importing a shared memory, for the helpers (core/ops/assemble_simd.sh).
const SIMD_BUILDS = ['simd-relaxed', 'simd'];

// MAX_THREADS bounds the threads a gemm is split across: every helper
// copies its part's inputs, the whole of B among them, so each further
// thread adds a copy of B while its part shrinks. (Only two threads have
// been measured: this project's machines have 2 cores.)
const MAX_THREADS = 4;

// attachSIMD instantiates the first build of SIMD_BUILDS this engine accepts
// on memory (the Go instance's exports.mem) and publishes the kernels as
// globalThis.visageSIMD: simd.wat's exports, plus gemm (gemmBlocks, split
// across threads when there are helpers) and threads (the threads gemm may
// use, 1 without helpers); and the build's file name as
// globalThis.visageSIMDBuild. load(file) returns a file's bytes (a
// BufferSource) or a fetch Response, or a promise of either. threads (at
// most MAX_THREADS) asks for threads − 1 helpers; they start only where
// memory can be shared (a cross-origin isolated page, or Node) and workers
// can be made, and a helper that fails to start leaves one thread, with a
// console warning (one that fails beside others that start leaves the
// others). It resolves to the file used, or to null, with a console
// warning, when no build can be used (an engine without SIMD, missing
// files): the Go core then runs its pure Go kernels, slower but equal.
// start starts one helper (startHelper; tests hand in one that fails).
async function attachSIMD(memory, load, { threads = 1, start = startHelper } = {}) {
  const errors = [];
  for (const build of SIMD_BUILDS) {
    let kernels;
    try {
      const { instance } = await WebAssembly.instantiate(await bytesOf(load, `${build}.wasm`), { go: { mem: memory } });
      kernels = instance.exports;
    } catch (err) {
      errors.push(`${build}.wasm: ${err.message}`);
      continue;
    }
    let helpers = [];
    const wanted = Math.min(Math.floor(threads), MAX_THREADS) - 1;
    if (wanted > 0 && canShareMemory()) {
      try {
        const shared = await WebAssembly.compile(await bytesOf(load, `${build}-shared.wasm`));
        const started = await Promise.allSettled(Array.from({ length: wanted }, () => start(shared)));
        helpers = started.filter((s) => s.status === 'fulfilled').map((s) => s.value);
        const failed = started.find((s) => s.status === 'rejected');
        if (failed) {
          throw failed.reason;
        }
      } catch (err) {
        console.warn(`Visage's SIMD kernels run on ${1 + helpers.length} thread(s) (${err.message})`);
      }
    }
    globalThis.visageSIMD = {
      ...kernels,
      gemm: helpers.length ? splitGemm(kernels, memory, helpers) : (...args) => gemmBlocks(kernels.igemm, gemmArgs(args)),
      threads: 1 + helpers.length,
      // failHelpersForTesting(n) makes the next n parts handed to helpers
      // fail there (their kernel traps), for core/ops's tests of the
      // fallback.
      failHelpersForTesting: (n) => {
        helperFailures = n;
      },
      // helperParts is how many parts helpers have computed.
      helperParts: () => helperParts,
    };
    globalThis.visageSIMDBuild = `${build}.wasm`;
    return `${build}.wasm`;
  }
  console.warn(`Visage runs without SIMD kernels (${errors.join('; ')})`);
  return null;
}

// bytesOf returns file's bytes from load (see attachSIMD).
async function bytesOf(load, file) {
  const got = await load(file);
  if (got instanceof ArrayBuffer || ArrayBuffer.isView(got)) {
    return got;
  }
  if (!got.ok) {
    throw new Error(`${file}: HTTP ${got.status}`);
  }
  return got.arrayBuffer();
}

// isNode tells Node (helpers are worker_threads) from a browser (Workers).
const isNode = typeof process === 'object' && process.versions?.node !== undefined && typeof importScripts !== 'function';

// canShareMemory reports whether this context may share memory with
// workers: Node always, a browser only when cross-origin isolated.
function canShareMemory() {
  return typeof SharedArrayBuffer === 'function' && (isNode || globalThis.crossOriginIsolated === true);
}

// GEMM_ARGS are gemm's arguments, in order, as Go passes them (core/ops
// igemmBlocks): igemm's own (see simd.wat) for the whole depth k = kt·taps,
// plus kc, the depth of one igemm call, and parts, the most threads the
// product is worth (1: do not split).
const GEMM_ARGS = ['m', 'n', 'kt', 'taps', 'tapStep', 'ind', 'aOff', 'b', 'c', 'ldc', 'bias', 'relu',
  'tmp', 'mb', 'count', 'aStep', 'bStep', 'cStep', 'kc', 'parts'];

function gemmArgs(values) {
  return Object.fromEntries(GEMM_ARGS.map((name, i) => [name, Number(values[i])]));
}

// NR is the width of igemm's packed B strips, in floats.
const NR = 8;

// gemmBlocks runs the product a (GEMM_ARGS) on igemm one depth block of
// about a.kc at a time (whole taps where they fit): the bias, if any, is
// added by the first block, the ReLU applied by the last.
function gemmBlocks(igemm, a) {
  const k = a.kt * a.taps;
  const tapsPer = Math.max(1, Math.floor(a.kc / a.kt));
  const ktBlock = Math.min(a.kt, a.kc);
  let bias = a.bias;
  for (let t0 = 0; t0 < a.taps; t0 += tapsPer) {
    const nt = Math.min(tapsPer, a.taps - t0);
    for (let p0 = 0; p0 < a.kt; p0 += ktBlock) {
      const last = t0 + nt === a.taps && p0 + ktBlock >= a.kt;
      igemm(a.m, a.n, Math.min(ktBlock, a.kt - p0), nt, a.tapStep, a.ind, a.aOff + t0 * a.tapStep + 4 * p0,
        a.b + 4 * NR * (t0 * a.kt + p0), 4 * NR * k, a.c, a.ldc, bias, last && a.relu ? 1 : 0, a.tmp, a.mb,
        a.count, a.aStep, a.bStep, a.cStep);
      bias = 0;
    }
  }
}

// parts splits the product a into at most n parts computing disjoint parts
// of C, as products a.count ≥ n of them, otherwise as rows in fours (igemm's
// row tiles); each part is a product of GEMM_ARGS in the same memory.
function parts(a, n) {
  const out = [];
  if (a.count >= n) {
    const per = Math.ceil(a.count / n);
    for (let p0 = 0; p0 < a.count; p0 += per) {
      const count = Math.min(per, a.count - p0);
      out.push({ ...a, count, aOff: a.aOff + p0 * a.aStep, b: a.b + p0 * a.bStep, c: a.c + p0 * a.cStep });
    }
    return out;
  }
  const per = Math.ceil(a.m / n / 4) * 4;
  for (let r0 = 0; r0 < a.m; r0 += per) {
    out.push({ ...a, m: Math.min(per, a.m - r0), ind: a.ind + 4 * r0, c: a.c + 4 * r0 * a.ldc });
  }
  return out;
}

// Helper states, in a helper's control word: the caller sets WORK from IDLE
// with the part's arguments beside it, the helper answers DONE or FAILED,
// and the caller sets IDLE again once it has the result.
const IDLE = 0;
const WORK = 1;
const DONE = 2;
const FAILED = 3;

// startHelper starts a kernel helper (simd-helper.js) with module (a
// -shared build) on a shared memory of its own, and resolves to
// {memory, control} once it waits for work: control is its Int32Array of
// the state word then GEMM_ARGS.
function startHelper(module) {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
  const control = new Int32Array(new SharedArrayBuffer(4 * (1 + GEMM_ARGS.length)));
  let worker;
  if (isNode) {
    const { Worker } = require('worker_threads');
    worker = new Worker(require('path').join(__dirname, 'simd-helper.js'));
    worker.unref(); // a helper waiting for work does not keep Node running
  } else {
    worker = new Worker(new URL('simd-helper.js', globalThis.location.href));
  }
  return new Promise((resolve, reject) => {
    const fail = (err) => reject(new Error(`a kernel helper did not start: ${err.message ?? err}`));
    worker.onerror = fail; // browsers
    worker.on?.('error', fail); // Node
    const ready = (data) => (data === 'ready' ? resolve({ memory, control }) : fail(data));
    worker.onmessage = ({ data }) => ready(data);
    worker.on?.('message', ready);
    worker.postMessage({ module, memory, control });
  });
}

// helperFailures is how many more helper parts fail on purpose
// (failHelpersForTesting).
let helperFailures = 0;

// helperParts counts the parts helpers computed (visageSIMD.helperParts).
let helperParts = 0;

// splitGemm returns gemm for kernels on goMemory with helpers: a product
// with parts > 1 is split among the calling thread and up to parts − 1
// helpers (see parts); the rest run on the calling thread alone. A part a
// helper cannot take (its memory cannot grow) or fails is computed on the
// calling thread instead, with a console warning: the result is the same.
function splitGemm(kernels, goMemory, helpers) {
  return (...args) => {
    const a = gemmArgs(args);
    const [own, ...others] = parts(a, Math.min(a.parts, 1 + helpers.length));
    const staged = [];
    others.forEach((part, i) => {
      try {
        staged.push(stage(goMemory, helpers[i], part));
        if (helperFailures > 0) {
          helperFailures--;
          helpers[i].control[1 + GEMM_ARGS.indexOf('ind')] = 0x7ffffff0; // past any memory: igemm traps
        }
        Atomics.store(helpers[i].control, 0, WORK);
        Atomics.notify(helpers[i].control, 0);
      } catch (err) {
        console.warn(`Visage: a kernel helper could not take its part (${err.message}); computed here`);
        staged.push({ part, failed: true });
      }
    });
    gemmBlocks(kernels.igemm, own);
    for (const s of staged) {
      if (s.helper) {
        const { control } = s.helper;
        while (Atomics.load(control, 0) === WORK) {
          Atomics.wait(control, 0, WORK);
        }
        s.failed = Atomics.load(control, 0) !== DONE;
        if (!s.failed) {
          unstage(goMemory, s);
          helperParts++;
        }
        Atomics.store(control, 0, IDLE);
        Atomics.notify(control, 0);
      }
      if (s.failed) {
        gemmBlocks(kernels.igemm, s.part); // the helper wrote only its own memory
      }
    }
  };
}

// stage copies what the part p of a product in goMemory reads (A's rows, B,
// the bias row and, when it accumulates, C) into helper's memory, growing
// it as needed, and writes the part's arguments there into the helper's
// control words. It returns what unstage needs.
function stage(goMemory, helper, p) {
  const go = new Uint8Array(goMemory.buffer);
  const goInd = new Int32Array(goMemory.buffer, p.ind, p.m);
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of goInd) {
    lo = Math.min(lo, row);
    hi = Math.max(hi, row);
  }
  const strips = Math.ceil(p.n / NR);
  const tiles = Math.ceil(p.m / 4) * 4;
  const aLo = lo + p.aOff;
  const aLen = hi - lo + (p.taps - 1) * p.tapStep + 4 * p.kt + (p.count - 1) * p.aStep;
  const bLen = 4 * NR * strips * p.kt * p.taps + (p.count - 1) * p.bStep;
  const cLen = 4 * ((p.m - 1) * p.ldc + p.n) + (p.count - 1) * p.cStep;
  const layout = {};
  let end = 0;
  for (const [name, bytes] of [['tmp', 4 * 32], ['ind', 4 * tiles], ['bias', p.bias ? 4 * NR * strips : 0],
    ['a', aLen], ['b', bLen], ['c', cLen]]) {
    layout[name] = end;
    end += Math.ceil(bytes / 16) * 16;
  }
  const have = helper.memory.buffer.byteLength;
  if (end > have) {
    helper.memory.grow(Math.ceil((end - have) / 65536));
  }
  const mem = new Uint8Array(helper.memory.buffer);
  mem.set(go.subarray(aLo, aLo + aLen), layout.a);
  mem.set(go.subarray(p.b, p.b + bLen), layout.b);
  if (p.bias) {
    mem.set(go.subarray(p.bias, p.bias + 4 * NR * strips), layout.bias);
  } else {
    mem.set(go.subarray(p.c, p.c + cLen), layout.c);
  }
  const ind = new Int32Array(helper.memory.buffer, layout.ind, tiles);
  for (let i = 0; i < tiles; i++) {
    ind[i] = goInd[Math.min(i, p.m - 1)] - aLo + layout.a; // ind[i] + aOff lands in the copy of A
  }
  const local = { ...p, ind: layout.ind, b: layout.b, c: layout.c, bias: p.bias ? layout.bias : 0, tmp: layout.tmp };
  GEMM_ARGS.forEach((name, i) => {
    helper.control[1 + i] = local[name];
  });
  return { helper, part: p, c: layout.c };
}

// unstage copies the helper's C of the staged part back into goMemory, row
// by row where C's rows or products are not contiguous, so that what lies
// between them in Go's memory is left alone.
function unstage(goMemory, { helper, part: p, c }) {
  const go = new Uint8Array(goMemory.buffer);
  const mem = new Uint8Array(helper.memory.buffer);
  const row = 4 * p.n;
  if (p.ldc === p.n && (p.count === 1 || p.cStep === row * p.m)) {
    const len = row * p.m * p.count;
    go.set(mem.subarray(c, c + len), p.c);
    return;
  }
  for (let q = 0; q < p.count; q++) {
    for (let i = 0; i < p.m; i++) {
      const off = q * p.cStep + 4 * i * p.ldc;
      go.set(mem.subarray(c + off, c + off + row), p.c + off);
    }
  }
}

// serveHelper is simd-helper.js's body: given {module, memory, control}
// by post, it instantiates the kernels on memory, answers 'ready' and then
// runs every part the caller hands it through control, until its worker is
// ended. It blocks between parts (Atomics.wait), which a worker may do.
function serveHelper({ module, memory, control }, answer) {
  let igemm;
  try {
    igemm = new WebAssembly.Instance(module, { go: { mem: memory } }).exports.igemm;
  } catch (err) {
    answer(err.message);
    return;
  }
  answer('ready');
  for (;;) {
    Atomics.wait(control, 0, IDLE);
    if (Atomics.load(control, 0) !== WORK) {
      continue;
    }
    let state = DONE;
    try {
      gemmBlocks(igemm, gemmArgs(control.subarray(1)));
    } catch (err) {
      console.error(`Visage kernel helper: ${err.message}`);
      state = FAILED;
    }
    Atomics.store(control, 0, state);
    Atomics.notify(control, 0);
    while (Atomics.load(control, 0) === state) {
      Atomics.wait(control, 0, state);
    }
  }
}

if (typeof module === 'object' && module.exports) {
  module.exports = { attachSIMD, serveHelper, startHelper };
}
