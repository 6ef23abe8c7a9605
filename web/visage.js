// visage.js: the browser API of Visage, an ES module. It starts worker.js, which
// runs the Go core compiled to WebAssembly, and turns its messages into
// promises. Types and contracts: visage.d.ts.
//
//   const v = await Visage.load({ modelsUrl: 'models/' });
//   await v.enroll('Ada', photoOfAda);          // a Blob, <img>, <video>, canvas…
//   const { match, distance } = await v.verify('Ada', video);
//   const faces = await v.identify(photo);      // [{box, name, distance}, …]
//   localStorage.gallery = await v.exportGallery();

/** The distance below which two descriptors are taken to be the same person. */
export const DEFAULT_THRESHOLD = 0.6;

/**
 * The largest image, in pixels, that the image methods take (24 megapixels,
 * the Go core's imageio.MaxPixels): a larger one rejects before it is read.
 */
export const MAX_PIXELS = 24 * 1024 * 1024;

export class Visage {
  #worker;
  #workerUrl;
  #loadOptions; // what load was given, for a restart
  #pending = new Map(); // request id → {op, resolve, reject, onProgress}
  #nextId = 1;
  #stopped = null; // the Error later calls reject with, once terminated
  #vgg = null; // loadStyleNetwork's promise
  #gallery = null; // exportGallery's text after the last change, for a restart
  #head = null; // setHead's argument, for a restart
  #restarts = 0;

  /** Use Visage.load; the constructor only wires up a started worker. */
  constructor(workerUrl, loadOptions) {
    this.#workerUrl = workerUrl;
    this.#loadOptions = loadOptions;
    this.#startWorker();
  }

  // #startWorker starts worker.js and routes its messages: answers and
  // progress to the pending calls, {fatal} (the Go program exited) to
  // #restart.
  #startWorker() {
    const worker = new Worker(this.#workerUrl);
    this.#worker = worker;
    worker.onmessage = ({ data: { id, result, error, progress, fatal } }) => {
      if (fatal !== undefined) {
        this.#restart(fatal);
        return;
      }
      const call = this.#pending.get(id);
      if (!call) {
        return; // answered already, by a restart
      }
      if (progress !== undefined) {
        call.onProgress?.(progress);
        return;
      }
      this.#pending.delete(id);
      if (error === undefined) {
        call.resolve(result);
      } else {
        call.reject(new Error(error));
      }
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      const why = ev.message || 'could not start worker.js';
      if (this.#gallery === null) {
        this.#stop(new Error(`visage: the worker failed: ${why}`)); // never loaded: a restart would fail the same way
      } else {
        this.#restart(`the worker failed: ${why}`);
      }
    };
  }

