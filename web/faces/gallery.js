// gallery.js is the Faces view's People card: the enrolled people with their
// thumbnails, rename and delete, export, import and forget. The gallery
// itself lives in the worker (visage.js), which keeps it encrypted in
// IndexedDB; this card shows what the worker last reported.

import { button, byId } from './dom.js';

// THUMB is the side of a thumbnail, in pixels (what the worker cuts).
const THUMB = 64;

/**
 * Wires the card and returns {info(), render(info), changed(info),
 * enable(on)}.
 *
 * info() is the gallery as the worker last reported it ({threshold,
 * people: [{name, samples, thumbnail}], identify}). render(info) keeps info
 * and lists its people; the view shows a new gallery in every card with
 * view.show, which calls render. changed(info) takes another tab's change:
 * shown at once (view.show), or once an open rename form closes.
 * enable(on) enables or disables the export and forget buttons.
 */
export function createGallery(view) {
  const el = {
    people: byId('people'),
    empty: byId('people-empty'),
    note: byId('people-note'),
    export: byId('export'),
    exportEncrypted: byId('export-encrypted'),
    passphrase: byId('export-passphrase'),
    importFile: byId('import-file'),
    forget: byId('forget'),
    forgetConfirm: byId('forget-confirm'),
    forgetQuestion: byId('forget-question'),
    forgetYes: byId('forget-yes'),
    forgetNo: byId('forget-no'),
    enrollName: byId('enroll-name'), // the focus goes there when nobody is left to focus
  };
  let gallery = { threshold: 0.6, people: [] };

  function render(info) {
    gallery = info;
    el.people.replaceChildren(...info.people.map(personItem));
    el.empty.hidden = info.people.length > 0;
  }

  function changed(info) {
    if (el.people.querySelector('form.rename')) {
      gallery = info; // shown once the rename form closes
    } else {
      view.show(info);
    }
  }

  function enable(on) {
    el.export.disabled = !on;
    el.exportEncrypted.disabled = !on;
    el.forget.disabled = !on;
    if (!on) {
      el.forgetConfirm.hidden = true;
    }
  }

  // personItem is one person's row: thumbnail, name, samples, rename, delete.
  function personItem({ name, samples, thumbnail }) {
    const li = document.createElement('li');
    li.dataset.name = name;
    const thumb = document.createElement('canvas');
    thumb.width = thumb.height = THUMB;
    thumb.className = 'thumb';
    drawThumb(thumb, name, thumbnail);
    const label = document.createElement('span');
    label.className = 'name';
    label.textContent = name;
    const count = document.createElement('span');
    count.className = 'samples';
    count.textContent = `${samples} sample${samples === 1 ? '' : 's'}`;
    const rename = button('Rename', `Rename ${name}`, () => renameForm(li, name));
    const del = button('Delete', `Delete ${name}`, () =>
      view.act(del, async () => {
        view.show(await view.v.removePerson(name));
        view.say(`Deleted ${name}.`, false, el.note);
        (el.people.querySelector('button') ?? el.enrollName).focus();
        await view.relabel();
      }, el.note),
    );
    rename.classList.add('secondary');
    del.classList.add('danger');
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.append(label, count);
    li.append(thumb, meta, rename, del);
    return li;
  }

  // renameForm swaps the person's name for a field to rename them.
  function renameForm(li, name) {
    const form = document.createElement('form');
    form.className = 'rename';
    const input = document.createElement('input');
    input.value = name;
    input.setAttribute('aria-label', `New name for ${name}`);
    const save = document.createElement('button');
    save.textContent = 'Save';
    const cancel = button('Cancel', `Keep the name ${name}`, () => view.show(gallery));
    form.append(input, save, cancel);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      view.act(save, async () => {
        const to = input.value.trim();
        if (to === name) {
          view.show(gallery);
          return;
        }
        view.show(await view.v.renamePerson(name, to));
        view.say(`Renamed ${name} to ${to}.`, false, el.note);
        await view.relabel();
      }, el.note);
    });
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        view.show(gallery);
      }
    });
    li.replaceChildren(li.querySelector('.thumb'), form);
    input.focus();
    input.select();
  }

  // exported says how many people went to file, and how.
  function exported(file, how) {
    const n = gallery.people.length;
    view.say(`Exported ${n} ${n === 1 ? 'person' : 'people'} to ${file}, ${how}.`, false, el.note);
  }

  el.export.addEventListener('click', () =>
    view.act(el.export, async () => {
      download(await view.v.exportGallery(), 'visage-gallery.json');
      exported('visage-gallery.json', 'unencrypted');
    }, el.note),
  );

  el.exportEncrypted.addEventListener('click', () =>
    view.act(el.exportEncrypted, async () => {
      const passphrase = el.passphrase.value;
      if (passphrase.length < 8) {
        view.say('Type a passphrase of at least 8 characters first.', true, el.note);
        el.passphrase.focus();
        return;
      }
      view.say('Encrypting…', false, el.note);
      download(await view.v.exportEncrypted(passphrase), 'visage-gallery.encrypted.json');
      exported('visage-gallery.encrypted.json', 'encrypted with the passphrase');
    }, el.note),
  );

  // An encrypted export (format "visage-gallery") is read with the
  // passphrase typed beside the export buttons; anything else is
  // FaceMatcher JSON.
  const importAny = (text) =>
    /^\s*\{\s*"format"\s*:\s*"visage-gallery"/.test(text)
      ? view.v.importEncrypted(text, el.passphrase.value)
      : view.v.importGallery(text);
  view.chooseFile(el.importFile, (name) => `import ${name}`, importAny, async (info, file) => {
    view.show(info);
    const n = info.people.length;
    view.say(`Imported ${n} ${n === 1 ? 'person' : 'people'} from ${file.name}.`, false, el.note);
    await view.relabel();
  }, el.note);

  el.forget.addEventListener('click', () => {
    const n = gallery.people.length;
    el.forgetQuestion.textContent = n === 1
      ? `Forget ${gallery.people[0].name} and their thumbnail on this device?`
      : `Forget all ${n} people and their thumbnails on this device?`;
    el.forgetConfirm.hidden = false;
    el.forgetNo.focus();
  });
  el.forgetNo.addEventListener('click', () => {
    el.forgetConfirm.hidden = true;
    el.forget.focus();
  });
  el.forgetYes.addEventListener('click', () =>
    view.act(el.forgetYes, async () => {
      view.show(await view.v.clearGallery());
      el.forgetConfirm.hidden = true;
      el.enrollName.focus();
      view.say('Forgot everyone.', false, el.note);
      await view.relabel();
    }, el.note),
  );

  return { info: () => gallery, render, changed, enable };
}

// drawThumb draws a person's thumbnail ({width, height, data} RGBA from the
// worker, or null: their initial on a colour of their own).
function drawThumb(canvas, name, thumbnail) {
  const ctx = canvas.getContext('2d');
  if (thumbnail) {
    ctx.putImageData(new ImageData(new Uint8ClampedArray(thumbnail.data), thumbnail.width, thumbnail.height), 0, 0);
    return;
  }
  let hue = 0;
  for (const ch of name) {
    hue = (hue * 31 + ch.codePointAt(0)) % 360;
  }
  ctx.fillStyle = `hsl(${hue} 45% 45%)`;
  ctx.fillRect(0, 0, THUMB, THUMB);
  ctx.fillStyle = '#fff';
  ctx.font = `600 ${THUMB / 2}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText([...name][0].toUpperCase(), THUMB / 2, THUMB / 2 + 2);
}

// download offers text as a file called name.
function download(text, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
