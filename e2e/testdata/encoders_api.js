// Evaluated in the site's page by TestEncodersAPI: for each of encoders,
// loads visage.js's API with Visage.load({encoder}), encodes the chip,
// enrolls A from the photo, and returns the descriptor, the gallery, its
// export, what comparing with a dlib descriptor or importing a dlib
// (FaceMatcher) gallery rejected with, and the gallery after clearing it
// and importing the export back; then, in an instance with the
// default encoder, what importing each encoder's export rejected with;
// then the same with a stored gallery (Visage.load's vault).
// chip and photo are base64 JPEG bytes; dlibGallery is FaceMatcher JSON.
async ({ encoders, chip, photo, dlibGallery }) => {
  const { Visage } = await import(new URL('visage.js', location.href).href);
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rejection = (p) => p.then(() => 'resolved', (err) => err.message);
  const listed = (info) => info.people.map(({ name, samples, encoder }) => ({ name, samples, encoder }));
  const people = async (v) => listed(await v.gallery());
  const out = { encoders: {} };
  for (const encoder of encoders) {
    const v = await Visage.load({ modelsUrl: 'models/', encoder });
    try {
      const descriptor = await v.encode(bytes(chip));
      await v.enroll('A', bytes(photo));
      out.encoders[encoder] = {
        descriptor: Array.from(descriptor),
        people: await people(v),
        exported: await v.exportGallery(),
        distanceToDlib: await rejection(v.distance(descriptor, new Float32Array(128))),
        importDlib: await rejection(v.importGallery(dlibGallery)),
        afterImport: await people(v),
      };
      await v.clearGallery();
      out.encoders[encoder].reimported = listed(await v.importGallery(out.encoders[encoder].exported));
    } finally {
      v.terminate();
    }
  }
  const dlib = await Visage.load({ modelsUrl: 'models/' });
  try {
    for (const encoder of encoders) {
      out.encoders[encoder].importIntoDlib = await rejection(dlib.importGallery(out.encoders[encoder].exported));
    }
    out.dlibPeople = await people(dlib);
  } finally {
    dlib.terminate();
  }
  // A stored gallery (openVault) takes the encoder while empty, and refuses
  // an instance of another encoder once it holds someone.
  for (const encoder of encoders) {
    const vault = { database: `visage-${encoder}` };
    const v = await Visage.load({ modelsUrl: 'models/', encoder, vault });
    try {
      await v.enroll('A', bytes(photo));
      out.encoders[encoder].stored = await people(v);
    } finally {
      v.terminate();
    }
    out.encoders[encoder].storedIntoDlib = await rejection(Visage.load({ modelsUrl: 'models/', detector: false, vault }));
  }
  return out;
}
