// Evaluated in the peer page by webgpu.go: loads the site's visage.js twice,
// on WebGPU and on the CPU, encodes the chip warmup + runs times on each,
// alternating, and returns the timed runs (ms) of each side and the GPU's
// queue submissions and read-backs over all its passes.
async ({ base64, warmup, runs }) => {
  const { Visage } = await import('/visage.js');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const sides = {};
  try {
    sides.webgpu = await Visage.load({ modelsUrl: '/models/', detector: false, backend: 'webgpu' });
    sides.cpu = await Visage.load({ modelsUrl: '/models/', detector: false, backend: 'cpu' });
    const ms = { webgpu: [], cpu: [] };
    const before = await sides.webgpu.backend();
    for (let i = 0; i < warmup + runs; i++) {
      for (const [name, v] of Object.entries(sides)) {
        const start = performance.now();
        await v.encode(bytes);
        if (i >= warmup) {
          ms[name].push(performance.now() - start);
        }
      }
    }
    const after = await sides.webgpu.backend();
    return {
      adapter: after.adapter,
      backend: after.backend,
      ms,
      passes: warmup + runs,
      submissions: after.submissions - before.submissions,
      readBacks: after.readBacks - before.readBacks,
    };
  } finally {
    for (const v of Object.values(sides)) {
      v.terminate();
    }
  }
}
