// Evaluated in the site's page by TestAPIContract: exercises visage.js's API
// (and through it the Go API in the worker) with good and bad input, and
// returns what came back: descriptors as arrays, rejections as their messages.
async ({ chip, rgba, width, height }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models' });
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  try {
    const a = await v.encode(bytes(chip));
    const pixels = new ImageData(new Uint8ClampedArray(bytes(rgba).buffer), width, height);
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').putImageData(pixels, 0, 0);
    return {
      fromBytes: Array.from(a),
      fromPixels: Array.from(await v.encode({ width, height, data: bytes(rgba) })),
      fromImageData: Array.from(await v.encode(pixels)),
      fromCanvas: Array.from(await v.encode(canvas)),
      fromBlob: Array.from(await v.encode(new Blob([bytes(chip)]))),
      notAnImage: await rejection(v.encode(new Uint8Array([1, 2, 3]))),
      shortPixels: await rejection(v.encode({ width: 2, height: 2, data: new Uint8Array(3) })),
      notEncodable: await rejection(v.encode(42)),
      shortDescriptor: await rejection(v.compare(a, [1, 2])),
      badThreshold: await rejection(v.compare(a, a, 5)),
      self: await v.compare(a, a),
      selfDistance: await v.distance(a, a),
    };
  } finally {
    v.terminate();
  }
}
