// Evaluated in the site's page by TestEngineSurvives: hostile images reject
// without harm, then the engine is made to stop mid-session; returns what
// came back (rejections as their messages). photoA1/photoA2 are base64 JPEG
// bytes of one person, bomb a base64 PNG whose header claims 20000×20000.
async ({ photoA1, photoA2, bomb }) => {
  const { Visage, MAX_PIXELS } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models/' });
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  try {
    await v.enroll('A', bytes(photoA1));
    await v.setThreshold(0.55);
    const before = await v.verify('A', bytes(photoA2));
    const out = {
      maxPixels: MAX_PIXELS,
      detectBomb: await rejection(v.detect(new Blob([bytes(bomb)]))),
      encodeBomb: await rejection(v.encode(bytes(bomb))), // what the Compare view hands a file to
      detectHugePixels: await rejection(v.detect({ width: 20000, height: 20000, data: new Uint8Array(4) })),
      detectHugeImage: await rejection(v.detect({ naturalWidth: 20000, naturalHeight: 20000 })),
      afterBombs: await v.verify('A', bytes(photoA2)),
      before,
    };
    // The engine stops with a call in flight and one queued behind it.
    const crash = rejection(v.crashForTesting());
    const queued = rejection(v.identify(bytes(photoA2)));
    out.crash = await crash;
    out.queued = await queued;
    out.galleryAfter = await v.gallery();
    out.verifyAfter = await v.verify('A', bytes(photoA2));
    return out;
  } finally {
    v.terminate();
  }
}
