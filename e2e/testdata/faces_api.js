// Evaluated in the site's page by TestFacesAPI: exercises visage.js's face
// methods (detect, enroll, verify, identify, the gallery) with every kind of
// image input, and returns what came back: descriptors as arrays, rejections
// as their messages. photoA1/photoA2/photoB are base64 JPEG bytes; rgbaA2 is
// photoA2 as decoded by the Go core, RGBA, width × height.
async ({ photoA1, photoA2, photoB, rgbaA2, width, height }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const v = await Visage.load({ modelsUrl: 'models/' });
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  const plain = (faces) => faces.map((f) => ({ ...f, descriptor: f.descriptor && Array.from(f.descriptor) }));
  try {
    // The same pixels as ImageData, a <canvas>, an ImageBitmap and raw RGBA.
    const pixels = new ImageData(new Uint8ClampedArray(bytes(rgbaA2).buffer), width, height);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').putImageData(pixels, 0, 0);
    const bitmap = await createImageBitmap(pixels);
    const img = new Image();
    img.src = 'favicon.svg'; // no face, but an <img>: the CSP allows no other image source
    await img.decode();

    const out = {
      detectBlob: plain(await v.detect(new Blob([bytes(photoA1)]))),
      detectImageData: plain(await v.detect(pixels)),
      detectCanvas: plain(await v.detect(canvas)),
      detectBitmap: plain(await v.detect(bitmap)),
      detectRGBA: plain(await v.detect({ width, height, data: bytes(rgbaA2) })),
      detectImg: plain(await v.detect(img)),
      identifyEmpty: await v.identify(canvas),
      verifyNobody: await rejection(v.verify('A', canvas)),
      enrollNoFace: await rejection(v.enroll('A', img)),
      enrollBlank: await rejection(v.enroll('  ', bytes(photoA1))),
      enroll: await v.enroll('A', bytes(photoA1)),
      verifyA: await v.verify('A', canvas),
      verifyB: await v.verify('A', bytes(photoB)),
      identifyA: await v.identify(bitmap),
      identifyB: await v.identify(new Blob([bytes(photoB)])),
    };
    out.exported = await v.exportGallery();
    out.importBad = await rejection(v.importGallery('{"labeledDescriptors":[{"label":"X","descriptors":[[1,2]]}]}'));
    out.afterBad = await v.exportGallery();
    out.importObject = await v.importGallery([{ label: 'Z', descriptors: [JSON.parse(out.exported).labeledDescriptors[0].descriptors[0]] }]);
    out.renamed = await v.renamePerson('Z', 'Zed');
    out.threshold = await v.setThreshold(0.5);
    out.removed = await v.removePerson('Zed');
    out.removeAgain = await rejection(v.removePerson('Zed'));
    return out;
  } finally {
    v.terminate();
  }
}
