#!/usr/bin/env node
// copy-models.mjs copies the model weights Visage loads into a folder of your
// site, since the package ships none:
//
//   npx visage-copy-models public/models [--from DIR] [--vgg DIR --vgg-to public/vgg19]
//
// The face models are face-api.js's (npm @vladmandic/face-api, pinned by
// Visage at 1.7.15; MIT): the manifests and shards of the four networks
// Visage loads, from its model/ folder, found from the current directory's
// node_modules unless --from names the folder. --vgg copies VGG-19's manifest.json and raw files (for
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
const vgg = flag('--vgg');
let vggTo = flag('--vgg-to');
if (args.length !== 1 || args[0].startsWith('--')) {
  fail('usage: visage-copy-models DEST [--from DIR] [--vgg DIR [--vgg-to DEST]]');
}
const dest = resolve(args[0]);
if (!from) {
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    from = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  } catch {
    fail('no @vladmandic/face-api in node_modules: `npm i @vladmandic/face-api@1.7.15`, or pass --from DIR');
  }
}

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
if (vgg) {
  vggTo = resolve(vggTo ?? join(dirname(dest), 'vgg19'));
  const n = copy(vgg, vggTo, (name) => !name.startsWith('.') && !name.endsWith('.md'));
  console.log(`copied ${n} VGG-19 files from ${vgg} to ${vggTo}`);
}
