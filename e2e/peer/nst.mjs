// nst.mjs is the TensorFlow.js peer of Visage's style-transfer step (the
// bench's "nst" lines): the course's costs on the same quantized VGG-19,
// loaded as testdata/nst/make_reference.mjs loads it (manifest.json, one raw
// uint8 file per tensor, w = q·scale + min_value), minimised by tfjs's Adam.
// It uses the TensorFlow.js inside face-api.js's bundle, on whatever backend
// faceapi.mjs's setup selected.
//
// Two steps are timed. "step" lets tfjs differentiate tf.conv2d and the
// Gram's matMul(A, A, transposeA) itself: on tfjs-wasm 4.22 about 90% of it
// runs in two slow non-SIMD kernels (Conv2DBackpropInput, a naive loop, and
// slow_batch_matmul, taken by any matmul with a transpose flag). "fast" is
// what a speed-minded tfjs user writes (tf.customGrad): the input gradient
// of a stride-1 'same' 3×3 convolution as the convolution of dy with the
// kernel rotated 180° and its channels swapped (exact for this padding), and
// the Gram as matMul(transpose(A), A) with gradient A·(dG + dGᵀ). Same
// maths, same Adam; setup checks that both give the same cost and gradient
// (within 1e-5, relative) before anything is timed.
import { tf } from './face-api.esm.js';

const convs = ['conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1', 'conv3_2', 'conv3_3', 'conv3_4',
  'conv4_1', 'conv4_2', 'conv4_3', 'conv4_4', 'conv5_1'];
const styleLayers = ['conv1_1', 'conv2_1', 'conv3_1', 'conv4_1', 'conv5_1'];
const contentLayer = 'conv4_2';
const alpha = 10, beta = 40, lambda = 0.2; // J = α·J_content + β·Σ λ·J_style^[l]

let weights = null; // conv name → {k, b}, loaded once

async function loadVGG() {
  const dir = new URL('vgg19/', import.meta.url);
  const manifest = await (await fetch(new URL('manifest.json', dir))).json();
  const load = async (key) => {
    const e = manifest.weights[key];
    const res = await fetch(new URL(e.filename, dir));
    if (!res.ok) throw new Error(`vgg19/${e.filename}: HTTP ${res.status}`);
    const raw = new Uint8Array(await res.arrayBuffer());
    if (raw.length !== e.size) throw new Error(`vgg19/${e.filename}: ${raw.length} bytes, manifest says ${e.size}`);
    const { scale, min_value: lo } = e.quantization;
    const w = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) w[i] = raw[i] * scale + lo;
    return tf.tensor(w, e.shape, 'float32');
  };
  const out = {};
  for (const n of convs) {
    const k = await load(`${n}/kernel`);
    // The input gradient's kernel: rotated 180° (kh, kw reversed), in and
    // out channels swapped.
    out[n] = { k, b: await load(`${n}/bias`), kBack: tf.transpose(tf.reverse(k, [0, 1]), [0, 1, 3, 2]) };
  }
  return out;
}

// conv is tf.conv2d(x, w.k, 1, 'same'), with the input gradient written by
// hand when fast (the kernel needs none: the weights are constants).
function conv(x, w, fast) {
  if (!fast) return tf.conv2d(x, w.k, 1, 'same');
  return tf.customGrad((input) => ({
    value: tf.conv2d(input, w.k, 1, 'same'),
    gradFunc: (dy) => tf.conv2d(dy, w.kBack, 1, 'same'),
  }))(x);
}

// vgg returns the post-ReLU activations of an RGB [H,W,3] image (0..255):
// BGR minus the ImageNet mean, 3×3 'same' convolutions, 2×2 average pooling.
function vgg(rgb, fast) {
  let x = tf.sub(tf.reverse(rgb, -1), tf.tensor1d([103.939, 116.779, 123.68])).expandDims(0);
  const acts = {};
  for (const n of convs) {
    if (n.endsWith('_1') && n !== 'conv1_1') x = tf.avgPool(x, 2, 2, 'same');
    x = tf.relu(tf.add(conv(x, weights[n], fast), weights[n].b));
    acts[n] = x.squeeze([0]);
  }
  return acts;
}

