// visage.js: the browser API of Visage, an ES module. It starts worker.js, which
// runs the Go core compiled to WebAssembly, and turns its messages into
// promises. Types and contracts: visage.d.ts.
//
//   const v = await Visage.load({ modelsUrl: 'models/' });
//   await v.enroll('Ada', photoOfAda);          // a Blob, <img>, <video>, canvas…
//   const { match, distance } = await v.verify('Ada', video);
//   const faces = await v.identify(photo);      // [{box, name, distance}, …]
//   localStorage.gallery = await v.exportGallery();

/** Visage's version (semantic versioning; see CHANGELOG.md). */
export const VERSION = '0.1.0';

/** The distance below which two descriptors are taken to be the same person. */
export const DEFAULT_THRESHOLD = 0.6;

/**
 * identify's default target FPIR: the share of strangers given a name, about
 * 1 in 100, whatever the number of people enrolled.
 */
export const DEFAULT_FPIR = 0.01;

/**
 * The largest image, in pixels, that the image methods take (24 megapixels,
 * the Go core's imageio.MaxPixels): a larger one rejects before it is read.
 */
export const MAX_PIXELS = 24 * 1024 * 1024;

export class Visage {
  /** Visage's version, as VERSION. */
  static version = VERSION;

  #worker;
  #workerUrl;
  #loadOptions; // what load was given, for a restart
  #pending = new Map(); // request id → {op, resolve, reject, onProgress}
  #nextId = 1;
  #stopped = null; // the Error later calls reject with, once terminated
  #vgg = null; // loadStyleNetwork's promise
  #unitsPass = null; // the last finished topUnits pass: {session, layer, field, size, images}
  #gallery = null; // exportGallery's text after the last change, for a restart
  #head = null; // setHead's argument, for a restart
  #vault = null; // openVault's arguments to the worker (secret included), for a restart
  #galleryListeners = new Set(); // onGalleryChange's callbacks
  #restarts = 0;

  /** Use Visage.load; the constructor only wires up a started worker. */
  constructor(workerUrl, loadOptions, threads) {
    this.#workerUrl = new URL(workerUrl, globalThis.location.href);
    if (threads !== undefined) {
      this.#workerUrl.searchParams.set('threads', String(threads)); // worker.js reads it
    }
    this.#loadOptions = loadOptions;
    this.#startWorker();
  }

