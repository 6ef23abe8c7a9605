// visage.mjs is Visage's side of the bench in the peer page: the site's own
// visage.js (served at /) with its worker and visage.wasm, called exactly as
// a page calls it, so the times include the worker round trip.
let v = null;
const inputs = new Map(); // name → Uint8Array of encoded image bytes
const decoded = new Map(); // name → its ImageData, decoded once (pixelsOf)
const bestBoxes = new Map(); // name → the box of its best face, for landmarks

/** Starts visage.js's worker with the site's models; returns its methods. */
export async function start() {
  const { Visage } = await import('/visage.js');
  v = await Visage.load({ modelsUrl: '/models/' });
  return Object.getOwnPropertyNames(Object.getPrototypeOf(v)).filter((m) => m !== 'constructor');
}

/** Stores image bytes (base64) under name for later runs. */
export async function setInput({ name, base64 }) {
  inputs.set(name, Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/**
 * Calls method op on each named input once and returns the wall time in ms.
 * For op 'stylize', names are the content and the style: see stylizeStep.
 */
export async function time({ op, names, size }) {
  if (op === 'stylize') return stylizeStep(inputs.get(names[0]), inputs.get(names[1]), size);
  const args = [];
  for (const name of names) args.push(await argsOf(v, op, name)); // before the clock
  const start = performance.now();
  for (const a of args) await v[op](...a);
  return performance.now() - start;
}

// argsOf returns the arguments op is timed with on input name: its encoded
// bytes (decoding is part of encode's and detect's work), or for detectFaces
// and landmarks, which face-api.js is timed on decoded images, its pixels,
// and for landmarks the box of the best face detectFaces finds (as the
// peer's landmarks takes its best detection).
async function argsOf(v, op, name) {
  if (op !== 'detectFaces' && op !== 'landmarks') return [inputs.get(name)];
  if (!decoded.has(name)) {
    const bitmap = await createImageBitmap(new Blob([inputs.get(name)]));
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    decoded.set(name, ctx.getImageData(0, 0, bitmap.width, bitmap.height));
  }
  const pixels = decoded.get(name);
  if (op === 'detectFaces') return [pixels];
  if (!bestBoxes.has(name)) {
    const [best] = await v.detectFaces(pixels);
    if (!best) throw new Error(`visage.js finds no face in ${name}`);
    bestBoxes.set(name, best.box);
  }
  return [pixels, bestBoxes.get(name)];
}

// stylizeStep times one optimisation step of visage.js's stylize at size:
// it runs two steps, one per worker call (chunkMs 1 keeps the chunks at one
// step), and returns the time from the first step's onStep to the second's,
// so that preparing the images (setArtImages, the style Grams) and the first
// step stay outside; the worker round trip and the RGBA preview are inside.
async function stylizeStep(content, style, size) {
  await v.loadStyleNetwork({ vggUrl: new URL('vgg19/', import.meta.url).href });
  const marks = [];
  await v.stylize(content, style, { steps: 2, size, chunkMs: 1, onStep: () => marks.push(performance.now()) });
  if (marks.length !== 2) throw new Error(`stylize gave ${marks.length} progress calls for 2 steps, expected one a step`);
  return marks[1] - marks[0];
}
