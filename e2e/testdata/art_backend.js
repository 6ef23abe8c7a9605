// Evaluated in the site's page by TestArtWebGPU: runs visage.js's stylize
// on the content and style (base64) three ways: loaded on WebGPU, loaded on
// the CPU, and on WebGPU again with the GPU destroyed by the test hook after
// the first step, when the run must go on on the CPU. One step a chunk
// (chunkMs 0); after each the backend's counters are taken, so that the
// test can tell what a chunk costs on the GPU. It also returns backend() of
// an instance loaded on WebGPU with precision 'f16'.
async ({ content, style, size, steps }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const gpu = await Visage.load({ detector: false, backend: 'webgpu' });
  const cpu = await Visage.load({ detector: false, backend: 'cpu' });
  const run = async (v, loseAfter) => {
    const chunks = [];
    const infos = [];
    const res = await v.stylize(bytes(content), bytes(style), {
      steps,
      size,
      chunkMs: 0,
      onStep(p) {
        chunks.push({ step: p.step, backend: p.backend, costs: p.costs.map((c) => c.total) });
        // Posted before the next step: the worker serves calls in order.
        infos.push(p.step === loseAfter ? v.loseGPUForTesting() : v.backend());
      },
    });
    return { chunks, infos: await Promise.all(infos), backend: res.backend, image: Array.from(res.image.data) };
  };
  const half = await Visage.load({ detector: false, backend: 'webgpu', precision: 'f16' });
  const halfInfo = await half.backend();
  half.terminate();
  try {
    return { gpu: await run(gpu, 0), cpu: await run(cpu, 0), lost: await run(gpu, 1), halfInfo };
  } finally {
    gpu.terminate();
    cpu.terminate();
  }
}
