// make_reference.mjs: face-api.js's own whole-photo results (SSD-MobileNetV1
// with its default options, 68-point landmarks, descriptors of its aligned
// crop) for core/face's detection parity test.
//
// Regenerate (from the repository root, after `npm ci`):
//
//   VISAGE_DUMP_DETECT_PIXELS=/tmp/visage-detpix go test ./core/face -run TestDetectionParityWithFaceAPI
//   node testdata/detect/make_reference.mjs /tmp/visage-detpix > testdata/detect/reference.json
//
// The Go test decodes and composes the LFW photos with Visage's own decoder
// and writes raw float32 RGB pixels, so face-api.js sees exactly the pixels
// Visage sees (JPEG decoders differ). face-api.js runs from its Node bundle
// (dist/face-api.node-wasm.js, pure-JS @tensorflow/tfjs) on the tfjs "cpu"
// backend; each photo goes in as a [H,W,3] float32 tensor to
// detectAllFaces(input, new SsdMobilenetv1Options()).withFaceLandmarks()
// .withFaceDescriptors().
//
// Output (stdout): {"faceapi", "tfjs", "backend", "faces": {<key>: [{"box":
// {"x","y","width","height"}, "score", "landmarks": [[x,y] ×68],
// "descriptor": [128]}]}, "tiny": {<key>: [{"box", "score"}]}}, faces in
// face-api.js's order (best score first); "tiny" holds the Tiny Face
// Detector's boxes (detectAllFaces with TinyFaceDetectorOptions defaults).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { tf } = faceapi;

const pixDir = process.argv[2];
if (!pixDir) {
  console.error('usage: node make_reference.mjs <pixel dump dir>');
  process.exit(2);
}

await tf.setBackend('cpu');
await tf.ready();
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);

// 9 significant digits identify a float32 exactly.
const num = (v) => Number(v.toPrecision(9));

const index = JSON.parse(readFileSync(path.join(pixDir, 'index.json'), 'utf8'));
const faces = {};
const tiny = {};
for (const { key, file, height, width } of index) {
  const buf = readFileSync(path.join(pixDir, file));
  const pixels = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (pixels.length !== height * width * 3) throw new Error(`${file}: ${pixels.length} values, want ${height}x${width}x3`);
  const input = tf.tensor3d(pixels, [height, width, 3], 'float32');
  const results = await faceapi
    .detectAllFaces(input, new faceapi.SsdMobilenetv1Options())
    .withFaceLandmarks()
    .withFaceDescriptors();
  const tinyResults = await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions());
  input.dispose();
  tiny[key] = tinyResults.map((d) => ({
    box: {
      x: num(d.box.x), y: num(d.box.y), width: num(d.box.width), height: num(d.box.height),
    },
    score: num(d.score),
  }));
  faces[key] = results.map((r) => ({
    box: {
      x: num(r.detection.box.x), y: num(r.detection.box.y), width: num(r.detection.box.width), height: num(r.detection.box.height),
    },
    score: num(r.detection.score),
    landmarks: r.landmarks.positions.map((p) => [num(p.x), num(p.y)]),
    descriptor: Array.from(r.descriptor, num),
  }));
  console.error(`make_reference: ${key}: ${results.length} faces (SSD), ${tinyResults.length} (Tiny Face Detector)`);
}

// One face per line keeps the file reviewable.
const lines = Object.entries(faces).map(([k, fs]) => `  ${JSON.stringify(k)}: [\n${fs.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]`);
const tinyLines = Object.entries(tiny).map(([k, ds]) => `  ${JSON.stringify(k)}: ${JSON.stringify(ds)}`);
process.stdout.write(`{"faceapi": ${JSON.stringify(faceapi.version)}, "tfjs": ${JSON.stringify(tf.version_core)}, "backend": ${JSON.stringify(tf.getBackend())},\n "faces": {\n${lines.join(',\n')}\n},\n "tiny": {\n${tinyLines.join(',\n')}\n}}\n`);
