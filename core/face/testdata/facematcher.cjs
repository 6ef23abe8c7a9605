// Writes the face-api.js reference files that core/face's tests read:
//   facematcher.json  FaceMatcher.toJSON() of a small gallery (threshold 0.55)
//   distances.json    faceapi.euclideanDistance for pairs of its descriptors
// Descriptors are pseudo-random (a fixed LCG), so the output is reproducible.
// Run from anywhere in the repository after `npm ci`:
//   node core/face/testdata/facematcher.cjs
const fs = require('fs');
const path = require('path');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

let seed = 12345;
function next() { // Numerical Recipes LCG, uniform in [-0.25, 0.25)
  seed = (1664525 * seed + 1013904223) % 4294967296;
  return seed / 4294967296 / 2 - 0.25;
}
function descriptor() { return Float32Array.from({ length: 128 }, next); }

const people = [
  new faceapi.LabeledFaceDescriptors('Amy Farrah Fowler', [descriptor(), descriptor()]),
  new faceapi.LabeledFaceDescriptors('raj', [descriptor()]),
  new faceapi.LabeledFaceDescriptors('Zoë "quoted" \\ 北京', [descriptor(), descriptor(), descriptor()]),
];
const matcher = new faceapi.FaceMatcher(people, 0.55);

const all = people.flatMap((p) => p.descriptors.map((d, i) => ({ label: p.label, index: i, d })));
const distances = [];
for (let i = 0; i < all.length; i++) {
  for (let j = i; j < all.length; j++) {
    distances.push({
      a: { label: all[i].label, index: all[i].index },
      b: { label: all[j].label, index: all[j].index },
      distance: faceapi.euclideanDistance(all[i].d, all[j].d),
    });
  }
}

fs.writeFileSync(path.join(__dirname, 'facematcher.json'), JSON.stringify(matcher.toJSON()) + '\n');
fs.writeFileSync(path.join(__dirname, 'distances.json'), JSON.stringify(distances, null, 1) + '\n');
