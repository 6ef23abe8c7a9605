// Evaluated in the site's page by TestBackendWebGPUEncoders: for each
// encoder the human-models files give (MobileFaceNet, FaceRes), encodes
// the chip with visage.js's API on the CPU and on WebGPU, and reports the
// WebGPU backend's state before and after the encode.
async ({ chip, encoders }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const bytes = Uint8Array.from(atob(chip), (c) => c.charCodeAt(0));
  const out = {};
  for (const encoder of encoders) {
    const run = {};
    for (const backend of ['cpu', 'webgpu']) {
      const v = await Visage.load({ detector: false, backend, encoder });
      try {
        run[backend + 'Before'] = await v.backend();
        run[backend] = Array.from(await v.encode(bytes));
        run[backend + 'After'] = await v.backend();
      } finally {
        v.terminate();
      }
    }
    out[encoder] = run;
  }
  return out;
}
