// make_descriptors.mjs: reference face descriptors from face-api.js itself,
// for models/facerec's parity test.
//
// Regenerate (from the repository root, after `npm ci`):
//
//   go run ./testdata/faceapi/dumppixels ../shared/data/faces-dev /tmp/visage-facepix
//   node testdata/faceapi/make_descriptors.mjs /tmp/visage-facepix > testdata/faceapi/descriptors.json
//
// dumppixels decodes every chip with Visage's own decoder (core/imageio) and
// writes raw float32 RGB pixels, so that both sides encode identical pixels;
// Node never decodes an image. It also writes a few resized variants
// ("<chip>@HxW") that exercise face-api.js's padToSquare + resizeBilinear.
//
// face-api.js runs from its Node bundle (dist/face-api.node-wasm.js, which
// needs only the pure-JS @tensorflow/tfjs, no native tfjs-node) on the tfjs
// "cpu" backend, loading node_modules/@vladmandic/face-api/model/ from disk.
// Each input goes in as a [H,W,3] float32 tensor to
// faceapi.nets.faceRecognitionNet.computeFaceDescriptor.
//
// Output (stdout): {"faceapi": <version>, "tfjs": <version>, "backend": "cpu",
// "descriptors": {<key>: [128 numbers]}}, keys in dumppixels' order.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { tf } = faceapi;

const pixDir = process.argv[2];
if (!pixDir) {
  console.error('usage: node make_descriptors.mjs <dumppixels output dir>');
  process.exit(2);
}

await tf.setBackend('cpu');
await tf.ready();
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

const index = JSON.parse(readFileSync(path.join(pixDir, 'index.json'), 'utf8'));
const descriptors = {};
for (const { key, file, height, width } of index) {
  const buf = readFileSync(path.join(pixDir, file));
  const pixels = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (pixels.length !== height * width * 3) throw new Error(`${file}: ${pixels.length} values, want ${height}x${width}x3`);
  const input = tf.tensor3d(pixels, [height, width, 3], 'float32');
  const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
  input.dispose();
  // 9 significant digits identify a float32 exactly.
  descriptors[key] = Array.from(d, (v) => Number(v.toPrecision(9)));
}

const out = {
  faceapi: faceapi.version,
  tfjs: tf.version_core,
  backend: tf.getBackend(),
  descriptors,
};
// One descriptor per line keeps the file reviewable.
const lines = Object.entries(out.descriptors).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
process.stdout.write(`{"faceapi": ${JSON.stringify(out.faceapi)}, "tfjs": ${JSON.stringify(out.tfjs)}, "backend": ${JSON.stringify(out.backend)},\n "descriptors": {\n${lines.join(',\n')}\n}}\n`);
console.error(`make_descriptors: ${index.length} descriptors on tfjs-${out.backend}`);
