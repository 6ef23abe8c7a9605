// Evaluated in the site's page by e2e.EncodeInPage: loads visage.js, encodes
// each base64 image warmup + runs times through the worker, and returns per
// image the last descriptor and the wall time of each timed run (ms).
async ({ images, warmup, runs }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load();
  try {
    const results = [];
    for (const b64 of images) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      let descriptor;
      const ms = [];
      for (let i = 0; i < warmup + runs; i++) {
        const start = performance.now();
        descriptor = await v.encode(bytes);
        if (i >= warmup) {
          ms.push(performance.now() - start);
        }
      }
      results.push({ descriptor: Array.from(descriptor), ms });
    }
    return results;
  } finally {
    v.terminate();
  }
}
