// Evaluated in the site's page by TestBackendWebGPU: loads visage.js's API
// twice, once on WebGPU and once on the CPU, encodes each base64 image with
// both, then destroys the GPU device through the test hook and encodes again
// with the GPU instance, which must fall back to the CPU and keep its gallery.
async ({ images }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const gpu = await Visage.load({ detector: false, backend: 'webgpu' });
  const cpu = await Visage.load({ detector: false, backend: 'cpu' });
  try {
    const out = { gpuInfo: await gpu.backend(), cpuInfo: await cpu.backend(), gpu: [], cpu: [], afterLoss: [] };
    const bytes = images.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    for (const b of bytes) {
      out.gpu.push(Array.from(await gpu.encode(b)));
      out.cpu.push(Array.from(await cpu.encode(b)));
    }
    await gpu.importGallery([{ label: 'Ada', descriptors: [out.cpu[0]] }]);
    out.lostInfo = await gpu.loseGPUForTesting();
    for (const b of bytes) {
      out.afterLoss.push(Array.from(await gpu.encode(b)));
    }
    out.afterInfo = await gpu.backend();
    out.gallery = await gpu.gallery();
    return out;
  } finally {
    gpu.terminate();
    cpu.terminate();
  }
}
