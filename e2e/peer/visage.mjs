// visage.mjs is Visage's side of the bench in the peer page: the site's own
// visage.js (served at /) with its worker and visage.wasm, called exactly as
// a page calls it, so the times include the worker round trip.
let v = null;
const inputs = new Map(); // name → Uint8Array of encoded image bytes

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
  const start = performance.now();
  for (const name of names) await v[op](inputs.get(name));
  return performance.now() - start;
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
