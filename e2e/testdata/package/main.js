// A scratch site's use of the installed package, for TestPackageInstall: it
// imports visage-web without a bundler (by its path under node_modules) and
// exposes one function the test calls with photos as base64 bytes.
import { Visage } from './node_modules/visage-web/visage.js';

globalThis.useVisage = async ({ photoA1, photoA2, photoB, content, style }) => {
  const bytes = (b64) => new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);
  const v = await Visage.load({ modelsUrl: 'models/' });
  try {
    const enrolled = await v.enroll('A', bytes(photoA1));
    const same = await v.verify('A', bytes(photoA2));
    const other = await v.verify('A', bytes(photoB));
    const who = await v.identify(bytes(photoB));
    const art = await v.stylize(bytes(content), bytes(style), { size: 64, steps: 2, chunkMs: 1 });
    return {
      version: Visage.version,
      samples: enrolled.samples,
      same: same.match,
      other: other.match,
      names: who.map((f) => f.name),
      artSteps: art.loss.length,
      artSize: [art.image.width, art.image.height],
    };
  } finally {
    v.terminate();
  }
};
document.getElementById('status').textContent = 'Ready';
