// visage.js: the browser API of Visage, an ES module. It starts worker.js, which
// runs the Go core compiled to WebAssembly, and turns its messages into
// promises. Types and contracts: visage.d.ts.
//
//   const v = await Visage.load({ modelsUrl: 'models/' });
//   const a = await v.encode(fileA);       // a Blob, bytes, ImageData, canvas…
//   const b = await v.encode(fileB);
//   const { distance, match } = await v.compare(a, b);

/** The distance below which two descriptors are taken to be the same person. */
export const DEFAULT_THRESHOLD = 0.6;

export class Visage {
  #worker;
  #pending = new Map(); // request id → {resolve, reject}
  #nextId = 1;
  #stopped = null; // the Error later calls reject with, once terminated

  /** Use Visage.load; the constructor only wires up a started worker. */
  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data: { id, result, error } }) => {
      const call = this.#pending.get(id);
      this.#pending.delete(id);
      if (error === undefined) {
        call.resolve(result);
      } else {
        call.reject(new Error(error));
      }
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      this.#stop(new Error(`visage: the worker failed: ${ev.message || 'could not start worker.js'}`));
    };
  }

  /**
   * Starts the worker and loads the face recognition model from modelsUrl
   * (relative to the page). Rejects when a file is missing or malformed.
   */
  static async load({ modelsUrl = 'models/', workerUrl = new URL('worker.js', import.meta.url) } = {}) {
    const folder = new URL(modelsUrl, globalThis.location.href);
    if (!folder.pathname.endsWith('/')) {
      folder.pathname += '/'; // "models" means the folder, not a file beside it
    }
    const v = new Visage(new Worker(workerUrl));
    try {
      await v.#call('load', [{ modelsUrl: folder.href }]);
    } catch (err) {
      v.terminate();
      throw err;
    }
    return v;
  }

  /**
   * Returns the 128-number descriptor of the face filling the image. Encoded
   * bytes (a Blob/File, ArrayBuffer or typed array) are decoded by the Go core,
   * exactly as the native CLI does; pixels (ImageData, a canvas, an ImageBitmap,
   * a video frame, an <img>) are read as RGBA.
   */
  async encode(input) {
    const [arg, transfer] = await toEncodeArg(input);
    return this.#call('encode', [arg], transfer);
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

  /** Stops the worker; pending and later calls reject. */
  terminate() {
    this.#stop(new Error('visage: terminated'));
  }

  #call(op, args, transfer = []) {
    return new Promise((resolve, reject) => {
      if (this.#stopped) {
        reject(this.#stopped);
        return;
      }
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
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

// toEncodeArg converts what encode accepts into what the Go API takes: a
// Uint8Array of encoded bytes, or {width, height, data} RGBA pixels. It also
// returns the buffers that can be moved to the worker rather than copied
// (only ones made here: the caller's arrays are never detached).
async function toEncodeArg(input) {
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
  const { width, height } = sourceSize(input);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(input, 0, 0);
  const pixels = ctx.getImageData(0, 0, width, height);
  return [{ width, height, data: pixels.data }, [pixels.data.buffer]];
}

// sourceSize returns the natural size of a CanvasImageSource, or throws when
// input is not one.
function sourceSize(input) {
  const width = input?.naturalWidth ?? input?.videoWidth ?? input?.displayWidth ?? input?.width;
  const height = input?.naturalHeight ?? input?.videoHeight ?? input?.displayHeight ?? input?.height;
  if (typeof width !== 'number' || typeof height !== 'number') {
    throw new TypeError(
      'visage: encode expects a Blob, bytes, ImageData or an image/canvas/video, got ' +
        Object.prototype.toString.call(input),
    );
  }
  if (width === 0 || height === 0) {
    throw new RangeError('visage: encode got an empty image (width or height is 0; is it loaded?)');
  }
  return { width, height };
}
