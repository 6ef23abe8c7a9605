// Evaluated in the site's page by TestConvCard: runs conv1d and
// motionEnergy on inputs the Go test made (frames: {width, height, data}
// with data an array of RGBA bytes) and returns their results as plain
// arrays, and the rejections of bad inputs.
async ({ signal, kernels, frames, size }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models/', detector: false });
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  try {
    const c1 = await v.conv1d(Float32Array.from(signal), kernels);
    const pixels = frames.map((f) => new ImageData(Uint8ClampedArray.from(f.data), f.width, f.height));
    const c3 = await v.motionEnergy(pixels, { size });
    return {
      conv1d: { shape: c1.shape, shapes: c1.shapes, outputs: c1.outputs.map((o) => Array.from(o)) },
      motion: { shape: c3.shape, shapes: c3.shapes, width: c3.width, height: c3.height, energy: Array.from(c3.energy) },
      badSignal: await rejection(v.conv1d('x', kernels)),
      badKernels: await rejection(v.conv1d(signal, [[1, 2], [3]])),
      fewFrames: await rejection(v.motionEnergy(pixels.slice(0, 2))),
    };
  } finally {
    v.terminate();
  }
}
