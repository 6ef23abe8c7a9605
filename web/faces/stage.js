// stage.js is the Faces view's stage: the camera's video or a photo, with
// the faces found boxed and labelled on a canvas over it.

import { byId } from './dom.js';
import { faceLabel } from './words.js';

/**
 * Returns the stage: {video, photo, element, source(), show(which),
 * drawFaces(faces, width, height), inView(note)}. say is the view's status
 * function; onShow runs whenever what the stage shows changes (the names
 * listed for the faces shown before no longer apply).
 *
 * source() is what the stage shows: null, 'camera' or 'photo'; show(which)
 * shows that and clears the boxes. drawFaces draws a box and a label for
 * each identified face over a source of width × height pixels. inView(note)
 * returns the stage's current picture (an ImageBitmap of the camera's frame,
 * which the caller closes, or the photo's canvas), or null with a request
 * said in note.
 */
export function createStage({ say, onShow }) {
  const el = {
    stage: byId('stage'),
    video: byId('camera'),
    photo: byId('photo'),
    overlay: byId('overlay'),
    hint: byId('stage-hint'),
  };
  let source = null;

  function show(which) {
    source = which;
    el.video.hidden = which !== 'camera';
    el.photo.hidden = which !== 'photo';
    el.hint.hidden = which !== null;
    el.stage.classList.toggle('empty', which === null);
    el.stage.classList.toggle('photo', which === 'photo'); // as large as the photo, not larger
    onShow();
    el.overlay.getContext('2d').clearRect(0, 0, el.overlay.width, el.overlay.height);
  }

  function drawFaces(faces, width, height) {
    const c = el.overlay;
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    }
    const ctx = c.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    const base = Math.max(12, Math.round(Math.max(width, height) / 36));
    const labels = []; // [x, y, width, height] of each label, in source pixels
    for (const f of faces) {
      const { x, y, width: w, height: h } = f.box;
      const known = f.name !== null;
      const colour = known ? '#1fa35a' : '#e0a100';
      ctx.lineWidth = Math.max(2, base / 6);
      ctx.strokeStyle = colour;
      ctx.strokeRect(x, y, w, h);
      // The label stays inside the picture: a smaller font when it is
      // wider than the picture, moved in from the edges, below the box
      // when there is no room above it, and inside at the bottom edge.
      const text = faceLabel(f);
      let font = base;
      ctx.font = `600 ${font}px system-ui, sans-serif`;
      const fit = width / (ctx.measureText(text).width + font * 0.6);
      if (fit < 1) {
        font = Math.max(6, Math.floor(font * fit));
        ctx.font = `600 ${font}px system-ui, sans-serif`;
      }
      const tw = Math.min(width, ctx.measureText(text).width + font * 0.6);
      const th = font * 1.4;
      const lx = clamp(x - ctx.lineWidth / 2, 0, width - tw);
      const ly = clamp(y > th + font * 0.1 ? y - th : y + h, 0, height - th);
      ctx.fillStyle = colour;
      ctx.fillRect(lx, ly, tw, th);
      ctx.fillStyle = '#000';
      ctx.fillText(text, lx + font * 0.3, ly + font * 1.05, tw - font * 0.6);
      labels.push([lx, ly, tw, th].map(Math.round));
    }
    c.dataset.labels = JSON.stringify(labels); // where the labels are (the e2e test checks them)
  }

  async function inView(note) {
    if (source === 'camera' && el.video.readyState >= 2) {
      return createImageBitmap(el.video);
    }
    if (source === 'photo') {
      return el.photo;
    }
    say('Start the camera or choose a photo first.', true, note);
    return null;
  }

  return { video: el.video, photo: el.photo, element: el.stage, source: () => source, show, drawFaces, inView };
}

function clamp(x, lo, hi) {
  return Math.max(lo, Math.min(x, Math.max(lo, hi)));
}
