// Evaluated in the site's page by TestHeadAPI: enrolls A from photoA1, then
// verifies and identifies photoA2 (A again) and photoB (someone else) with
// no head, the strict head, the mid head, after a refused head, and after
// setHead(null). Photos are base64 JPEG bytes; heads are JSON text.
async ({ photoA1, photoA2, photoB, strict, mid, wrongSize }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models/' });
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  const [a2, b] = [bytes(photoA2), bytes(photoB)];
  try {
    await v.enroll('A', bytes(photoA1));
    const out = { plainA: await v.verify('A', a2) };
    out.strictInfo = await v.setHead(strict);
    out.strictA = await v.verify('A', a2);
    out.midInfo = await v.setHead(JSON.parse(mid)); // the object form
    out.midA = await v.verify('A', a2);
    out.midB = await v.verify('A', b);
    out.identifyA = await v.identify(a2);
    out.identifyB = await v.identify(b);
    out.refused = await rejection(v.setHead(wrongSize));
    out.afterRefusedA = await v.verify('A', a2);
    out.cleared = await v.setHead(null);
    out.clearedStrict = await v.setHead(strict).then(() => v.setHead(null));
    out.clearedA = await v.verify('A', a2);
    return out;
  } finally {
    v.terminate();
  }
}
