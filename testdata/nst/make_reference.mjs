// make_reference.mjs computes the style-transfer parity reference with
// TensorFlow.js (cpu backend) and writes testdata/nst/reference.json.
//
// It reads the same quantized VGG-19 raw files as the Go loader (manifest.json,
// MD5 checked, w = q·scale + min_value rounded to float32) and the same pixels
// (testdata/nst/pixels.json, written by `go run ./testdata/nst/dumppixels`;
// Node decodes no image), builds VGG-19 up to conv5_1 (BGR − mean input,
// 3×3 'same' convolutions + ReLU, 2×2 stride-2 'same' average or max pooling;
// both are computed) and
// evaluates the course's costs:
//   J_content = Σ(a_C − a_G)² / (4·nH·nW·nC) on conv4_2,
//   J_style^[l] = Σ(G_S − G_G)² / (4·nC²·(nH·nW)²), G = A·Aᵀ of the unrolled
//   (nC × nH·nW) activation, λ = 0.2 on conv1_1, conv2_1, conv3_1, conv4_1, conv5_1,
//   J = 10·J_content + 40·J_style,
// and ∂J/∂G by tf.grad. The gradient is stored as a summary: its L2 norm, its
// largest magnitude and its values at fixed flat indices.
//
// Run from the repository root:  node testdata/nst/make_reference.mjs [VGG19_DIR]
// (VGG19_DIR defaults to $VISAGE_VGG19, else ../shared/models/vgg19).
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

await tf.setBackend('cpu');

const vggDir = process.argv[2] || process.env.VISAGE_VGG19 || '../shared/models/vgg19';
const manifest = JSON.parse(readFileSync(join(vggDir, 'manifest.json'), 'utf8'));

function load(key) {
  const e = manifest.weights[key];
  const raw = readFileSync(join(vggDir, e.filename));
  const md5 = createHash('md5').update(raw).digest('hex');
  if (md5 !== e.checksum) throw new Error(`${e.filename}: MD5 ${md5}, manifest says ${e.checksum}`);
  if (raw.length !== e.size) throw new Error(`${e.filename}: ${raw.length} bytes, manifest says ${e.size}`);
  const { scale, min_value: lo } = e.quantization;
  const w = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) w[i] = raw[i] * scale + lo;
  return tf.tensor(w, e.shape, 'float32');
}

const convs = ['conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1', 'conv3_2', 'conv3_3', 'conv3_4',
  'conv4_1', 'conv4_2', 'conv4_3', 'conv4_4', 'conv5_1'];
const weights = Object.fromEntries(convs.map((n) => [n, { k: load(`${n}/kernel`), b: load(`${n}/bias`) }]));

// vgg returns the post-ReLU activation of every layer for an RGB [H,W,3] image.
function vgg(rgb, pooling) {
  let x = tf.sub(tf.reverse(rgb, -1), tf.tensor1d([103.939, 116.779, 123.68])).expandDims(0);
  const acts = {};
  for (const n of convs) {
    if (n.endsWith('_1') && n !== 'conv1_1') x = pooling === 'max' ? tf.maxPool(x, 2, 2, 'same') : tf.avgPool(x, 2, 2, 'same');
    x = tf.relu(tf.add(tf.conv2d(x, weights[n].k, 1, 'same'), weights[n].b));
    acts[n] = x.squeeze([0]);
  }
  return acts;
}

function gram(a) { // a [nH,nW,nC] → A·Aᵀ with A = unrolled [nC, nH·nW]
  const [h, w, c] = a.shape;
  const A = tf.transpose(tf.reshape(a, [h * w, c]));
  return tf.matMul(A, A, false, true);
}

function contentCost(aC, aG) {
  const [h, w, c] = aG.shape;
  return tf.div(tf.sum(tf.square(tf.sub(aC, aG))), 4 * h * w * c);
}

function layerStyleCost(gS, aG) {
  const [h, w, c] = aG.shape;
  return tf.div(tf.sum(tf.square(tf.sub(gS, gram(aG)))), 4 * c * c * (h * w) * (h * w));
}

const styleLayers = ['conv1_1', 'conv2_1', 'conv3_1', 'conv4_1', 'conv5_1'];
const pixels = JSON.parse(readFileSync('testdata/nst/pixels.json', 'utf8'));
const image = (k) => tf.tensor(Float32Array.from(Buffer.from(pixels[k], 'base64')), pixels.shape, 'float32');
const content = image('content'), style = image('style'), generated = image('generated');

// reference returns the costs and the gradient summary for one pooling.
function reference(pooling) {
  const aC = vgg(content, pooling).conv4_2;
  const styleActs = vgg(style, pooling);
  const gS = Object.fromEntries(styleLayers.map((l) => [l, gram(styleActs[l])]));
  const costs = (g) => {
    const a = vgg(g, pooling);
    const jc = contentCost(aC, a.conv4_2);
    const js = tf.addN(styleLayers.map((l) => tf.mul(0.2, layerStyleCost(gS[l], a[l]))));
    return { jc, js, j: tf.add(tf.mul(10, jc), tf.mul(40, js)) };
  };
  const { jc, js, j } = costs(generated);
  const g = tf.grad((img) => costs(img).j)(generated).dataSync();
  let sq = 0, maxAbs = 0;
  for (const v of g) { sq += v * v; maxAbs = Math.max(maxAbs, Math.abs(v)); }
  const indices = Array.from({ length: 64 }, (_, i) => (i * 1031 + 17) % g.length);
  const r = {
    pooling,
    J_content: jc.dataSync()[0],
    J_style: js.dataSync()[0],
    J: j.dataSync()[0],
    grad: { norm: Math.sqrt(sq), maxAbs, indices, values: indices.map((i) => g[i]) },
  };
  console.log(`${pooling}: J_content ${r.J_content}  J_style ${r.J_style}  J ${r.J}  |grad| ${r.grad.norm}`);
  return r;
}

const ref = {
  generator: 'testdata/nst/make_reference.mjs',
  tfjs: tf.version.tfjs,
  backend: tf.getBackend(),
  shape: pixels.shape,
  alpha: 10, beta: 40, contentLayer: 'conv4_2', styleLayers, styleWeight: 0.2,
  results: [reference('avg'), reference('max')],
};
writeFileSync('testdata/nst/reference.json', JSON.stringify(ref, null, 1) + '\n');
