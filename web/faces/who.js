// who.js is the Faces view's "Who is this?" card: it names every face in
// the picture on the stage, on the stage and in a list.

import { byId } from './dom.js';
import { dist, faceLabel } from './words.js';

/**
 * Wires the "Who is this?" button and returns {who(image, quiet), relabel(),
 * clear()}.
 *
 * who identifies every face in image (view.v), labels them on the stage and
 * lists them, saying what it found in the card's note (and the status line,
 * unless quiet: a relabelling after another action leaves that action's
 * message there). relabel names the faces of the photo on the stage again,
 * after a change to the people, the threshold or the decision rule (the
 * camera's loop relabels by itself); it does nothing before Visage has
 * loaded. clear empties the list.
 */
export function createWho(view, { stage }) {
  const el = { who: byId('who'), result: byId('who-result'), note: byId('who-note') };

  async function who(image, quiet = false) {
    const faces = await view.v.identify(image);
    stage.drawFaces(faces, image.width, image.height);
    el.result.replaceChildren(
      ...(faces.length === 0 ? ['No face found.'] : faces.map(faceLabel)).map((text, i) => {
        const li = document.createElement('li');
        li.textContent = text;
        li.dataset.name = faces[i]?.name ?? '';
        return li;
      }),
    );
    const known = faces.filter((f) => f.name !== null);
    let text;
    if (faces.length === 0) {
      text = 'No face found.';
    } else if (faces.length === 1) {
      text = known.length ? `This is ${known[0].name} (distance ${dist(known[0].distance)}).` : 'Not recognized.';
    } else {
      text = `${faces.length} faces: ${faces.map((f) => f.name ?? 'not recognized').join(', ')}.`;
    }
    if (quiet) {
      el.note.textContent = text;
      el.note.classList.remove('error');
    } else {
      view.say(text, false, el.note);
    }
  }

  async function relabel() {
    if (stage.source() === 'photo' && view.v) {
      await who(stage.photo, true);
    }
  }

  el.who.addEventListener('click', () =>
    view.act(el.who, async () => {
      const image = await stage.inView(el.note);
      if (!image) {
        return;
      }
      try {
        await who(image);
      } finally {
        image.close?.(); // a camera frame's ImageBitmap
      }
    }, el.note),
  );

  return { who, relabel, clear: () => el.result.replaceChildren() };
}
