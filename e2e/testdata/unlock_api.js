// Evaluated in the site's page by TestUnlockAPI: enrolls A and B, checks
// that unlock refuses everything that is not a live camera video (a photo
// file, ImageData, a canvas, a <video> without a stream), then unlocks as A
// on a canvas stream that shows A and switches to B as soon as the first
// challenge step is asked. photoA1/photoA2/photoB are base64 JPEG bytes.
async ({ photoA1, photoA2, photoB }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models/' });
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  let painting = true;
  try {
    await v.enroll('A', bytes(photoA1));
    await v.enroll('B', bytes(photoB));
    const a = await createImageBitmap(new Blob([bytes(photoA2)]));
    const b = await createImageBitmap(new Blob([bytes(photoB)]));
    // The "camera": A on a 640×480 canvas, drifting by a few pixels with
    // time (a live picture is never still), streamed into a video.
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d');
    let shown = a;
    const paint = () => {
      if (!painting) {
        return;
      }
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, 640, 480);
      const t = performance.now();
      ctx.drawImage(shown, 80 + 3 * Math.sin(t / 170), 2 + 2 * Math.cos(t / 230), 480, 480);
      requestAnimationFrame(paint);
    };
    paint();
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = canvas.captureStream(10);
    await video.play();
    const fileVideo = document.createElement('video');

    const out = {
      file: await rejection(v.unlock('A', new File([bytes(photoA2)], 'a.jpg', { type: 'image/jpeg' }))),
      blob: await rejection(v.unlock('A', new Blob([bytes(photoA2)]))),
      imageData: await rejection(v.unlock('A', new ImageData(4, 4))),
      canvas: await rejection(v.unlock('A', canvas)),
      bitmap: await rejection(v.unlock('A', a)),
      noStream: await rejection(v.unlock('A', fileVideo)),
      steps: [],
    };
    out.swap = await v.unlock('A', video, {
      onStep: ({ steps, step }) => {
        out.steps.push({ step, words: steps.map((s) => s.words) });
        if (step === 0) {
          shown = b;
        }
      },
    });
    return out;
  } finally {
    painting = false;
    v.terminate();
  }
}
