// Evaluated in the site's page by TestBackendWebGPU: encodes each base64
// image with visage.js's API on the CPU, on all threads and on one, then, for each way of failing
// (loseGPUForTesting's 'lost' and 'out-of-memory'), with an instance on
// WebGPU, enrolls Ada (the first image's CPU descriptor), makes the GPU
// fail through the test hook, encodes every image again and asks decide
// whether the last one is the Ada its gallery exports: that instance must
// have fallen back to the CPU and kept its gallery.
async ({ images }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const bytes = images.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  const encodeAll = async (v) => {
    const out = [];
    for (const b of bytes) {
      out.push(Array.from(await v.encode(b)));
    }
    return out;
  };
  // The detector's large products are split across the kernel threads; the
  // last image is a photo.
  const cpu = await Visage.load({ backend: 'cpu' });
  const out = { cpuInfo: await cpu.backend(), cpu: await encodeAll(cpu), failures: {} };
  out.cpuFaces = await cpu.detectFaces(bytes.at(-1));
  cpu.terminate();
  // The same on one thread (load's threads), and a threads option refused.
  const one = await Visage.load({ backend: 'cpu', threads: 1 });
  out.oneThread = { info: await one.backend(), cpu: await encodeAll(one), faces: await one.detectFaces(bytes.at(-1)) };
  one.terminate();
  out.badThreads = await Visage.load({ threads: 1.5 }).then(() => 'loaded', (err) => err.message);
  for (const how of ['lost', 'out-of-memory']) {
    const gpu = await Visage.load({ detector: false, backend: 'webgpu' });
    try {
      const run = { gpuInfo: await gpu.backend(), gpu: await encodeAll(gpu) };
      await gpu.importGallery([{ label: 'Ada', descriptors: [out.cpu[0]] }]);
      run.lostInfo = await gpu.loseGPUForTesting(how);
      run.afterLoss = await encodeAll(gpu);
      run.afterInfo = await gpu.backend();
      run.gallery = await gpu.gallery();
      const [ada] = JSON.parse(await gpu.exportGallery()).labeledDescriptors;
      run.decide = await gpu.decide(run.afterLoss.at(-1), ada.descriptors[0]);
      out.failures[how] = run;
    } finally {
      gpu.terminate();
    }
  }
  return out;
}
