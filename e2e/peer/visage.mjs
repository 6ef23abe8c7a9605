// visage.mjs is Visage's side of the bench in the peer page: the site's own
// visage.js (served at /) with its worker and visage.wasm, called exactly as
// a page calls it, so the times include the worker round trip. Each load
// backend and encoder asked for ('auto' and 'dlib' unless said) gets its own
// instance.
const instances = new Map(); // instanceKey(backend, encoder) → Visage
const inputs = new Map(); // name → Uint8Array of encoded image bytes
const decoded = new Map(); // name → its ImageData, decoded once (pixelsOf)
const bestBoxes = new Map(); // name → the box of its best face, for landmarks
let probe = null; // identifyDescriptor's descriptor: next to one person of fillGallery's
// The GPU's queue submissions and read-backs in the last timed run, and the
// passes (network calls, or style-transfer steps) they served.
let lastCounts = { submissions: 0, readBacks: 0, passes: 0 };

// instanceKey names the instance loaded with backend and encoder (their
// defaults when undefined).
function instanceKey(backend = 'auto', encoder = 'dlib') {
  return `${backend}/${encoder}`;
}

/**
 * Starts visage.js's worker with the site's models on backend, encoding
 * with encoder, on threads (Visage.load's options); returns its methods.
 */
export async function start(opts) {
  const { backend = 'auto', encoder = 'dlib', threads } = opts ?? {}; // the Go side passes null for no options
  const { Visage } = await import('/visage.js');
  const v = await Visage.load({ modelsUrl: '/models/', backend, encoder, threads });
  instances.set(instanceKey(backend, encoder), v);
  return Object.getOwnPropertyNames(Object.getPrototypeOf(v)).filter((m) => m !== 'constructor');
}

/** The backend() of the instance started with backend (and the default encoder). */
export async function info(opts) {
  return instances.get(instanceKey(opts?.backend)).backend();
}

/** The GPU's submissions and read-backs in the last timed run, and its passes. */
export async function counts() {
  return lastCounts;
}

/** Stores image bytes (base64) under name for later runs. */
export async function setInput({ name, base64 }) {
  inputs.set(name, Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/**
 * Calls method op of the instance started with backend and encoder on each
 * named input once and returns the wall time in ms. For op 'stylize', names
 * are the content and the style: see stylizeStep.
 */
export async function time({ op, names, size, backend, encoder }) {
  const v = instances.get(instanceKey(backend, encoder));
  if (op === 'stylize') return stylizeStep(v, inputs.get(names[0]), inputs.get(names[1]), size);
  const args = [];
  for (const name of names) args.push(await argsOf(v, op, name)); // before the clock
  const before = await v.backend();
  const start = performance.now();
  for (const a of args) await v[op](...a);
  const ms = performance.now() - start;
  countSince(before, await v.backend(), names.length);
  return ms;
}

function countSince(before, after, passes) {
  lastCounts = { submissions: after.submissions - before.submissions, readBacks: after.readBacks - before.readBacks, passes };
}

// argsOf returns the arguments op is timed with on input name: its pixels,
// decoded once by the browser (an ImageData), as face-api.js is timed on
// images the browser has decoded; for landmarks also the box of the best
// face detectFaces finds (as the peer's landmarks takes its best detection).
async function argsOf(v, op, name) {
  if (op === 'identifyDescriptor') return [probe];
  if (!decoded.has(name)) {
    const bitmap = await createImageBitmap(new Blob([inputs.get(name)]));
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    decoded.set(name, ctx.getImageData(0, 0, bitmap.width, bitmap.height));
  }
  const pixels = decoded.get(name);
  if (op !== 'landmarks') return [pixels];
  if (!bestBoxes.has(name)) {
    const [best] = await v.detectFaces(pixels);
    if (!best) throw new Error(`visage.js finds no face in ${name}`);
    bestBoxes.set(name, best.box);
  }
  return [pixels, bestBoxes.get(name)];
}

/**
 * Replaces the gallery of the instance on backend with people random
 * descriptors (uniform in ±0.1, 4 decimals, seeded), imported as a page
 * imports a file, and sets the probe next to the middle person; people 0
 * clears the gallery. Returns the number of people enrolled.
 */
export async function fillGallery({ people, backend }) {
  const v = instances.get(instanceKey(backend));
  if (people === 0) {
    probe = null;
    return (await v.clearGallery()).people.length;
  }
  let state = 1; // mulberry32
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const labeled = [];
  for (let i = 0; i < people; i++) {
    const d = Array.from({ length: 128 }, () => Math.round((random() - 0.5) * 2000) / 10000);
    labeled.push({ label: `p${i}`, descriptors: [d] });
  }
  const mid = labeled[people >> 1];
  probe = Float32Array.from(mid.descriptors[0]);
  probe[0] += 0.001;
  const info = await v.importGallery(labeled);
  const found = await v.identifyDescriptor(probe);
  if (found.name !== mid.label) throw new Error(`identify among ${people} people found ${found.name}, want ${mid.label}`);
  return info.people.length;
}

// stylizeStep times one optimisation step of visage.js's stylize at size:
// it runs two steps, one per worker call (chunkMs 1 keeps the chunks at one
// step), and returns the time from the first step's onStep to the second's,
// so that preparing the images (setArtImages, the style Grams) and the first
// step stay outside; the worker round trip and the RGBA preview are inside,
// and so is a backend() call, for the GPU's counts of the second step.
async function stylizeStep(v, content, style, size) {
  await v.loadStyleNetwork({ vggUrl: new URL('vgg19/', import.meta.url).href });
  const marks = [];
  const infos = [];
  await v.stylize(content, style, {
    steps: 2,
    size,
    chunkMs: 1,
    onStep: () => {
      marks.push(performance.now());
      infos.push(v.backend()); // served before the next step: the worker keeps call order
    },
  });
  if (marks.length !== 2) throw new Error(`stylize gave ${marks.length} progress calls for 2 steps, expected one a step`);
  const [first, second] = await Promise.all(infos);
  countSince(first, second, 1);
  return marks[1] - marks[0];
}
