// peak.mjs measures this browser's WebAssembly SIMD ceiling, the one the
// bench's page GFLOP/s are a fraction of: simd.wat's fmaPeak (ten
// independent four-lane multiply-adds a round, registers only) in the
// site's kernel build that the engine accepts first, as web/simd.js picks
// it, on one worker and on several at once.

// BUILDS are web/simd.js's SIMD_MODULES, in its order.
const BUILDS = ['simd-relaxed.wasm', 'simd.wasm'];
const FLOPS_PER_ROUND = 80;

// The worker: instantiates the module, then times repeats runs of rounds
// and posts the best GFLOP/s. The best, because the first runs are the
// engine's baseline tier (V8 tiers a running wasm call up only for the next
// call, compiling in the background) and a busy machine takes the core away
// now and then; many short runs leave some that ran optimised, undisturbed.
const WORKER = `onmessage = ({ data: { module, rounds, repeats } }) => {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const { fmaPeak } = new WebAssembly.Instance(module, { go: { mem } }).exports;
  let best = 0;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fmaPeak(rounds);
    best = Math.max(best, (rounds * ${FLOPS_PER_ROUND}) / ((performance.now() - start) * 1e6));
  }
  postMessage(best);
};`;

/**
 * Runs fmaPeak on workers Web Workers at once, each timing repeats runs of
 * rounds, and returns {build, workers, gflops}: the build used and the sum
 * of the workers' best GFLOP/s.
 */
export async function peak({ workers = 1, rounds = 2e6, repeats = 100 }) {
  const { build, module } = await compileFirst();
  const url = URL.createObjectURL(new Blob([WORKER], { type: 'text/javascript' }));
  try {
    const rates = await Promise.all(
      Array.from({ length: workers }, () => {
        const w = new Worker(url);
        return new Promise((resolve, reject) => {
          w.onmessage = ({ data }) => resolve(data);
          w.onerror = (e) => reject(new Error(`peak worker: ${e.message}`));
          w.postMessage({ module, rounds, repeats });
        }).finally(() => w.terminate());
      }),
    );
    return { build, workers, gflops: rates.reduce((a, b) => a + b, 0) };
  } finally {
    URL.revokeObjectURL(url);
  }
}

// compileFirst compiles the first of BUILDS (from the site, at /) that this
// engine accepts.
async function compileFirst() {
  const errors = [];
  for (const build of BUILDS) {
    try {
      const res = await fetch(`/${build}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return { build, module: await WebAssembly.compile(await res.arrayBuffer()) };
    } catch (err) {
      errors.push(`${build}: ${err.message}`);
    }
  }
  throw new Error(`no SIMD kernel build compiles here (${errors.join('; ')})`);
}
