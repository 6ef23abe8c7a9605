// photos.js puts a photo on the Faces view's stage, from the picker or
// dropped on the stage, and names its faces; drawFile decodes the photos
// the enroll card reads too.

import { byId } from './dom.js';

// PHOTO_MAX_SIDE bounds the photos drawn on the stage (and analysed), in pixels.
const PHOTO_MAX_SIDE = 1600;

/**
 * Wires the photo picker and drops on the stage. A photo shown stops the
 * camera and, once Visage has loaded (view.v), has its faces named (who).
 */
export function wirePhotos(view, { stage, camera, who }) {
  const picker = byId('photo-file');
  const stageNote = byId('stage-note');
  const whoNote = byId('who-note');

  async function showPhoto(file) {
    let canvas;
    try {
      canvas = await drawFile(file, stage.photo);
    } catch (err) {
      view.say(`Could not open ${file.name}: ${err.message}`, true, stageNote);
      return;
    }
    camera.stop();
    stage.show('photo');
    view.say(`Showing ${file.name}.`, false, stageNote);
    if (view.v) {
      await view.act(null, () => who.who(canvas), whoNote);
    }
  }

  picker.addEventListener('change', () => {
    if (picker.files.length > 0) {
      showPhoto(picker.files[0]);
    }
    picker.value = '';
  });
  const zone = stage.element;
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    const file = [...ev.dataTransfer.files].find((f) => f.type.startsWith('image/')) ?? ev.dataTransfer.files[0];
    if (file) {
      showPhoto(file);
    }
  });
}

/**
 * drawFile decodes an image file and draws it into canvas (an
 * HTMLCanvasElement or OffscreenCanvas), scaled down to PHOTO_MAX_SIDE at
 * most, and returns the canvas. A file the browser cannot decode is an
 * error naming it.
 */
export async function drawFile(file, canvas) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} is not an image this browser can read`);
  }
  const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas;
}
