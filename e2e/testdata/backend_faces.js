// Evaluated in the site's page by TestBackendWebGPUFaces: loads visage.js's
// API, with the detector, on WebGPU and on the CPU; runs detect (the whole
// pipeline) and then landmarks on the first face's box with each, noting
// the GPU's counts after each call; then destroys the GPU device through
// the test hook and runs detect again, which must fall back to the CPU.
async ({ image }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const gpu = await Visage.load({ modelsUrl: 'models/', backend: 'webgpu' });
  const cpu = await Visage.load({ modelsUrl: 'models/', backend: 'cpu' });
  const plain = (faces) => faces.map((f) => ({ ...f, descriptor: Array.from(f.descriptor) }));
  try {
    const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0));
    const out = { loaded: await gpu.backend() };
    out.gpu = plain(await gpu.detect(bytes));
    out.afterDetect = await gpu.backend();
    out.cpu = plain(await cpu.detect(bytes));
    if (out.cpu.length > 0) {
      out.gpuLandmarks = await gpu.landmarks(bytes, out.cpu[0].box);
      out.afterLandmarks = await gpu.backend();
      out.cpuLandmarks = await cpu.landmarks(bytes, out.cpu[0].box);
    }
    await gpu.loseGPUForTesting();
    out.afterLoss = plain(await gpu.detect(bytes));
    out.lostInfo = await gpu.backend();
    return out;
  } finally {
    gpu.terminate();
    cpu.terminate();
  }
}
