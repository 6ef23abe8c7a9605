// Types of visage.js, the browser API of Visage.

/** The distance below which two descriptors are taken to be the same person. */
export declare const DEFAULT_THRESHOLD: 0.6;

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
 * What encode accepts. Encoded image bytes (JPEG, PNG, GIF, BMP, WebP: whatever
 * the Go core decodes) give the same descriptor as the native CLI on the same
 * file; pixels and image sources are taken as drawn by the browser.
 */
export type EncodeInput = Blob | ArrayBuffer | ArrayBufferView | RGBAPixels | ImageData | CanvasImageSource;

/** The result of compare. */
export interface Comparison {
  /** Euclidean distance between the descriptors, ≥ 0. */
  distance: number;
  /** distance < threshold. */
  match: boolean;
  threshold: number;
}

export interface LoadOptions {
  /** Folder holding face_recognition_model-weights_manifest.json and its shard; default "models/", relative to the page. */
  modelsUrl?: string | URL;
  /** The worker script; default worker.js beside visage.js. */
  workerUrl?: string | URL;
}

/**
 * A loaded Visage: a Web Worker running the Go core. Every method returns a
 * promise that rejects with an Error whose message says what was wrong.
 */
export declare class Visage {
  /** Use Visage.load. */
  private constructor(worker: Worker);
  /** Starts the worker and loads the model; rejects when a file is missing or malformed. */
  static load(options?: LoadOptions): Promise<Visage>;
  /** The descriptor of the face filling the image (padded to a square, resized to 150×150). */
  encode(input: EncodeInput): Promise<Descriptor>;
  /** Euclidean distance between two descriptors of equal length. */
  distance(a: ArrayLike<number>, b: ArrayLike<number>): Promise<number>;
  /** Distance and verdict at threshold (default DEFAULT_THRESHOLD). */
  compare(a: ArrayLike<number>, b: ArrayLike<number>, threshold?: number): Promise<Comparison>;
  /** Stops the worker; pending and later calls reject. */
  terminate(): void;
}
