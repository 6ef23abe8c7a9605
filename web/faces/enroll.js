// enroll.js is the Faces view's Enroll card: a person enrolled from the
// face in view or from photo files.

import { byId } from './dom.js';
import { drawFile } from './photos.js';
import { photos } from './words.js';

/**
 * Wires the Enroll form and its photo picker. Photos chosen before a name
 * is typed wait for it (the Enroll button then says it enrolls them). Each
 * enrollment shows the gallery again (view.show), clears the name (the next
 * face is someone else's until a name is typed) and names the faces on the
 * stage again (view.relabel).
 */
export function wireEnroll(view, { stage }) {
  const el = {
    form: byId('enroll-form'),
    name: byId('enroll-name'),
    enroll: byId('enroll'),
    files: byId('enroll-files'),
    note: byId('enroll-note'),
    progress: byId('enroll-progress'),
  };
  let pending = []; // photos chosen before a name was typed

  // typedName returns the name typed, or '' with a request to type one.
  function typedName() {
    const name = el.name.value.trim();
    if (!name) {
      const n = pending.length;
      view.say(n > 0 ? `${photos(n)} chosen: type the name, then press Enroll.` : 'Type the name to enroll first.', n === 0, el.note);
      el.name.focus();
    }
    return name;
  }

  // enrolled clears the name, shows the people, says text and names the
  // faces on the stage again.
  async function enrolled(text, isError = false) {
    el.name.value = '';
    view.show(await view.v.gallery());
    view.say(text, isError, el.note);
    await view.relabel();
  }

  // showPending shows on the Enroll button what it will enroll.
  function showPending() {
    el.enroll.textContent = pending.length > 0 ? `Enroll from the ${photos(pending.length)} chosen` : 'Enroll the face in view';
  }

  el.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (pending.length > 0) {
      const name = typedName();
      if (name) {
        const files = pending;
        pending = [];
        showPending();
        view.act(el.enroll, () => enrollFiles(name, files), el.note);
      }
      return;
    }
    view.act(el.enroll, async () => {
      const name = typedName();
      const image = name && (await stage.inView(el.note));
      if (!image) {
        return;
      }
      try {
        view.say(`Enrolling ${name}…`, false, el.note);
        const r = await view.v.enroll(name, image); // the worker cuts a thumbnail of a new person's face
        await enrolled(r.samples === 1 ? `Enrolled ${name}.` : `Added a sample to ${name} (${r.samples} samples).`);
      } finally {
        image.close?.();
      }
    }, el.note);
  });

  el.files.addEventListener('change', () => {
    const files = [...el.files.files];
    el.files.value = '';
    if (files.length === 0) {
      return;
    }
    if (!el.name.value.trim()) {
      pending = files;
      showPending();
      typedName();
      return;
    }
    view.act(el.enroll, () => enrollFiles(el.name.value.trim(), files), el.note);
  });

  // enrollFiles enrolls name from each of files, with the progress shown in
  // the card.
  async function enrollFiles(name, files) {
    const failed = [];
    el.progress.hidden = false;
    try {
      for (const [i, file] of files.entries()) {
        view.say(`Enrolling ${name}: photo ${i + 1} of ${files.length}…`, false, el.note);
        el.progress.value = i / files.length;
        try {
          await view.v.enroll(name, await drawFile(file, new OffscreenCanvas(1, 1)));
        } catch (err) {
          failed.push(`${file.name} (${err.message.replace(/^visage: /, '')})`);
        }
      }
    } finally {
      el.progress.hidden = true;
    }
    const ok = files.length - failed.length;
    const text = `Enrolled ${name} from ${ok} of ${photos(files.length)}.`;
    const said = failed.length ? `${text} Not used: ${failed.join('; ')}.` : text;
    if (ok > 0) {
      await enrolled(said, failed.length > 0);
    } else {
      view.say(said, true, el.note); // the name stays, for another try
    }
  }
}