  // #startWorker starts worker.js and routes its messages: answers and
  // progress to the pending calls, {fatal} (the Go program exited) to
  // #restart.
  #startWorker() {
    const worker = new Worker(this.#workerUrl);
    this.#worker = worker;
    worker.onmessage = ({ data: { id, result, error, progress, fatal, gallery } }) => {
      if (fatal !== undefined) {
        this.#restart(fatal);
        return;
      }
      if (gallery !== undefined) {
        for (const listener of this.#galleryListeners) {
          listener(gallery);
        }
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
      if (this.#vault) {
        this.#call('openVault', [this.#vault]).catch(lost('stored gallery'));
      } else {
        this.#call('importGallery', [this.#gallery]).catch(lost('gallery'));
      }
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
   * vault, when given, is openVault's options (true: its defaults): the
   * gallery is then kept encrypted in this browser before load resolves.
   * encoder 'mobilefacenet' or 'faceres' (default 'dlib') encodes faces
   * with human-models' MobileFaceNet (192 numbers) or FaceRes (1024) on the
   * ArcFace chip, on the CPU (its .json and .bin must be in modelsUrl): the
   * gallery then holds only its descriptors, and importing a FaceMatcher
   * (dlib) file rejects. Rejects when a file is missing or malformed, its
   * size (or SHA-256, where the folder has sha256.json) is not what its
   * manifest says (a truncated download: the message names the file and the
   * bytes expected and received), or the vault does not open. threads (a
   * whole number ≥ 1, default the browser's cores) bounds the threads the
   * CPU's matrix products use: the engine's worker and up to 3 kernel
   * helpers, on a cross-origin isolated page only; backend().threads says
   * how many run.
   */
  static async load({
    modelsUrl = 'models/',
    detector = true,
    backend = 'auto',
    precision = 'f32',
    vault,
    encoder = 'dlib',
    onProgress,
    workerUrl = new URL('worker.js', import.meta.url),
    threads,
  } = {}) {
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
      throw new TypeError(`visage: load's threads must be a whole number ≥ 1, found ${threads}`);
    }
    const folder = new URL(modelsUrl, globalThis.location.href);
    if (!folder.pathname.endsWith('/')) {
      folder.pathname += '/'; // "models" means the folder, not a file beside it
    }
    const options = { modelsUrl: folder.href, detector, backend, precision, encoder };
    const v = new Visage(workerUrl, options, threads);
    try {
      await v.#call('load', [options], [], onProgress);
      v.#gallery = await v.#call('exportGallery', []);
      if (vault) {
        await v.openVault(vault === true ? {} : vault);
      }
    } catch (err) {
      v.terminate();
      throw err;
    }
    return v;
  }

  /**
   * Finds every face in the image, best score first: box, score, 68 landmarks
   * and descriptor each, and with {chips: true} the aligned chip
   * ({width, height, data} RGBA). The descriptor is of that one chip by
   * default ({fast: true}, for overlays); {fast: false} encodes as enroll,
   * verify and identify decide (four chips a face), the setting whose
   * accuracy the README states: use it for descriptors given to decide. No
   * face is an empty array.
   */
  async detect(image, { chips = false, fast = true } = {}) {
    return this.#callWithImage('detect', [], image, [{ chips, fast }]);
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

  /**
   * Face unlock with a liveness challenge: asks the person who claims to be
   * name for a few randomly ordered moves (blink, turn left, turn right,
   * look up) while frames of video (a playing <video> whose srcObject is a
   * camera MediaStream, or the MediaStream itself) are analysed one after
   * another. Several frames must match name (their median distance) and the
   * challenge must pass on that one face. A Blob/File, ImageData, <img>,
   * canvas or a <video> playing a file is refused: a photo never unlocks.
   * onStep gets {steps: [{step, words}], step (index of the move asked now,
   * -1 while the face is first measured)} whenever that changes. Resolves
   * {unlocked, reason ('' or e.g. 'no liveness', 'not this person',
   * 'too many attempts'), detail (a sentence), steps, wait (seconds to wait
   * before the next try, 0 if none)}, plus distance (the median) only with
   * revealDistance: true. steps (1..4, default 3) sets the moves asked.
   */
  async unlock(name, video, { steps, onStep, revealDistance = false, signal } = {}) {
    const source = await liveVideo(video, 'unlock');
    try {
      const start = await this.#call('unlockStart', [name, steps === undefined ? {} : { steps }]);
      const result = (r) => ({
        unlocked: r.unlocked,
        reason: r.reason,
        detail: r.detail,
        steps: start.steps,
        wait: r.wait ?? 0,
        ...(revealDistance ? { distance: r.distance } : {}),
      });
      if (start.wait > 0) {
        return result({
          unlocked: false,
          reason: 'too many attempts',
          detail: `Too many failed attempts: try again in ${start.wait} s.`,
          wait: start.wait,
          distance: null,
        });
      }
      let step = null;
      for (;;) {
        signal?.throwIfAborted();
        await nextFrame(source.video);
        const t = performance.now();
        const bitmap = await createImageBitmap(source.video);
        const r = await this.#call('unlockFrame', [start.session, bitmap, t], [bitmap]);
        if (r.step !== step) {
          step = r.step;
          onStep?.({ steps: start.steps, step });
        }
        if (r.done) {
          return result(r);
        }
      }
    } finally {
      source.release();
    }
  }

  /**
   * Whether a live video shows a live face, from frames (default 6) of it
   * alone, without a challenge (see `visage liveness`): {live, score,
   * reason, frames, faces, antispoof, liveness}. Takes what unlock takes.
   */
  async liveness(video, { frames = 6 } = {}) {
    const source = await liveVideo(video, 'liveness');
    try {
      const { session } = await this.#call('livenessStart', []);
      for (let i = 0; i < frames; i++) {
        await nextFrame(source.video);
        const bitmap = await createImageBitmap(source.video);
        await this.#call('livenessFrame', [session, bitmap], [bitmap]);
      }
      return await this.#call('livenessEnd', [session]);
    } finally {
      source.release();
    }
  }

  /**
   * Names every face in the image: the closest enrolled person, or null.
   * Faces are encoded as enroll and verify encode them (four chips a face,
   * the setting of the README's accuracy); {fast: true} encodes one chip a
   * face, four times cheaper, for a live overlay that only labels. The
   * threshold (in each result) is the one measured to name about a share
   * fpir of strangers (DEFAULT_FPIR; 0.1, 0.01 or 0.001) among as many
   * people as are enrolled, unless setThreshold chose one.
   */
  async identify(image, { fast = false, fpir = DEFAULT_FPIR } = {}) {
    return this.#callWithImage('identify', [], image, [{ fast, fpir }]);
  }

  /** identify's decision for a descriptor already computed (encode, detect): {name, distance, threshold}. */
  identifyDescriptor(descriptor, { fpir = DEFAULT_FPIR } = {}) {
    return this.#call('identifyDescriptor', [descriptor, { fpir }]);
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

  /**
   * The gallery as JSON text in face-api.js's FaceMatcher.toJSON layout, with
   * the people's thumbnails in "thumbnails" (which FaceMatcher.fromJSON
   * ignores and importGallery reads back).
   */
  exportGallery() {
    return this.#call('exportGallery', []);
  }

  /**
   * Replaces the gallery with json (text, or the object FaceMatcher.toJSON or
   * an array of LabeledFaceDescriptors.toJSON returns), after checking all of
   * it; on any error the gallery is unchanged. Its descriptors must be the
   * gallery's encoder's: face-api.js's files are dlib's, exportGallery's of
   * another encoder say which.
   */
  importGallery(json) {
    return this.#changing('importGallery', [typeof json === 'string' ? json : JSON.stringify(json)]);
  }

  /**
   * Keeps the gallery from now on in this browser's IndexedDB (database,
   * default 'visage'), one AES-256-GCM sealed record per person, and
   * replaces the gallery in memory with the one stored there (after moving
   * in what an older version of the page saved in the clear). keyProtection
   * says where the key is:
   *   'device' (default): a random non-extractable key kept in IndexedDB;
   *   {passphrase}: a random key wrapped with PBKDF2-SHA256 (600,000
   *     rounds) of the passphrase;
   *   'webauthn-prf' or {webauthnPrf: {rpId, userName, timeout}}: a random
   *     key wrapped with HKDF of a platform authenticator's PRF output (a
   *     credential is made on first use; needs a page, not a worker;
   *     timeout, default 60,000 ms, bounds each wait for the authenticator).
   * A gallery stays under the protection it was made with; asking for
   * another one, a wrong passphrase, or an authenticator that does not
   * answer rejects and changes nothing. Resolves gallery() plus migrated
   * (how many people were moved in). Changes made by other tabs on the same
   * database reach onGalleryChange's callbacks.
   */
  async openVault({ database = 'visage', keyProtection = 'device' } = {}) {
    let args;
    if (keyProtection === 'device') {
      args = { database, keyProtection: 'device' };
    } else if (typeof keyProtection?.passphrase === 'string') {
      args = { database, keyProtection: 'passphrase', passphrase: keyProtection.passphrase };
    } else if (keyProtection === 'webauthn-prf' || typeof keyProtection?.webauthnPrf === 'object') {
      args = { database, keyProtection: 'webauthn-prf', ...(await this.#prfSecret(database, keyProtection.webauthnPrf ?? {})) };
    } else {
      throw new TypeError(
        `visage: keyProtection must be 'device', {passphrase: string} or 'webauthn-prf', found ${JSON.stringify(keyProtection)}`,
      );
    }
    const info = await this.#call('openVault', [args]);
    this.#vault = args;
    this.#gallery = await this.#call('exportGallery', []);
    return info;
  }

  // #prfSecret asks the platform authenticator for the PRF output that opens
  // database's key: with the credential and salt the stored key names, or,
  // for a gallery without a key yet, a new credential and a random salt.
  // WebAuthn is only offered to pages, so this runs here, not in the worker.
  async #prfSecret(database, { rpId, userName = 'Visage gallery', timeout = 60_000 }) {
    const stored = await this.#call('vaultKey', [database]);
    if (stored && stored.kind !== 'webauthn-prf') {
      throw new Error(`visage: this gallery's key is protected by ${stored.kind}, not a WebAuthn PRF; nothing was changed`);
    }
    if (!globalThis.PublicKeyCredential || !navigator.credentials) {
      throw new Error('visage: this browser offers no WebAuthn here (it needs https or localhost)');
    }
    const ask = async (what, request) => {
      try {
        const cred = await navigator.credentials[what]({ publicKey: { ...request, timeout } });
        if (!cred) {
          throw new Error('no credential');
        }
        return cred;
      } catch (err) {
        throw new Error(`visage: the authenticator did not answer (${err.name}: ${err.message}); nothing was changed`);
      }
    };
    const challenge = () => crypto.getRandomValues(new Uint8Array(32));
    const evaluate = async (credentialId, prfSalt) => {
      const cred = await ask('get', {
        challenge: challenge(),
        rpId,
        allowCredentials: [{ type: 'public-key', id: credentialId }],
        userVerification: 'preferred',
        extensions: { prf: { eval: { first: prfSalt } } },
      });
      return cred.getClientExtensionResults().prf?.results?.first;
    };
    let credentialId = stored?.credentialId;
    let prfSalt = stored?.prfSalt;
    let output;
    if (!stored) {
      prfSalt = crypto.getRandomValues(new Uint8Array(32));
      const cred = await ask('create', {
        challenge: challenge(),
        rp: { name: 'Visage', id: rpId },
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: userName, displayName: userName },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
        authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'preferred' },
        extensions: { prf: { eval: { first: prfSalt } } },
      });
      credentialId = new Uint8Array(cred.rawId);
      const prf = cred.getClientExtensionResults().prf;
      if (!prf?.enabled && !prf?.results) {
        throw new Error('visage: this authenticator has no PRF extension, so it cannot keep the key; nothing was changed');
      }
      output = prf.results?.first;
    }
    output ??= await evaluate(credentialId, prfSalt);
    if (!output) {
      throw new Error('visage: the authenticator gave no PRF output (it lacks the prf extension); nothing was changed');
    }
    return { prfOutput: new Uint8Array(output), credentialId: new Uint8Array(credentialId), prfSalt: new Uint8Array(prfSalt) };
  }

  /**
   * Calls callback(gallery()) whenever another tab or worker changes the
   * stored gallery (see openVault), after this instance has reloaded it;
   * callback({error}) when reloading failed. Returns a function that stops
   * the calls.
   */
  onGalleryChange(callback) {
    this.#galleryListeners.add(callback);
    return () => this.#galleryListeners.delete(callback);
  }

  /**
   * The gallery, thumbnails included, as a passphrase-encrypted file (JSON
   * text, format "visage-gallery": PBKDF2-SHA256 with 600,000 rounds and
   * AES-256-GCM), which only importEncrypted with the passphrase reads.
   */
  exportEncrypted(passphrase) {
    return this.#call('exportEncrypted', [passphrase]);
  }

  /** Replaces the gallery with an exportEncrypted file's; a wrong passphrase rejects and changes nothing. */
  importEncrypted(text, passphrase) {
    return this.#changing('importEncrypted', [text, passphrase]);
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
   * Decides whether two descriptors show one person as verify decides:
   * with the head when one is set (setHead), else the distance against the
   * gallery's threshold (setThreshold). Resolves {distance, match,
   * threshold, head?}.
   */
  decide(a, b) {
    return this.#call('decide', [a, b]);
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
   * A test hook: how 'lost' (the default) destroys the WebGPU device as a
   * driver reset would, 'out-of-memory' has its next pass run out of GPU
   * memory; the next call that needs it falls back to the CPU. Resolves to
   * backend().
   */
  loseGPUForTesting(how = 'lost') {
    return this.#call('loseGPUForTesting', [how]);
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

  /**
   * What excites a VGG-19 unit most (Zeiler & Fergus), as `visage
   * convnet-units` computes it: one pass of images (an array of what the
   * image methods take) through layer (one of conv1_1 … conv5_1; see
   * visage.d.ts), each scaled to size (16..1024, default 128) on its longer
   * side, keeps every unit's k (1..100, default 9) strongest images; the
   * result shows units: the n strongest (a number, default 9) or the
   * channels given (an array), each with its patches, the receptive-field
   * crops around its strongest activations. The worker sees one image per
   * call: onProgress gets {done, total} after each, and aborting signal
   * stops the pass before the next image and rejects with its reason.
   * Loads VGG-19 first if needed.
   */
  async topUnits(images, { layer, units = 9, k = 9, size = 128 } = {}, onProgress = undefined, signal = undefined) {
    signal?.throwIfAborted();
    if (!Array.isArray(images) || images.length === 0) {
      throw new TypeError(`visage: topUnits expects a non-empty array of images, got ${Array.isArray(images) ? 'an empty array' : Object.prototype.toString.call(images)}`);
    }
    if (typeof layer !== 'string') {
      throw new TypeError(`visage: topUnits: layer must be a VGG-19 layer name such as 'conv3_1', got ${Object.prototype.toString.call(layer)}`);
    }
    await this.loadStyleNetwork();
    this.#unitsPass = null;
    const { session, field } = await this.#call('unitsStart', [{ layer, k, size }]);
    for (let i = 0; i < images.length; i++) {
      signal?.throwIfAborted();
      await this.#unitsCall('topUnits', 'unitsAdd', session, images, i, []);
      onProgress?.({ done: i + 1, total: images.length });
    }
    this.#unitsPass = { session, layer, field, size, images };
    return this.unitPatches(units, signal);
  }

  /**
   * Other units of the last topUnits pass, without a new pass: the n
   * strongest (a number) or the channels given (an array), as topUnits
   * returns them. Rejects when no pass has finished, or a later one started.
   */
  async unitPatches(units, signal = undefined) {
    const pass = this.#unitsPass;
    if (!pass) {
      throw new Error('visage: unitPatches needs a finished topUnits pass first');
    }
    const top = await this.#call('unitsTop', [pass.session, units]);
    const byImage = new Map(); // image index → its hits
    for (const { hits } of top.units) {
      for (const h of hits) {
        byImage.set(h.image, [...(byImage.get(h.image) ?? []), h]);
      }
    }
    for (const [i, hits] of byImage) {
      signal?.throwIfAborted();
      const crops = await this.#unitsCall('unitPatches', 'unitsCrop', pass.session, pass.images, i, [hits.map(({ y, x }) => ({ y, x }))]);
      hits.forEach((h, j) => Object.assign(h, crops[j]));
    }
    return {
      layer: pass.layer,
      field: pass.field,
      size: pass.size,
      images: top.images,
      ranking: top.ranking,
      units: top.units.map(({ channel, hits }) => ({ channel, patches: hits })),
    };
  }

  /**
   * Where a unit of the last topUnits pass responds in one of its images
   * (index into the images given): {image, map}, image the picture scaled as
   * the pass saw it (RGBA pixels), map {channel, width, height, data} the
   * unit's activation over it, one byte a value scaled by its peak there.
   */
  async unitMap(index, channel) {
    const pass = this.#unitsPass;
    if (!pass) {
      throw new Error('visage: unitMap needs a finished topUnits pass first');
    }
    if (!Number.isInteger(index) || index < 0 || index >= pass.images.length) {
      throw new RangeError(`visage: unitMap: index ${index}, want a whole number in 0..${pass.images.length - 1}, an image of the last pass`);
    }
    return this.#unitsCall('unitMap', 'unitsMap', pass.session, pass.images, index, [channel]);
  }

  // #unitsCall calls op with session, images[i] and after for method; an
  // error names the image.
  async #unitsCall(method, op, session, images, i, after) {
    try {
      const [arg, transfer] = await toImageArg(images[i], method);
      return await this.#call(op, [session, arg, ...after], transfer);
    } catch (err) {
      throw new Error(`visage: ${method}: images[${i}]: ${err.message.replace(/^visage: /, '')}`);
    }
  }

  /**
   * 1D convolution in the worker (core/signals): signal through each of
   * kernels (arrays of one length), 'valid'. Resolves {shape, shapes,
   * outputs}; see visage.d.ts.
   */
  conv1d(signal, kernels) {
    return this.#call('conv1d', [signal, kernels]);
  }

  /**
   * 3D convolution in the worker (core/signals): the frames (ImageData or
   * {width, height, data} RGBA pixels of one size, oldest first) as a
   * greyscale t×h×w volume through 4 filters of 3×3×3. Resolves {shape,
   * shapes, width, height, energy}; see visage.d.ts.
   */
  motionEnergy(frames, { size = 32 } = {}) {
    return this.#call('motionEnergy', [frames, { size }]);
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

// liveVideo returns {video, release} for unlock and liveness: a playing
// <video> whose srcObject is a MediaStream with a live video track, or a
// MediaStream (played in a video made here, which release stops). Anything
// else throws a TypeError saying a photo cannot unlock.
async function liveVideo(input, op) {
  if (typeof MediaStream !== 'undefined' && input instanceof MediaStream) {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = input;
    await video.play();
    checkLive(input, op);
    return { video, release: () => { video.srcObject = null; } };
  }
  if (typeof HTMLVideoElement !== 'undefined' && input instanceof HTMLVideoElement) {
    if (!(input.srcObject instanceof MediaStream)) {
      throw new TypeError(
        `visage: ${op} takes a <video> showing a camera (its srcObject a MediaStream); this one plays ` +
          `${input.currentSrc ? 'a file' : 'nothing'}, and a recording or a photo cannot unlock`,
      );
    }
    checkLive(input.srcObject, op);
    if (input.readyState < 2) {
      throw new RangeError(`visage: ${op}: the video has no frame yet (is it playing?)`);
    }
    return { video: input, release: () => {} };
  }
  throw new TypeError(
    `visage: ${op} takes a live camera (a <video> whose srcObject is a MediaStream, or the MediaStream), got ` +
      `${Object.prototype.toString.call(input)}: a photo, file or still image cannot unlock (compare it with verify instead)`,
  );
}

function checkLive(stream, op) {
  if (!stream.getVideoTracks().some((t) => t.readyState === 'live')) {
    throw new TypeError(`visage: ${op}: the MediaStream has no live video track`);
  }
}

// nextFrame resolves when video shows a new frame (or after 100 ms where
// requestVideoFrameCallback is missing).
function nextFrame(video) {
  return new Promise((resolve) => {
    if (typeof video.requestVideoFrameCallback === 'function') {
      video.requestVideoFrameCallback(() => resolve());
    } else {
      setTimeout(resolve, 100);
    }
  });
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