  // #restart replaces a worker whose engine stopped: every pending call
  // rejects with an Error saying so, and a new worker loads the same models
  // and gets the gallery and head back before any later call runs (the
  // worker answers in request order). Style transfer reloads VGG-19 when it
  // is next used. After 3 restarts the instance stops for good.
  #restart(reason) {
    if (this.#stopped) {
      return;
    }
    this.#worker.terminate();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    if (++this.#restarts > 3) {
      this.#stop(new Error(`visage: ${reason}, for the 4th time; not restarting it`));
    } else {
      this.#startWorker();
      this.#call('load', [this.#loadOptions]).catch((err) => this.#stop(new Error(`visage: restarting the engine failed: ${err.message}`)));
      const lost = (what) => (err) => this.#stop(new Error(`visage: restoring the ${what} after a restart failed: ${err.message}`));
      this.#call('importGallery', [this.#gallery]).catch(lost('gallery'));
      if (this.#head !== null) {
        this.#call('setHead', [this.#head]).catch(lost('head'));
      }
      this.#vgg = null;
    }
    for (const call of pending) {
      call.reject(new Error(`visage: ${reason} during ${call.op}, which was not done; the engine was restarted with the gallery, so try again`));
    }
  }

  /**
   * Starts the worker and loads the models from modelsUrl (relative to the
   * page): the face recognition network and, unless detector is false, the
   * face detector and landmark network. onProgress gets
   * {phase: 'download', loaded, total} (bytes) and then {phase: 'prepare'}.
   * backend is 'auto' (WebGPU when the browser gives an adapter, else the
   * CPU), 'webgpu' (rejects without one) or 'cpu'; backend() says which
   * runs. precision 'f16' (default 'f32') has the face recognition network
   * keep its weights and stage its products as float16 on the GPU, where
   * the adapter has shader-f16; backend().precision says which is used.
   * encoder 'mobilefacenet' or 'faceres' (default 'dlib') encodes faces
   * with human-models' MobileFaceNet (192 numbers) or FaceRes (1024) on the
   * ArcFace chip, on the CPU (its .json and .bin must be in modelsUrl): the
   * gallery then holds only its descriptors, and importing a FaceMatcher
   * (dlib) file rejects. Rejects when a file is missing or malformed.
   */
  static async load({
    modelsUrl = 'models/',
    detector = true,
    backend = 'auto',
    precision = 'f32',
    encoder = 'dlib',
    onProgress,
    workerUrl = new URL('worker.js', import.meta.url),
  } = {}) {
    const folder = new URL(modelsUrl, globalThis.location.href);
    if (!folder.pathname.endsWith('/')) {
      folder.pathname += '/'; // "models" means the folder, not a file beside it
    }
    const options = { modelsUrl: folder.href, detector, backend, precision, encoder };
    const v = new Visage(workerUrl, options);
    try {
      await v.#call('load', [options], [], onProgress);
      v.#gallery = await v.#call('exportGallery', []);
    } catch (err) {
      v.terminate();
      throw err;
    }
    return v;
  }

  /**
   * Finds every face in the image, best score first: box, score, 68 landmarks
   * and descriptor each. No face is an empty array.
   */
  async detect(image) {
    return this.#callWithImage('detect', [], image);
  }

  /**
   * Runs the face detector alone (face-api.js's detectAllFaces with
   * SsdMobilenetv1Options): every face's box and score, best score first,
   * without landmarks or descriptors. options: minConfidence in (0, 1)
   * (default 0.5), maxResults (default 100). No face is an empty array.
   */
  async detectFaces(image, options = undefined) {
    return this.#callWithImage('detectFaces', [], image, [options]);
  }

  /**
   * Runs the 68-point landmark network alone on box ({x, y, width, height}
   * in the image's pixels, e.g. a detectFaces box): the 68 points in the
   * image's pixels, as detect computes them for that box.
   */
  async landmarks(image, box) {
    return this.#callWithImage('landmarks', [], image, [box]);
  }

  /**
   * Returns the 128-number descriptor of the face filling the image (an
   * aligned face chip). Encoded bytes (a Blob/File, ArrayBuffer or typed
   * array) are decoded by the Go core, exactly as the native CLI does;
   * pixels (ImageData, a canvas, an ImageBitmap, a video frame, an <img>)
   * are read as RGBA.
   */
  async encode(image) {
    return this.#callWithImage('encode', [], image);
  }

  /** Adds the largest face in the image to the person called name. */
  async enroll(name, image) {
    const [arg, transfer] = await toImageArg(image, 'enroll');
    return this.#changing('enroll', [name, arg], transfer);
  }

  /** Compares the largest face in the image with the person called name. */
  async verify(name, image) {
    return this.#callWithImage('verify', [name], image);
  }

  /** Names every face in the image: the closest enrolled person, or null. */
  async identify(image) {
    return this.#callWithImage('identify', [], image);
  }

  /** The enrolled people and the threshold. */
  gallery() {
    return this.#call('gallery', []);
  }

  /** Forgets the person called name. */
  removePerson(name) {
    return this.#changing('removePerson', [name]);
  }

  /** Renames a person, keeping their samples. */
  renamePerson(oldName, newName) {
    return this.#changing('renamePerson', [oldName, newName]);
  }

  /** Sets the distance below which a face matches a person, in (0, 1]: beyond 1 nearly any two faces match. */
  setThreshold(threshold) {
    return this.#changing('setThreshold', [threshold]);
  }

  /**
   * Loads a head trained by `visage train-triplet` or `train-pairs` (its JSON
   * text or object): verify and identify then decide with its score and
   * threshold, and their results gain head {kind, score, threshold,
   * higherIsSame}. null goes back to plain distance. Rejects, keeping the
   * current head, when json is not a head over 128-number descriptors.
   */
  async setHead(json) {
    const text = json === null || typeof json === 'string' ? json : JSON.stringify(json);
    const result = await this.#call('setHead', [text]);
    this.#head = text;
    return result;
  }

  /** Forgets every enrolled person (the threshold stays). */
  clearGallery() {
    return this.#changing('clearGallery', []);
  }

  /** The gallery as JSON text in face-api.js's FaceMatcher.toJSON layout. */
  exportGallery() {
    return this.#call('exportGallery', []);
  }

  /**
   * Replaces the gallery with json (text, or the object FaceMatcher.toJSON or
   * an array of LabeledFaceDescriptors.toJSON returns), after checking all of
   * it; on any error the gallery is unchanged.
   */
  importGallery(json) {
    return this.#changing('importGallery', [typeof json === 'string' ? json : JSON.stringify(json)]);
  }

  /** Returns the Euclidean distance between two descriptors. */
  distance(a, b) {
    return this.#call('distance', [a, b]);
  }

  /**
   * Compares two descriptors: {distance, match, threshold}, where match is
   * distance < threshold.
   */
  compare(a, b, threshold = DEFAULT_THRESHOLD) {
    return this.#call('compare', [a, b, threshold]);
  }

  /**
   * Where the face descriptors are computed now: {backend: 'webgpu' |
   * 'cpu', adapter, reason}; reason says why the CPU runs (asked for, no
   * adapter, or the GPU failed: a lost GPU moves the work to the CPU, and
   * the gallery stays).
   */
  backend() {
    return this.#call('backend', []);
  }

  /**
   * A test hook: destroys the WebGPU device as a driver reset would; the
   * next call that needs it falls back to the CPU. Resolves to backend().
   */
  loseGPUForTesting() {
    return this.#call('loseGPUForTesting', []);
  }

  /**
   * Loads VGG-19 for style transfer from vggUrl (relative to the page; its
   * manifest.json and raw weight files), once: later calls return the first
   * call's promise (a failed load is tried again). onProgress gets what
   * load's does.
   */
  loadStyleNetwork({ vggUrl = 'vgg19/', onProgress } = {}) {
    if (!this.#vgg) {
      const folder = new URL(vggUrl, globalThis.location.href);
      if (!folder.pathname.endsWith('/')) {
        folder.pathname += '/';
      }
      this.#vgg = this.#call('artLoad', [{ vggUrl: folder.href }], [], onProgress);
      this.#vgg.catch(() => { this.#vgg = null; });
    }
    return this.#vgg;
  }

  /**
   * Brings a content and a style image to the working size (the content's
   * longer side is size; the style is scaled to cover it and centre-cropped)
   * for stylize and layerFeatures; resolves {width, height}. Loads VGG-19
   * first if needed.
   */
  async setArtImages(content, style, size = 256) {
    await this.loadStyleNetwork();
    const [c, ct] = await toImageArg(content, 'setArtImages');
    const [s, st] = await toImageArg(style, 'setArtImages');
    return this.#call('artImages', [c, s, size], [...ct, ...st]);
  }

  /**
   * Paints content in the style of style (Gatys et al.; the course's
   * costs and Adam): steps (default 200) steps at size (default 256), with
   * alpha, beta, tv, lr, noise, seed, pool ('avg' or 'max') and
   * preserveColor as in visage.d.ts. The steps run in chunks of about
   * chunkMs (default 400) milliseconds; after each, onStep gets {step, steps,
   * costs (this chunk's, J before each step), image (RGBA pixels), backend
   * ('webgpu' or 'cpu': where the chunk ran; the load's backend, until a
   * lost GPU moves the run to the CPU, which goes on from the last image)}.
   * Aborting signal stops it between chunks and rejects with the signal's
   * reason. Resolves {steps, loss (J before each step), image, backend}.
   */
  async stylize(content, style, { steps = 200, size = 256, chunkMs = 400, onStep, signal, ...options } = {}) {
    signal?.throwIfAborted();
    await this.setArtImages(content, style, size);
    signal?.throwIfAborted();
    let { backend } = await this.#call('artStart', [options]);
    const loss = [];
    let image = null;
    let chunk = 1;
    while (loss.length < steps) {
      signal?.throwIfAborted();
      const n = Math.min(chunk, steps - loss.length);
      const started = performance.now();
      const out = await this.#call('artStep', [n]);
      const msPerStep = (performance.now() - started) / n;
      chunk = Math.max(1, Math.min(50, Math.round(chunkMs / Math.max(msPerStep, 1))));
      loss.push(...out.costs.map((c) => c.total));
      ({ image, backend } = out);
      onStep?.({ step: loss.length, steps, costs: out.costs, image, backend });
    }
    return { steps, loss, image, backend };
  }

  /**
   * What a VGG-19 layer detects, for the images setArtImages or stylize
   * last set: maps of its strongest channels in the generated image (the
   * content before any stylize), and for the first units of them the
   * patches of the images that excite each most. See visage.d.ts.
   */
  layerFeatures(layer, { maps = 8, units = 4 } = {}) {
    return this.#call('artFeatures', [layer, { maps, units }]);
  }

  /** Stops the worker; pending and later calls reject. */
  terminate() {
    this.#stop(new Error('visage: terminated'));
  }

  /**
   * A test hook: ends the engine as a fatal error (running out of memory,
   * say) would. The call rejects, and the engine restarts with the gallery.
   */
  crashForTesting() {
    return this.#call('crashForTesting', []);
  }

  // #changing calls op, which changes the gallery, and resolves as it does
  // once the changed gallery is kept for a restart: the snapshot is asked
  // for right behind op, so the worker takes it after op and before any
  // later call.
  async #changing(op, args, transfer = []) {
    const change = this.#call(op, args, transfer);
    const snapshot = this.#call('exportGallery', []);
    snapshot.catch(() => {}); // change's rejection is the one reported
    const result = await change;
    this.#gallery = await snapshot;
    return result;
  }

  // #callWithImage calls op with args, the image converted, then after.
  async #callWithImage(op, args, image, after = []) {
    const [arg, transfer] = await toImageArg(image, op);
    return this.#call(op, [...args, arg, ...after], transfer);
  }

  #call(op, args, transfer = [], onProgress = undefined) {
    return new Promise((resolve, reject) => {
      if (this.#stopped) {
        reject(this.#stopped);
        return;
      }
      const id = this.#nextId++;
      this.#pending.set(id, { op, resolve, reject, onProgress });
      try {
        this.#worker.postMessage({ id, op, args }, transfer);
      } catch (err) {
        this.#pending.delete(id);
        reject(err);
      }
    });
  }

  // #stop ends the worker and rejects every pending and later call with err.
  #stop(err) {
    this.#worker.terminate();
    this.#stopped = err;
    for (const call of this.#pending.values()) {
      call.reject(err);
    }
    this.#pending.clear();
  }
}