// gramFast is Aᵀ·A with its gradient A·(dG + dGᵀ) written by hand.
const gramFast = tf.customGrad((A, save) => {
  save([A]);
  return {
    value: tf.matMul(tf.transpose(A), A),
    gradFunc: (dG, [saved]) => tf.matMul(saved, tf.add(dG, tf.transpose(dG))),
  };
});

function gram(a, fast) { // [nH,nW,nC] → A·Aᵀ, A the unrolled [nC, nH·nW]
  const [h, w, c] = a.shape;
  const A = tf.reshape(a, [h * w, c]);
  return fast ? gramFast(A) : tf.matMul(A, A, true, false);
}

let state = null; // {generated, optimizer, aC, gS}

const pixels = (b64, shape) => tf.tensor(new Float32Array(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer), shape);

/**
 * Prepares a step: content, style and the initial generated image are base64
 * little-endian float32 RGB of the given shape [H,W,3] (0..255); lr is
 * Adam's learning rate. The content activation and the style Grams are
 * computed once, as Visage does. Returns the backend's name, its threads
 * (tfjs's getThreadsCount on wasm, else absent) and how far the fast step's
 * cost and gradient are from tfjs's own (relative); it throws when either is
 * over 1e-5, so that a wrong peer is never timed.
 */
export async function setup({ shape, content, style, generated, lr }) {
  weights ??= await loadVGG();
  if (state) {
    tf.dispose([state.generated, state.aC, ...Object.values(state.gS)]);
    state.optimizer.dispose();
  }
  const [aC, gS] = tf.tidy(() => {
    const c = pixels(content, shape), s = pixels(style, shape);
    const sa = vgg(s);
    return [vgg(c)[contentLayer], Object.fromEntries(styleLayers.map((l) => [l, gram(sa[l])]))];
  });
  state = { generated: tf.variable(pixels(generated, shape)), optimizer: tf.train.adam(lr), aC, gS };
  const [costDiff, gradDiff] = tf.tidy(() => {
    const [own, fast] = [false, true].map((f) => tf.valueAndGrad((g) => cost(g, f))(state.generated));
    const rel = (a, b) => tf.div(tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(a))).dataSync()[0];
    return [rel(own.value, fast.value), rel(own.grad, fast.grad)];
  });
  if (!(costDiff <= 1e-5 && gradDiff <= 1e-5)) {
    throw new Error(`the fast step's cost is ${costDiff} and its gradient ${gradDiff} from tfjs's own (relative), want ≤ 1e-5`);
  }
  const threads = tf.getBackend() === 'wasm' ? tf.getThreadsCount() : undefined;
  return { backend: tf.getBackend(), threads, costDiff, gradDiff };
}

// cost is J at the generated image; fast uses the hand-written gradients.
function cost(g, fast) {
  const a = vgg(g, fast);
  const [h, w, c] = a[contentLayer].shape;
  const jc = tf.div(tf.sum(tf.squaredDifference(state.aC, a[contentLayer])), 4 * h * w * c);
  const js = tf.addN(styleLayers.map((l) => {
    const [lh, lw, lc] = a[l].shape;
    const n = lh * lw;
    return tf.mul(lambda, tf.div(tf.sum(tf.squaredDifference(state.gS[l], gram(a[l], fast))), 4 * lc * lc * n * n));
  }));
  return tf.add(tf.mul(alpha, jc), tf.mul(beta, js));
}

/**
 * Takes one Adam step (then clips to 0..255), op "step" with tfjs's own
 * gradients or "fast" with the hand-written ones, and returns its wall time
 * in ms.
 */
export async function time({ op }) {
  if (op !== 'step' && op !== 'fast') throw new Error(`nst.mjs: op ${op}, want step or fast`);
  const start = performance.now();
  const loss = state.optimizer.minimize(() => cost(state.generated, op === 'fast'), true, [state.generated]);
  tf.tidy(() => state.generated.assign(tf.clipByValue(state.generated, 0, 255)));
  const corner = tf.tidy(() => state.generated.slice([0, 0, 0], [1, 1, 1]));
  await Promise.all([loss.data(), corner.data()]); // the step and the clip have finished
  tf.dispose([loss, corner]);
  return performance.now() - start;
}
