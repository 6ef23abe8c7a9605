// Types of visage.js, the browser API of Visage.

/** The distance below which two descriptors are taken to be the same person. */
/** Visage's version (semantic versioning; see CHANGELOG.md). */
export declare const VERSION: string;
export declare const DEFAULT_THRESHOLD: 0.6;
/** identify's default target FPIR: about 1 stranger in 100 given a name, whatever the gallery's size. */
export declare const DEFAULT_FPIR: 0.01;
/** The largest image, in pixels, the image methods take: 24 megapixels (25,165,824). */
export declare const MAX_PIXELS: 25165824;

/** A face descriptor: 128 numbers from face-api.js's recognition network. */
export type Descriptor = Float32Array;

/** Raw pixels, row by row, 4 bytes (R, G, B, A) each; alpha is ignored. */
export interface RGBAPixels {
  width: number;
  height: number;
  /** width * height * 4 bytes. */
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * What the image methods accept: an HTMLImageElement, HTMLVideoElement (its
 * current frame), HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ImageData,
 * RGBA pixels, or encoded image bytes (a Blob/File, ArrayBuffer or typed array:
 * JPEG, PNG, GIF, BMP, WebP, decoded by the Go core exactly as the native CLI
 * decodes the same file).
 */
export type ImageInput = Blob | ArrayBuffer | ArrayBufferView | RGBAPixels | ImageData | CanvasImageSource;

/** A rectangle in the image's pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A face found by detect. */
export interface DetectedFace {
  box: Box;
  /** The detector's confidence, in (0, 1). */
  score: number;
  /** The 68 landmarks (dlib/iBUG order), in the image's pixels. */
  landmarks: Point[];
  descriptor: Descriptor;
  /** With detect's {chips: true}: the aligned chip the descriptor was computed from. */
  chip?: { width: number; height: number; data: Uint8ClampedArray };
}

/** A face found by detectFaces: where the detector put it and how sure it is. */
export interface FaceBox {
  box: Box;
  /** The detector's confidence, in (minConfidence, 1). */
  score: number;
}

/** Options of detectFaces: face-api.js's SsdMobilenetv1Options. */
export interface DetectOptions {
  /** Faces scoring at or below this are dropped, in (0, 1); default 0.5. */
  minConfidence?: number;
  /** At most this many faces (after non-maximum suppression); default 100. */
  maxResults?: number;
}

/** A landmark, in the image's pixels. */
export interface Point {
  x: number;
  y: number;
}

/** A face found by identify. */
export interface IdentifiedFace {
  box: Box;
  score: number;
  /** The closest enrolled person, or null when ruleScore is not below threshold ("not recognized"). */
  name: string | null;
  /** Distance to the closest enrolled person's closest sample; null when no one is enrolled. With a head, to the named person (or the closest, when none). */
  distance: number | null;
  /**
   * The score threshold decides on: d1 − margin·(d2 − d1), d1 and d2 the distances to the nearest and the
   * second-nearest person (d1 alone with one person enrolled, or margin 0); null when no one is enrolled.
   */
  ruleScore: number | null;
  /** The threshold that decided: IdentifyRule.threshold for the fpir asked (a head's own decides when one is set). */
  threshold: number;
  /** The margin rule's α (IdentifyRule.margin): 1 where the measured rule decides, 0 where a chosen threshold does. */
  margin: number;
  /** With a head (setHead): its score of the person it picked; then name follows the head, not distance. */
  head?: HeadScore;
}

/** identify's decision for a descriptor (identifyDescriptor). */
export type DescriptorMatch = Omit<IdentifiedFace, 'box' | 'score'>;

/** identify's options. */
export interface IdentifyOptions {
  /** One chip a face, four times cheaper, for a live overlay that only labels; default false. */
  fast?: boolean;
  /** Target share of strangers given a name: 0.1, 0.01 or 0.001 (measured on LFW); default DEFAULT_FPIR, 0.01. */
  fpir?: number;
}

/**
 * How identify decides for the gallery as it is (GalleryInfo.identify), at the default FPIR: the
 * threshold measured for it at this many people, or, when setThreshold (or an import) chose one,
 * that one.
 */
export interface IdentifyRule {
  /** The margin rule's score d1 − margin·(d2 − d1) must be below it for a name. */
  threshold: number;
  /** α of the margin rule (measured best on LFW: 1); 0, plain distance, when a chosen threshold decides. */
  margin: number;
  /** Where threshold comes from, in words. */
  why: string;
  /** The rates measured at threshold on LFW people disjoint from those it was set on; null when a chosen threshold decides. */
  expected: {
    /** Share of strangers (people not enrolled) given a name. */
    fpir: number;
    /** Share of enrolled people not given their own name. */
    fnir: number;
    target: number;
    /** Non-empty when the number of people lies outside the measured sizes: which size's rates these are. */
    note: string;
  } | null;
}

/** The result of enroll. */
export interface Enrollment {
  name: string;
  /** How many samples this person now has. */
  samples: number;
  /** The face that was enrolled: the largest in the image. */
  box: Box;
  score: number;
}

/** A live camera: a playing <video> whose srcObject is a camera MediaStream, or the MediaStream. */
export type LiveVideo = HTMLVideoElement | MediaStream;

/** One move the unlock challenge asks for. */
export interface ChallengeStep {
  step: 'blink' | 'turn-left' | 'turn-right' | 'look-up';
  /** The instruction in words, e.g. "Turn your head to your left" (the person's own left). */
  words: string;
}

/** Why an unlock was denied, in words; '' when unlocked. Never a distance or a score. */
export type UnlockReason =
  | ''
  | 'no face'
  | 'not this person'
  | 'no liveness'
  | 'challenge timed out'
  | 'wrong move'
  | 'another face appeared'
  | 'too many attempts';

export interface UnlockOptions {
  /** How many moves to ask, 1..4 (default 3), drawn in random order. */
  steps?: number;
  /** Called when the move asked changes: step is its index in steps, -1 while the face is first measured. */
  onStep?: (progress: { steps: ChallengeStep[]; step: number }) => void;
  /** Include the median distance in the result (default false: a denial never tells an attacker how close a forgery came). */
  revealDistance?: boolean;
  signal?: AbortSignal;
}

/** The result of unlock. */
export interface UnlockResult {
  unlocked: boolean;
  reason: UnlockReason;
  /** The reason as a sentence for people. */
  detail: string;
  steps: ChallengeStep[];
  /** Seconds before name may try again (the attempt limit: 5 failures, then 30 s doubling); 0 when not locked. */
  wait: number;
  /** The median distance to name over the frames, only with revealDistance (null when no face was seen). */
  distance?: number | null;
}

/** The result of liveness: the recorded-frames check of `visage liveness`. */
export interface LivenessResult {
  live: boolean;
  /** The largest homography residual (eye distances) from the first frame: evidence of a 3D face; live needs ≥ 0.015. */
  score: number;
  reason: string;
  frames: number;
  faces: number;
  /** The passive models' median scores (null when not loaded); reported, not used to decide. */
  antispoof: number | null;
  liveness: number | null;
}

/** The result of verify: match is distance < threshold, or the head's verdict with a head (setHead). */
export interface Verification {
  name: string;
  match: boolean;
  distance: number;
  threshold: number;
  /** The face that was compared: the largest in the image. */
  box: Box;
  score: number;
  /** With a head: its score of name's best sample, which decides match. */
  head?: HeadScore;
}

/** A head loaded by setHead: what its score is and where it decides. */
export interface HeadInfo {
  /** 'embedding' (triplet loss: the score is a distance) or 'pair-classifier' (the score is P(same)). */
  kind: 'embedding' | 'pair-classifier';
  threshold: number;
  /** True for a classifier: same when score > threshold; else same when score < threshold. */
  higherIsSame: boolean;
}

/** A head's score of a face against a person; null when no one is enrolled. */
export interface HeadScore extends HeadInfo {
  score: number | null;
}

/** The enrolled people, in enrollment order, and the decision threshold. */
export interface GalleryInfo {
  /** verify's threshold, and identify's when chosen (see identify). */
  threshold: number;
  /** How identify decides with this many people enrolled. */
  identify: IdentifyRule;
  /** Whether openVault keeps the gallery in IndexedDB (else it is in memory only). */
  stored: boolean;
  people: {
    name: string;
    samples: number;
    /** The network the descriptors come from: 'dlib' (face-api.js's recognition network). */
    encoder: string;
    /** 64×64 RGBA of the face enroll first took; null for an imported person. */
    thumbnail: { width: number; height: number; data: Uint8ClampedArray } | null;
  }[];
}

/**
 * Where the stored gallery's AES-256-GCM key is kept (see README, Privacy):
 * 'device', a random non-extractable key in IndexedDB; {passphrase}, a
 * random key wrapped with PBKDF2-SHA256 (600,000 rounds) of it;
 * 'webauthn-prf', a random key wrapped with HKDF of a platform
 * authenticator's PRF output.
 */
export type KeyProtection = 'device' | { passphrase: string } | 'webauthn-prf' | { webauthnPrf: { rpId?: string; userName?: string; timeout?: number } };

export interface VaultOptions {
  /** The IndexedDB database; default 'visage'. */
  database?: string;
  /** Default 'device'. A gallery keeps the protection it was made with. */
  keyProtection?: KeyProtection;
}

/** The result of compare. */
export interface Comparison {
  /** Euclidean distance between the descriptors, ≥ 0. */
  distance: number;
  /** distance < threshold. */
  match: boolean;
  threshold: number;
}

/** face-api.js's FaceMatcher.toJSON() layout (exportGallery's text parses to this). */
export interface FaceMatcherJSON {
  distanceThreshold?: number;
  labeledDescriptors: LabeledFaceDescriptorsJSON[];
  /** Visage's addition, which FaceMatcher.fromJSON ignores: each person's thumbnail by name (rgba: base64 RGBA pixels). */
  thumbnails?: Record<string, { width: number; height: number; rgba: string }>;
}

/** face-api.js's LabeledFaceDescriptors.toJSON() layout. */
export interface LabeledFaceDescriptorsJSON {
  label: string;
  /** Each 128 numbers. */
  descriptors: number[][];
}

/** Loading progress: bytes of model weights (total: what the manifests say they hold), then the networks being set up. */
export type LoadProgress = { phase: 'download'; loaded: number; total: number } | { phase: 'prepare' };

export interface LoadOptions {
  /** Folder holding the face-api.js model files (manifests and shards); default "models/", relative to the page. */
  modelsUrl?: string | URL;
  /** Also load the face detector and landmark network (needed by detect, enroll, verify, identify); default true. */
  detector?: boolean;
  /**
   * Where the networks run: 'auto' (default) uses WebGPU when the browser
   * gives an adapter, else the CPU; 'webgpu' rejects when it gives none;
   * 'cpu' never touches WebGPU.
   */
  backend?: 'auto' | 'webgpu' | 'cpu';
  /**
   * 'f16' stores the face recognition network's weights as float16 on the
   * GPU and stages its matrix products as float16 (sums stay float32): half
   * its weight memory, faster on GPUs with fast f16; descriptors move by
   * about 4e-4 (README). Style transfer stays float32. Used only where the
   * adapter has shader-f16 (backend().precision says); default 'f32'.
   */
  precision?: 'f32' | 'f16';
  /**
   * The face encoder: 'dlib' (default; 128 numbers, threshold 0.6),
   * 'mobilefacenet' (192) or 'faceres' (1024), human-models' networks on the
   * ArcFace 5-point chip, on the backend like the rest. A gallery holds one encoder's
   * descriptors; importing another's (a FaceMatcher file is dlib's) rejects.
   * On LFW both score below dlib (README), so keep the default.
   */
  encoder?: 'dlib' | 'mobilefacenet' | 'faceres';
  /** Called as the models download and are set up. */
  onProgress?: (progress: LoadProgress) => void;
  /** The worker script; default worker.js beside visage.js. */
  workerUrl?: string | URL;
  /**
   * The most threads the CPU's matrix products may use (a whole number ≥ 1;
   * default navigator.hardwareConcurrency): the engine's worker and up to 3
   * kernel helpers, which start only on a cross-origin isolated page.
   * BackendInfo.threads says how many run.
   */
  threads?: number;
  /** Open the stored gallery (Visage.openVault) before load resolves; true for its defaults. */
  vault?: true | VaultOptions;
}

/** Where the face networks (detector, landmarks, descriptor) run. */
export interface BackendInfo {
  backend: 'webgpu' | 'cpu';
  /** The GPU adapter ("vendor architecture"); "" on the CPU. */
  adapter: string;
  /** Why the CPU runs: asked for, no WebGPU adapter, or the GPU failed and the CPU took over; "" on WebGPU. */
  reason: string;
  /** GPU queue submissions since load (0 on the CPU): one per network pass (a detection, a face's landmarks, a descriptor). */
  submissions: number;
  /** GPU buffer read-backs since load (0 on the CPU): one per network pass. */
  readBacks: number;
  /**
   * The precision of the GPU's matrix kernels: 'f16' only when load asked
   * for it and the adapter has shader-f16 (SwiftShader has not), else
   * 'f32'; always 'f32' on the CPU.
   */
  precision: 'f32' | 'f16';
  /**
   * The CPU's kernel build: the WebAssembly SIMD module attached
   * ('simd-relaxed.wasm' with fused multiply-adds, 'simd.wasm' without),
   * or 'go' (no SIMD: the pure Go kernels).
   */
  kernels: 'simd-relaxed.wasm' | 'simd.wasm' | 'go';
  /**
   * The threads the CPU's matrix products are split across: the engine's
   * worker and its kernel helpers (web/simd.js), up to 4 and at most the
   * cores; 1 where the page is not cross-origin isolated or has no SIMD.
   */
  threads: number;
}

/** Options of Visage.stylize; the defaults are the course's. */
export interface StylizeOptions {
  /** Adam steps; default 200. */
  steps?: number;
  /** The content's longer side in pixels, 8..1024 (the style is scaled to cover it, centre-cropped); default 256. */
  size?: number;
  /** α, weight of the content cost (conv4_2); default 10. */
  alpha?: number;
  /** β, weight of the style cost (conv1_1…conv5_1, λ = 0.2 each); default 40. */
  beta?: number;
  /** Weight of the total-variation cost; default 0. */
  tv?: number;
  /** Adam's learning rate in pixel units; default 2. */
  lr?: number;
  /** Share of noise in the first image, 0..1; default 0.6. */
  noise?: number;
  /** Seed of that noise; default 1. */
  seed?: number;
  /** Pooling between VGG blocks; default 'avg'. */
  pool?: 'avg' | 'max';
  /** Keep the content's colours (luminance-only transfer); default false. */
  preserveColor?: boolean;
  /** About how long each chunk of steps runs, in milliseconds; default 400. */
  chunkMs?: number;
  /** Called after each chunk of steps. */
  onStep?: (progress: StylizeProgress) => void;
  /** Aborting it stops the steps between chunks; stylize rejects with its reason. */
  signal?: AbortSignal;
}

/** The costs of the generated image before one step (unweighted terms, weighted total). */
export interface ArtCosts {
  content: number;
  style: number;
  tv: number;
  total: number;
}

/** A chunk of stylize's steps. */
export interface StylizeProgress {
  /** Steps done so far. */
  step: number;
  steps: number;
  /** This chunk's costs, one per step. */
  costs: ArtCosts[];
  /** The generated image now. */
  image: { width: number; height: number; data: Uint8ClampedArray };
  /**
   * Where this chunk ran: on WebGPU when load's backend has a GPU, else on
   * the CPU; a GPU lost (or out of memory) mid-run moves the run to the CPU,
   * which goes on from the last chunk's image and optimiser state.
   */
  backend: 'webgpu' | 'cpu';
}

/** What a VGG-19 layer detects (see layerFeatures). */
export interface LayerFeatures {
  layer: string;
  /** The image the maps are of. */
  source: 'generated' | 'content';
  /** The receptive field of the layer's units: its side and its step, in input pixels. */
  field: { size: number; stride: number };
  /** The strongest channels by mean activation; one byte a value, 0..255 scaled by the channel's peak. */
  maps: { channel: number; width: number; height: number; data: Uint8ClampedArray }[];
  /** For the first channels: the receptive-field crop around each image's strongest activation, strongest first. */
  units: {
    channel: number;
    patches: { image: 'content' | 'style' | 'generated'; value: number; width: number; height: number; data: Uint8ClampedArray }[];
  }[];
}

/** Options of Visage.topUnits. */
export interface TopUnitsOptions {
  /** A VGG-19 layer: conv1_1, conv1_2, conv2_1, conv2_2, conv3_1 … conv3_4, conv4_1 … conv4_4 or conv5_1. */
  layer: string;
  /** The n strongest units (default 9: those whose k-th strongest image responds most), or these channels. */
  units?: number | number[];
  /** Patches kept per unit, each from a different image, 1..100 (default 9). */
  k?: number;
  /** Each image's longer side is scaled down to this first, 16..1024 (default 128). */
  size?: number;
}

/** Each unit's strongest patches over a set of images (see topUnits). */
export interface TopUnits {
  layer: string;
  /** The layer's receptive field: unit (y, x) sees rows offset + y·stride … + size − 1 of the scaled image. */
  field: { size: number; stride: number; offset: number };
  size: number;
  /** How many images the pass saw. */
  images: number;
  /** Every channel of the layer, strongest first. */
  ranking: number[];
  units: {
    channel: number;
    /**
     * Strongest first: image is the index in the images given; (y, x) the unit's position in the
     * layer; top … bottom − 1, left … right − 1 the window in the scaled image, whose pixels are data.
     */
    patches: {
      image: number; y: number; x: number; value: number;
      top: number; left: number; bottom: number; right: number;
      width: number; height: number; data: Uint8ClampedArray;
    }[];
  }[];
}

/** A 1D convolution's result (see conv1d). */
export interface Conv1DResult {
  /** [n − f + 1, k]: 'valid' positions × kernels. */
  shape: [number, number];
  /** The shapes as the course writes them, e.g. "96×1 * 2 filters of 9×1 → 88×2". */
  shapes: string;
  /** outputs[j][i]: kernel j over signal[i … i + f − 1] (cross-correlation, as in ConvNets). */
  outputs: Float32Array[];
}

/** Where a clip moves (see motionEnergy). */
export interface MotionEnergyResult {
  /** [T − 2, H − 2, W − 2, 4]: the responses of the 4 filters of 3×3×3 to the t×h×w volume. */
  shape: [number, number, number, number];
  /** The shapes as the course writes them, e.g. "16×24×32×1 * 4 filters of 3×3×3 → 14×22×30×4". */
  shapes: string;
  /** The motion energy map's size, W − 2 by H − 2. */
  width: number;
  height: number;
  /** The mean over time of the squared temporal derivative (frame t+1 − frame t−1, smoothed), row by row; 0 where nothing changes. */
  energy: Float32Array;
}

/**
 * A loaded Visage: a Web Worker running the Go core and holding a gallery of
 * enrolled people (in memory, or encrypted in IndexedDB after openVault). Every
 * method returns a promise that rejects with an Error whose message says what
 * was wrong; calls are served one at a time, in order.
 *
 * Images are bounded: over 24 megapixels (MAX_PIXELS) or 256 MiB of file,
 * a call rejects with the size and the limit before anything is allocated.
 * If the engine stops anyway (a fatal error in the Go core), the calls
 * pending reject with an Error saying so, and the instance restarts it
 * with the same models, gallery, threshold and head: the next call works.
 */
export declare class Visage {
  /** Visage's version, as VERSION. */
  static readonly version: string;
  /** Use Visage.load. */
  private constructor(workerUrl: URL, loadOptions: object);
  /**
   * Starts the worker and loads the models; rejects when a file is missing
   * or malformed, or its size (or, where the folder has sha256.json, its
   * SHA-256) is not what its manifest says: the message names the file and
   * the bytes expected and received.
   */
  static load(options?: LoadOptions): Promise<Visage>;
  /** Every face in the image, best score first; [] when there is none; chips adds each face's aligned chip; fast (default true) encodes that one chip, fast: false as enroll/verify/identify decide (for decide). */
  detect(image: ImageInput, options?: { chips?: boolean; fast?: boolean }): Promise<DetectedFace[]>;
  /** The face detector alone: every face's box and score, best score first, no landmarks or descriptors; [] when there is none. */
  detectFaces(image: ImageInput, options?: DetectOptions): Promise<FaceBox[]>;
  /** The 68-point landmark net alone on box (image pixels, e.g. from detectFaces): 68 points in the image's pixels, dlib/iBUG order. */
  landmarks(image: ImageInput, box: Box): Promise<Point[]>;
  /** The descriptor of the face filling the image (padded to a square, resized to 150×150). */
  encode(image: ImageInput): Promise<Descriptor>;
  /** One-shot enrollment: adds the largest face in the image to name; rejects when there is no face. */
  enroll(name: string, image: ImageInput): Promise<Enrollment>;
  /** Is the largest face in the image the person called name? Rejects when there is no face or no such person. */
  verify(name: string, image: ImageInput): Promise<Verification>;
  /**
   * Face unlock with a liveness challenge on a live camera only: several frames must match name
   * (their median distance) and the randomly ordered moves must be done by that one face. Rejects
   * with a TypeError for a Blob/File, ImageData, <img>, canvas, ImageBitmap or a <video> without a
   * camera stream: a photo never unlocks (compare it with verify instead).
   */
  unlock(name: string, video: LiveVideo, options?: UnlockOptions): Promise<UnlockResult>;
  /** Whether frames (default 6) of a live video show a live face, without a challenge. */
  liveness(video: LiveVideo, options?: { frames?: number }): Promise<LivenessResult>;
  /** Every face in the image with the closest enrolled person (four chips a face; fast: one, for a live overlay). */
  identify(image: ImageInput, options?: IdentifyOptions): Promise<IdentifiedFace[]>;
  /** identify's decision for a descriptor from encode or detect. */
  identifyDescriptor(descriptor: Float32Array | number[], options?: { fpir?: number }): Promise<DescriptorMatch>;
  gallery(): Promise<GalleryInfo>;
  removePerson(name: string): Promise<GalleryInfo>;
  renamePerson(oldName: string, newName: string): Promise<GalleryInfo>;
  /** The distance below which a face matches, in (0, 1]; lower is stricter. */
  setThreshold(threshold: number): Promise<GalleryInfo>;
  /**
   * Loads a head trained by `visage train-triplet` or `train-pairs` (its JSON, text or object): verify and
   * identify then decide with its score and threshold (the distance threshold no longer decides). null goes
   * back to plain distance. Rejects, keeping the current head, when json is not a head over 128 numbers.
   */
  setHead(json: string | object | null): Promise<HeadInfo | null>;
  /** Forgets everyone; the threshold stays. */
  clearGallery(): Promise<GalleryInfo>;
  /** JSON text in face-api.js's FaceMatcher.toJSON layout, with the people's thumbnails beside it (FaceMatcherJSON.thumbnails). */
  exportGallery(): Promise<string>;
  /**
   * Replaces the gallery with FaceMatcher.toJSON's layout or an array of
   * LabeledFaceDescriptors (text or object). Everything is checked first
   * (labels, 128 finite numbers per descriptor, the threshold; a file of
   * another encoder, which exportGallery tags with it, must be the
   * gallery's); on an error the gallery is unchanged.
   */
  importGallery(json: string | FaceMatcherJSON | LabeledFaceDescriptorsJSON[]): Promise<GalleryInfo>;
  /**
   * Keeps the gallery from now on in IndexedDB, one sealed record per person, and replaces the gallery in
   * memory with the stored one (moving in what an older page saved in the clear: migrated people). A wrong
   * passphrase, another protection than the gallery's, or an authenticator that does not answer rejects and
   * changes nothing.
   */
  openVault(options?: VaultOptions): Promise<GalleryInfo & { migrated: number }>;
  /** Calls back after another tab changed the stored gallery and this instance reloaded it. Returns an unsubscribe function. */
  onGalleryChange(callback: (info: GalleryInfo | { error: string }) => void): () => void;
  /** The gallery as a passphrase-encrypted file (JSON, format "visage-gallery", PBKDF2-SHA256 + AES-256-GCM). */
  exportEncrypted(passphrase: string): Promise<string>;
  /** Replaces the gallery with an exportEncrypted file's; a wrong passphrase rejects and changes nothing. */
  importEncrypted(text: string, passphrase: string): Promise<GalleryInfo>;
  /** Euclidean distance between two descriptors of equal length. */
  distance(a: ArrayLike<number>, b: ArrayLike<number>): Promise<number>;
  /** Distance and verdict at threshold (default DEFAULT_THRESHOLD). */
  compare(a: ArrayLike<number>, b: ArrayLike<number>, threshold?: number): Promise<Comparison>;
  /** Same person or not, decided as verify decides: the head when one is set, else the gallery's threshold. */
  decide(a: ArrayLike<number>, b: ArrayLike<number>): Promise<Comparison & { head?: HeadScore }>;
  /** Where the face descriptors are computed now; a lost GPU switches to the CPU, keeping the gallery. */
  backend(): Promise<BackendInfo>;
  /** Test hook: destroys the WebGPU device ('lost') or runs its next pass out of memory; the next call falls back to the CPU. */
  loseGPUForTesting(how?: 'lost' | 'out-of-memory'): Promise<BackendInfo>;
  /** Test hook: ends the engine as a fatal error would; rejects, and the engine restarts with the gallery. */
  crashForTesting(): Promise<never>;
  /** Loads VGG-19 (manifest.json and raw files under vggUrl, default "vgg19/") once, for the Art methods. */
  loadStyleNetwork(options?: { vggUrl?: string | URL; onProgress?: (progress: LoadProgress) => void }): Promise<{ layers: string[] }>;
  /** Fits a content and a style image to the working size (longer side size, default 256). */
  setArtImages(content: ImageInput, style: ImageInput, size?: number): Promise<{ width: number; height: number }>;
  /** Neural style transfer in the worker; loss holds J before each step. */
  stylize(content: ImageInput, style: ImageInput, options?: StylizeOptions): Promise<{ steps: number; loss: number[]; image: StylizeProgress['image']; backend: StylizeProgress['backend'] }>;
  /** Feature maps of a layer (conv1_1…conv5_1) and the patches that excite its strongest units; maps 1..64 (default 8), units ≤ maps (default 4). */
  layerFeatures(layer: string, options?: { maps?: number; units?: number }): Promise<LayerFeatures>;
  /**
   * Zeiler & Fergus's top patches per unit over images, in the worker one image at a time, as `visage
   * convnet-units` computes them; onProgress after each image; aborting signal stops before the next.
   */
  topUnits(images: ImageInput[], options: TopUnitsOptions, onProgress?: (progress: { done: number; total: number }) => void, signal?: AbortSignal): Promise<TopUnits>;
  /** Other units of the last finished topUnits pass, without a new pass. */
  unitPatches(units: number | number[], signal?: AbortSignal): Promise<TopUnits>;
  /** Where a unit of the last topUnits pass responds in images[index] of it: the picture as the pass saw it, and the map (0..255 by its peak there). */
  unitMap(index: number, channel: number): Promise<{ image: RGBAPixels; map: { channel: number; width: number; height: number; data: Uint8ClampedArray } }>;
  /**
   * 1D convolution (core/signals, as `visage conv1d`): signal (1..65536
   * finite numbers) through kernels (1..16 arrays of one length f, 1..256,
   * at most the signal's), 'valid'. Rejects with what was expected and found.
   */
  conv1d(signal: ArrayLike<number>, kernels: ArrayLike<number>[]): Promise<Conv1DResult>;
  /**
   * 3D convolution (core/signals, as `visage conv3d`): frames (3..64 RGBA
   * images of one size, oldest first) as a greyscale t×h×w volume, the
   * longer side area-averaged down to size (3..128, default 32), through a
   * temporal derivative, a temporal mean and two spatial edge filters of
   * 3×3×3. Rejects with what was expected and found.
   */
  motionEnergy(frames: ImageData[] | { width: number; height: number; data: Uint8ClampedArray }[], options?: { size?: number }): Promise<MotionEnergyResult>;
  /** Stops the worker; pending and later calls reject. */
  terminate(): void;
}
