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

/** Calls method op on each named input once and returns the wall time in ms. */
export async function time({ op, names }) {
  const start = performance.now();
  for (const name of names) await v[op](inputs.get(name));
  return performance.now() - start;
}
