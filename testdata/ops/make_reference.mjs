// make_reference.mjs computes reference outputs for visage/core/ops with
// TensorFlow.js's CPU backend and writes reference.json beside this script.
//
// Regenerate (from the repository root, after `npm ci`):
//
//     node testdata/ops/make_reference.mjs
//
// Inputs are not stored: every case names a seed, and both this script and
// core/ops/reference_test.go draw the input x, then the filter w, then the
// bias from the same 32-bit linear congruential generator (Numerical Recipes'
// constants), whose values k/2^23 - 1 in [-1, 1) are exact in float32.
// Outputs are rounded to 8 significant digits to keep the file small.

import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// lcg returns a generator of float32-exact values in [-1, 1); it must match
// lcg in core/ops/reference_test.go.
function lcg(seed) {
  let s = seed >>> 0;
  return (n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = (s >>> 8) / 8388608 - 1;
    }
    return out;
  };
}

const size = (shape) => shape.reduce((a, b) => a * b, 1);

// conv covers conv1d/2d/3d: x [spatial..., Cin] and w [k..., Cin, Cout] are
// drawn in that order, then a bias of Cout values.
function conv(c) {
  const draw = lcg(c.seed);
  const x = tf.tensor(draw(size(c.x)), [1, ...c.x]);
  const w = tf.tensor(draw(size(c.w)), c.w);
  const bias = tf.tensor(draw(c.w[c.w.length - 1]));
  const k = c.x.length - 1;
  const strides = k === 1 ? c.strides[0] : c.strides;
  const f = { 1: tf.conv1d, 2: tf.conv2d, 3: tf.conv3d }[k];
  return tf.add(f(x, w, strides, c.pad), bias);
}

// depthwise draws x [H,W,C], w [kh,kw,C,mult], then a bias of C*mult values.
function depthwise(c) {
  const draw = lcg(c.seed);
  const x = tf.tensor(draw(size(c.x)), [1, ...c.x]);
  const w = tf.tensor(draw(size(c.w)), c.w);
  const bias = tf.tensor(draw(c.w[2] * c.w[3]));
  return tf.add(tf.depthwiseConv2d(x, w, c.strides, c.pad), bias);
}

function pool(c) {
  const x = tf.tensor(lcg(c.seed)(size(c.x)), [1, ...c.x]);
  const f = c.op === 'maxPool' ? tf.maxPool : tf.avgPool;
  return f(x, c.k, c.strides, c.pad);
}

function resize(c) {
  const x = tf.tensor(lcg(c.seed)(size(c.x)), [1, ...c.x]);
  return tf.image.resizeBilinear(x, c.size, c.alignCorners, c.halfPixelCenters);
}

const cases = [];
let seed = 1;
const add = (c) => cases.push({ ...c, seed: seed++ });

// Convolutions: strides, both paddings, odd and even kernels, channel counts
// that are not multiples of 4, and the seed's 14-sample 16-filter signal.
for (const [x, w, strides, pad] of [
  [[14, 1], [5, 1, 16], [1], 'valid'],
  [[13, 3], [4, 3, 5], [2], 'same'],
  [[11, 2], [3, 2, 3], [3], 'valid'],
  [[10, 3], [5, 3, 2], [1], 'same'],
  [[9, 7, 3], [3, 3, 3, 5], [1, 1], 'same'],
  [[9, 7, 3], [3, 3, 3, 5], [2, 2], 'same'],
  [[10, 11, 2], [7, 7, 2, 4], [2, 2], 'same'],
  [[8, 9, 5], [1, 1, 5, 6], [1, 1], 'valid'],
  [[9, 8, 3], [1, 1, 3, 5], [2, 2], 'same'],
  [[7, 7, 4], [2, 3, 4, 3], [2, 3], 'valid'],
  [[6, 5, 3], [4, 4, 3, 2], [1, 1], 'same'],
  [[5, 5, 1], [5, 5, 1, 3], [1, 1], 'valid'],
  [[6, 5, 7, 2], [3, 3, 3, 2, 3], [1, 1, 1], 'same'],
  [[7, 6, 5, 1], [2, 3, 2, 1, 4], [2, 2, 2], 'valid'],
  [[5, 5, 5, 3], [3, 3, 3, 3, 2], [1, 2, 2], 'same'],
  [[8, 8, 8, 1], [5, 5, 5, 1, 16], [1, 1, 1], 'valid'],
]) add({ op: 'conv', x, w, strides, pad });

for (const [x, w, strides, pad] of [
  [[9, 7, 3], [3, 3, 3, 1], [1, 1], 'same'],
  [[9, 7, 3], [3, 3, 3, 2], [2, 2], 'same'],
  [[8, 8, 5], [3, 3, 5, 1], [2, 2], 'valid'],
  [[7, 6, 4], [5, 5, 4, 3], [1, 1], 'same'],
  [[10, 9, 6], [3, 3, 6, 1], [2, 2], 'same'],
]) add({ op: 'depthwise', x, w, strides, pad });

for (const op of ['maxPool', 'avgPool']) {
  for (const [x, k, strides, pad] of [
    [[7, 9, 3], [3, 3], [2, 2], 'same'],
    [[7, 9, 3], [2, 2], [2, 2], 'valid'],
    [[6, 6, 5], [3, 3], [1, 1], 'same'],
    [[8, 7, 2], [3, 2], [2, 3], 'same'],
    [[9, 9, 1], [3, 3], [2, 2], 'valid'],
  ]) add({ op, x, k, strides, pad });
}

// Resizing: up, down, mixed, one row and one column, every flag combination
// tfjs accepts (it rejects alignCorners together with halfPixelCenters).
for (const [alignCorners, halfPixelCenters] of [[false, false], [true, false], [false, true]]) {
  for (const size of [[9, 13], [3, 4], [2, 11], [1, 5], [6, 1]]) {
    add({ op: 'resizeBilinear', x: [5, 7, 3], size, alignCorners, halfPixelCenters });
  }
}

await tf.setBackend('cpu');
const run = { conv, depthwise, maxPool: pool, avgPool: pool, resizeBilinear: resize };
const out = cases.map((c) => {
  const y = tf.tidy(() => run[c.op](c).squeeze([0]));
  const res = { ...c, outShape: y.shape, out: Array.from(y.dataSync(), (v) => Number(v.toPrecision(8))) };
  y.dispose();
  return res;
});

const path = fileURLToPath(new URL('reference.json', import.meta.url));
writeFileSync(path, JSON.stringify({ generator: 'testdata/ops/make_reference.mjs', tfjs: tf.version.tfjs, backend: tf.getBackend(), cases: out }) + '\n');
console.log(`wrote ${out.length} cases to ${path}`);
