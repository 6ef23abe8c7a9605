// Evaluated in the site's page by TestFaceStepsAPI: visage.js's detection-only
// and landmarks-only calls on a photo of two people (base64 PNG bytes), the
// landmarks on the native boxes; rejections as their messages.
async ({ group, boxes }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models/' });
  const photo = new Blob([Uint8Array.from(atob(group), (c) => c.charCodeAt(0))]);
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  try {
    return {
      faces: await v.detectFaces(photo),
      strict: await v.detectFaces(photo, { minConfidence: 0.96, maxResults: 1 }),
      blank: await v.detectFaces(new ImageData(64, 64)),
      landmarks: await Promise.all(boxes.map((box) => v.landmarks(photo, box))),
      badConfidence: await rejection(v.detectFaces(photo, { minConfidence: 1 })),
      badMaxResults: await rejection(v.detectFaces(photo, { maxResults: 0.5 })),
      badOptions: await rejection(v.detectFaces(photo, 7)),
      noBox: await rejection(v.landmarks(photo)),
      boxWithoutHeight: await rejection(v.landmarks(photo, { x: 0, y: 0, width: 10 })),
      boxOutside: await rejection(v.landmarks(photo, { x: 1000, y: 0, width: 10, height: 10 })),
    };
  } finally {
    v.terminate();
  }
}