// toImageArg converts what the image methods accept into what the worker
// takes: a Uint8Array of encoded bytes, {width, height, data} RGBA pixels, or
// an ImageBitmap (which the worker turns into pixels). It also returns the
// objects that can be moved to the worker rather than copied (only ones made
// here: the caller's are never detached).
async function toImageArg(input, op) {
  if (input instanceof Blob) {
    const bytes = new Uint8Array(await input.arrayBuffer());
    return [bytes, [bytes.buffer]];
  }
  if (input instanceof ArrayBuffer) {
    return [new Uint8Array(input), []];
  }
  if (ArrayBuffer.isView(input)) {
    return [new Uint8Array(input.buffer, input.byteOffset, input.byteLength), []];
  }
  if (input && typeof input.width === 'number' && typeof input.height === 'number' && input.data) {
    return [{ width: input.width, height: input.height, data: input.data }, []];
  }
  // The size is given explicitly for an SVG <img> without a natural size of
  // its own, which createImageBitmap refuses otherwise.
  const { width, height } = sizeOf(input, op);
  const bitmap = await createImageBitmap(input, { resizeWidth: width, resizeHeight: height });
  return [bitmap, [bitmap]];
}

// sizeOf returns the natural size of a CanvasImageSource, or throws when input
// is not one or is empty.
function sizeOf(input, op) {
  const width = input?.naturalWidth ?? input?.videoWidth ?? input?.displayWidth ?? input?.width;
  const height = input?.naturalHeight ?? input?.videoHeight ?? input?.displayHeight ?? input?.height;
  if (typeof width !== 'number' || typeof height !== 'number') {
    throw new TypeError(
      `visage: ${op} expects a Blob, bytes, ImageData or an image/canvas/video, got ` +
        Object.prototype.toString.call(input),
    );
  }
  if (width === 0 || height === 0) {
    throw new RangeError(`visage: ${op} got an empty image (width or height is 0; is it loaded?)`);
  }
  if (width * height > MAX_PIXELS) {
    throw new RangeError(
      `visage: ${op} got a ${width}x${height} image (${(width * height / 1e6).toFixed(1)} megapixels), ` +
        `more than the ${(MAX_PIXELS / 1e6).toFixed(1)} megapixels Visage takes; scale it down first`,
    );
  }
  return { width, height };
}
