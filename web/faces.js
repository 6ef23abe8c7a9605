// faces.js drives the Faces view: the camera or a photo on a stage with the
// faces boxed and named over it, enrollment, unlock (verification), "who is
// this?" (recognition), the gallery of enrolled people and the threshold.
// The gallery lives in the worker (visage.js), which keeps it encrypted in
// IndexedDB with the thumbnails (Visage.openVault) and tells of other tabs'
// changes (onGalleryChange); this view only shows it.

import { convCard } from './convnd.js';

const byId = (id) => document.getElementById(id);

// PHOTO_MAX_SIDE bounds the photos drawn on the stage (and analysed), in pixels.
const PHOTO_MAX_SIDE = 1600;
// THUMB is the side of a thumbnail, in pixels (what the worker cuts).
const THUMB = 64;
// RELOCK_MS is how long an unlock lasts, in milliseconds.
const RELOCK_MS = 30000;
// CUES are the on-screen signs shown with each challenge step.
const CUES = { blink: '◉ ◡', 'turn-left': '←', 'turn-right': '→', 'look-up': '↑' };

// denialWords says why unlock r for name was denied, in words (no distance).
function denialWords(r, name) {
  switch (r.reason) {
    case 'no face':
      return 'no face in view: look at the camera and try again.';
    case 'not this person':
      return `not ${name}.`;
    case 'no liveness':
      return `no liveness: ${r.detail}.`;
    case 'challenge timed out':
      return `challenge timed out: ${r.detail}.`;
    case 'too many attempts':
      return `too many attempts — try again in ${r.wait} s.`;
    default:
      return `${r.reason}: ${r.detail}.`;
  }
}

/**
 * Wires up the view. Resolves, once visage has loaded and the saved gallery is
 * restored, with a sentence saying what to do first.
 */
export async function startFaces(visage, { say }) {
  const el = {
    stage: byId('stage'),
    video: byId('camera'),
    photo: byId('photo'),
    overlay: byId('overlay'),
    stageHint: byId('stage-hint'),
    cameraToggle: byId('camera-toggle'),
    photoFile: byId('photo-file'),
    fps: byId('fps'),
    enrollForm: byId('enroll-form'),
    enrollName: byId('enroll-name'),
    enroll: byId('enroll'),
    enrollFiles: byId('enroll-files'),
    unlockPerson: byId('unlock-person'),
    unlock: byId('unlock'),
    unlockResult: byId('unlock-result'),
    unlockDetail: byId('unlock-detail'),
    unlockCue: byId('unlock-cue'),
    unlockSteps: byId('unlock-steps'),
    who: byId('who'),
    whoResult: byId('who-result'),
    people: byId('people'),
    peopleEmpty: byId('people-empty'),
    export: byId('export'),
    exportEncrypted: byId('export-encrypted'),
    passphrase: byId('export-passphrase'),
    importFile: byId('import-file'),
    forget: byId('forget'),
    forgetConfirm: byId('forget-confirm'),
    forgetQuestion: byId('forget-question'),
    forgetYes: byId('forget-yes'),
    forgetNo: byId('forget-no'),
    threshold: byId('threshold'),
    thresholdValue: byId('threshold-value'),
    thresholdRates: byId('threshold-rates'),
    headFile: byId('head-file'),
    headClear: byId('head-clear'),
    headStatus: byId('head-status'),
    stageNote: byId('stage-note'),
    enrollNote: byId('enroll-note'),
    enrollProgress: byId('enroll-progress'),
    whoNote: byId('who-note'),
    peopleNote: byId('people-note'),
    thresholdNote: byId('threshold-note'),
  };

  let v = null; // the loaded Visage
  let gallery = { threshold: 0.6, people: [] }; // as the worker last reported it
  let source = null; // what the stage shows: null, 'camera' or 'photo'
  let stream = null; // the camera's MediaStream while it runs
  let cameraRun = 0; // counts camera starts, so that a stopped loop ends
  let busy = 0; // actions in progress: the camera loop sends no frame meanwhile
  let relockTimer = null; // re-locks an unlock after RELOCK_MS
  let pending = []; // photos chosen with "From photos…" before a name was typed
  const conv = convCard(() => v); // the 1D/3D convolution card (convnd.js)

  // ---- The stage: camera or photo, with the faces drawn over it ----

  // showSource shows the video, the photo or neither.
  function showSource(which) {
    source = which;
    el.video.hidden = which !== 'camera';
    el.photo.hidden = which !== 'photo';
    el.stageHint.hidden = which !== null;
    el.stage.classList.toggle('empty', which === null);
    el.stage.classList.toggle('photo', which === 'photo'); // as large as the photo, not larger
    el.whoResult.replaceChildren(); // it named the faces of what was shown before
    clearOverlay();
  }

  function clearOverlay() {
    el.overlay.getContext('2d').clearRect(0, 0, el.overlay.width, el.overlay.height);
  }

  // drawFaces draws a box and a label for each identified face over a source
  // of width × height pixels.
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

  // ---- The camera ----

  async function startCamera() {
    if (!navigator.mediaDevices?.getUserMedia) {
      say('This browser offers no camera here (it needs https or localhost).', true, el.stageNote);
      return;
    }
    say('Starting the camera…', false, el.stageNote);
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
        audio: false,
      });
    } catch (err) {
      stream = null;
      say(cameraProblem(err), true, el.stageNote);
      return;
    }
    el.video.srcObject = stream;
    await el.video.play();
    showSource('camera');
    el.cameraToggle.textContent = 'Stop camera';
    say('Camera on. Faces are boxed and named as they are recognised.', false, el.stageNote);
    conv.start(el.video);
    cameraLoop(++cameraRun);
  }

  function stopCamera() {
    if (!stream) {
      return;
    }
    relock('the camera stopped');
    cameraRun++;
    conv.stop();
    for (const track of stream.getTracks()) {
      track.stop();
    }
    stream = null;
    el.video.srcObject = null;
    el.cameraToggle.textContent = 'Start camera';
    el.fps.textContent = 'Camera off';
    if (source === 'camera') {
      showSource(null);
    }
  }

  // cameraLoop identifies the faces in the camera's latest frame, draws them,
  // and repeats with the frame current then: one frame is in the worker at a
  // time, and the frames that arrive meanwhile are dropped, not queued, so
  // the boxes lag by one analysis at most however slow it is. The rate shown
  // is the rate achieved.
  async function cameraLoop(run) {
    const done = []; // times of the last analyses, ms
    let frames = 0;
    el.fps.textContent = 'Analysing the first frame…';
    while (run === cameraRun) {
      // Hold back while an action runs, the video has no frame yet, or
      // nobody can see the tab.
      if (busy > 0 || el.video.readyState < 2 || document.hidden) {
        await sleep(100);
        continue;
      }
      const started = performance.now();
      let faces;
      try {
        faces = await v.identify(el.video, { fast: true }); // the overlay only labels: one chip a face
      } catch (err) {
        if (run === cameraRun) {
          say(`The camera picture could not be analysed: ${err.message}`, true, el.stageNote);
          stopCamera();
        }
        return;
      }
      if (run !== cameraRun) {
        return;
      }
      const now = performance.now();
      const unlocked = el.unlockResult.dataset.verdict === 'unlocked' ? el.unlockResult.dataset.name : null;
      if (faces.length === 0) {
        relock('the face left');
      } else if (unlocked && !faces.some((f) => f.name === unlocked)) {
        relock(`someone other than ${unlocked} is in view`);
      }
      drawFaces(faces, el.video.videoWidth, el.video.videoHeight);
      conv.faces(faces);
      try {
        await conv.update();
      } catch (err) {
        say(`The convolution card could not be drawn: ${err.message}`, true, el.stageNote);
      }
      done.push(now);
      if (done.length > 8) {
        done.shift();
      }
      frames++;
      const fps = done.length > 1 ? ((done.length - 1) * 1000) / (now - done[0]) : 1000 / (now - started);
      el.fps.textContent = `${fps.toFixed(1)} frames/s analysed · ${Math.round(now - started)} ms a frame`;
      el.fps.dataset.frames = String(frames);
      await nextVideoFrame(el.video);
    }
  }

  el.cameraToggle.addEventListener('click', () => (stream ? stopCamera() : startCamera()));
  // Leaving the view stops the camera: nobody is watching the boxes.
  document.addEventListener('viewchange', (ev) => {
    if (ev.detail.view !== 'faces') {
      stopCamera();
    }
  });

  // ---- Photos: picker and drag and drop ----

  async function showPhoto(file) {
    let canvas;
    try {
      canvas = await drawFile(file, el.photo);
    } catch (err) {
      say(`Could not open ${file.name}: ${err.message}`, true, el.stageNote);
      return;
    }
    stopCamera();
    showSource('photo');
    say(`Showing ${file.name}.`, false, el.stageNote);
    if (v) {
      await act(null, () => who(canvas), el.whoNote);
    }
  }

  el.photoFile.addEventListener('change', () => {
    if (el.photoFile.files.length > 0) {
      showPhoto(el.photoFile.files[0]);
    }
    el.photoFile.value = '';
  });
  el.stage.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    el.stage.classList.add('over');
  });
  el.stage.addEventListener('dragleave', () => el.stage.classList.remove('over'));
  el.stage.addEventListener('drop', (ev) => {
    ev.preventDefault();
    el.stage.classList.remove('over');
    const file = [...ev.dataTransfer.files].find((f) => f.type.startsWith('image/')) ?? ev.dataTransfer.files[0];
    if (file) {
      showPhoto(file);
    }
  });

  // ---- Actions on what is in view ----

  // inView returns the stage's current picture (a frame of the camera, or the
  // photo) as an image the API takes, or null with a message said.
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

  // act runs fn while the camera loop holds back, with button (if any)
  // marked busy meanwhile (not disabled: that would take the keyboard focus
  // away), and says any error, in note (the card's message line) and the
  // status line. A step that takes more than a second says "Working…" in
  // note meanwhile, unless it said something itself. A click on a busy
  // button is ignored.
  async function act(button, fn, note) {
    if (button?.getAttribute('aria-busy') === 'true') {
      return;
    }
    button?.setAttribute('aria-busy', 'true');
    busy++;
    const before = note?.textContent;
    const slow = note && setTimeout(() => {
      if (note.textContent === before) {
        note.textContent = 'Working…';
        note.classList.remove('error');
      }
    }, 1000);
    try {
      await fn();
    } catch (err) {
      say(err.message.replace(/^visage: /, ''), true, note);
    } finally {
      clearTimeout(slow);
      if (note?.textContent === 'Working…') {
        note.textContent = '';
      }
      busy--;
      button?.removeAttribute('aria-busy');
      updateControls();
    }
  }

  // who identifies every face in image, labels them on the stage and lists
  // them, saying what it found in the card's note (and the status line,
  // unless quiet: a relabelling after another action leaves that action's
  // message there).
  async function who(image, quiet = false) {
    const faces = await v.identify(image);
    drawFaces(faces, image.width, image.height);
    el.whoResult.replaceChildren(
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
      el.whoNote.textContent = text;
      el.whoNote.classList.remove('error');
    } else {
      say(text, false, el.whoNote);
    }
  }

  // relabel names the faces of the photo on the stage again, after a change
  // to the people or the threshold (the camera's loop relabels by itself).
  async function relabel() {
    if (source === 'photo' && v) {
      await who(el.photo, true);
    }
  }

  el.who.addEventListener('click', () =>
    act(el.who, async () => {
      const image = await inView(el.whoNote);
      if (!image) {
        return;
      }
      try {
        await who(image);
      } finally {
        image.close?.(); // a camera frame's ImageBitmap
      }
    }, el.whoNote),
  );

  // Unlock runs the liveness challenge on the camera stream only (a photo
  // on the stage never unlocks): the steps are listed in words, the one
  // asked now is marked and shown as a large cue, and the verdict says why
  // in words, never the distance. An unlock re-locks after RELOCK_MS, as
  // soon as the camera loop sees no face or no face of the unlocked person,
  // and when the camera stops.
  el.unlock.addEventListener('click', () =>
    act(el.unlock, async () => {
      const name = el.unlockPerson.value;
      relock(null);
      if (source !== 'camera' || !stream) {
        showUnlock('denied', 'Unlock uses the camera only: start the camera. A photo can be compared in the Compare view, but never unlocks.');
        say('Denied: unlock uses the camera only.');
        return;
      }
      el.unlockResult.textContent = 'Checking…';
      delete el.unlockResult.dataset.verdict;
      el.unlockDetail.textContent = 'Look at the camera.';
      const r = await v.unlock(name, el.video, {
        onStep: ({ steps, step }) => showSteps(steps, step),
      });
      showSteps(r.steps, r.unlocked ? r.steps.length : -2);
      if (r.unlocked) {
        showUnlock('unlocked', `Welcome, ${name}. Locks again in ${RELOCK_MS / 1000} s, when you leave, or when someone else is in view.`);
        el.unlockResult.dataset.name = name;
        say(`Unlocked: ${name}.`);
        relockTimer = setTimeout(() => relock('time is up'), RELOCK_MS);
        return;
      }
      let why = denialWords(r, name);
      if (r.wait > 0 && r.reason !== 'too many attempts') {
        why += ` Too many failed attempts: try again in ${r.wait} s.`;
      }
      showUnlock('denied', why);
      say(`Denied: ${why}`);
    }),
  );

  // showSteps lists steps ([{step, words}]) with the one at index now
  // marked (-1: measuring the face first; past the end: all done; -2: the
  // challenge ended) and shows its cue.
  function showSteps(steps, now) {
    el.unlockSteps.replaceChildren(
      ...steps.map((s, i) => {
        const li = document.createElement('li');
        li.textContent = s.words;
        li.dataset.step = s.step;
        li.dataset.state = i < now ? 'done' : i === now ? 'now' : 'todo';
        return li;
      }),
    );
    const cue = now === -1 ? 'Look at the camera…' : now >= 0 && now < steps.length ? `${CUES[steps[now].step] ?? ''} ${steps[now].words}` : '';
    el.unlockCue.textContent = cue;
    el.unlockCue.hidden = cue === '';
  }

  // relock locks again after an unlock (why: a reason to say, or null to
  // only stop the timer).
  function relock(why) {
    clearTimeout(relockTimer);
    relockTimer = null;
    if (why && el.unlockResult.dataset.verdict === 'unlocked') {
      el.unlockResult.textContent = 'Locked';
      delete el.unlockResult.dataset.verdict;
      delete el.unlockResult.dataset.name;
      el.unlockDetail.textContent = `Locked again: ${why}.`;
      say(`Locked again: ${why}.`);
    }
  }

  function showUnlock(verdict, detail) {
    el.unlockResult.textContent = verdict === 'unlocked' ? 'Unlocked' : 'Denied';
    el.unlockResult.dataset.verdict = verdict;
    el.unlockDetail.textContent = detail;
  }

  // ---- Enrollment ----

  // enrollName returns the name typed, or '' with a request to type one.
  function enrollName() {
    const name = el.enrollName.value.trim();
    if (!name) {
      const n = pending.length;
      say(n > 0 ? `${photos(n)} chosen: type the name, then press Enroll.` : 'Type the name to enroll first.', n === 0, el.enrollNote);
      el.enrollName.focus();
    }
    return name;
  }

  // enrolled clears the name (the next face is someone else's until a name
  // is typed), shows the people, says text and names the faces on the
  // stage again.
  async function enrolled(text, isError = false) {
    el.enrollName.value = '';
    show(await v.gallery());
    say(text, isError, el.enrollNote);
    await relabel();
  }

  // showPending shows on the Enroll button what it will enroll.
  function showPending() {
    el.enroll.textContent = pending.length > 0 ? `Enroll from the ${photos(pending.length)} chosen` : 'Enroll the face in view';
  }

  el.enrollForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (pending.length > 0) {
      const name = enrollName();
      if (name) {
        const files = pending;
        pending = [];
        showPending();
        act(el.enroll, () => enrollFiles(name, files), el.enrollNote);
      }
      return;
    }
    act(el.enroll, async () => {
      const name = enrollName();
      const image = name && (await inView(el.enrollNote));
      if (!image) {
        return;
      }
      try {
        say(`Enrolling ${name}…`, false, el.enrollNote);
        const r = await v.enroll(name, image); // the worker cuts a thumbnail of a new person's face
        await enrolled(r.samples === 1 ? `Enrolled ${name}.` : `Added a sample to ${name} (${r.samples} samples).`);
      } finally {
        image.close?.();
      }
    }, el.enrollNote);
  });

  // Photos chosen before a name is typed wait for it: the Enroll button
  // then enrolls them.
  el.enrollFiles.addEventListener('change', () => {
    const files = [...el.enrollFiles.files];
    el.enrollFiles.value = '';
    if (files.length === 0) {
      return;
    }
    if (!el.enrollName.value.trim()) {
      pending = files;
      showPending();
      enrollName();
      return;
    }
    act(el.enroll, () => enrollFiles(el.enrollName.value.trim(), files), el.enrollNote);
  });

  // enrollFiles enrolls name from each of files, with the progress shown in
  // the Enroll card.
  async function enrollFiles(name, files) {
    const failed = [];
    el.enrollProgress.hidden = false;
    try {
      for (const [i, file] of files.entries()) {
        say(`Enrolling ${name}: photo ${i + 1} of ${files.length}…`, false, el.enrollNote);
        el.enrollProgress.value = i / files.length;
        try {
          await v.enroll(name, await drawFile(file, new OffscreenCanvas(1, 1)));
        } catch (err) {
          failed.push(`${file.name} (${err.message.replace(/^visage: /, '')})`);
        }
      }
    } finally {
      el.enrollProgress.hidden = true;
    }
    const ok = files.length - failed.length;
    const text = `Enrolled ${name} from ${ok} of ${photos(files.length)}.`;
    const said = failed.length ? `${text} Not used: ${failed.join('; ')}.` : text;
    if (ok > 0) {
      await enrolled(said, failed.length > 0);
    } else {
      say(said, true, el.enrollNote); // the name stays, for another try
    }
  }

  // ---- The gallery ----

  // show renders the gallery info: people, the unlock choice, the threshold.
  function show(info) {
    gallery = info;
    el.people.replaceChildren(...info.people.map(personItem));
    el.peopleEmpty.hidden = info.people.length > 0;
    const chosen = el.unlockPerson.value;
    el.unlockPerson.replaceChildren(
      ...info.people.map(({ name }) => {
        const o = document.createElement('option');
        o.value = o.textContent = name;
        o.selected = name === chosen;
        return o;
      }),
    );
    el.threshold.value = String(info.threshold);
    el.thresholdValue.textContent = info.threshold.toFixed(2);
    el.thresholdRates.textContent = expectedRates(info.people.length, info.identify);
    updateControls();
  }

  function updateControls() {
    const none = gallery.people.length === 0;
    el.unlockPerson.disabled = none;
    el.unlock.disabled = none;
    el.export.disabled = none;
    el.exportEncrypted.disabled = none;
    el.forget.disabled = none;
    if (none) {
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
      act(del, async () => {
        show(await v.removePerson(name));
        say(`Deleted ${name}.`, false, el.peopleNote);
        (el.people.querySelector('button') ?? el.enrollName).focus();
        await relabel();
      }, el.peopleNote),
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
    const cancel = button('Cancel', `Keep the name ${name}`, () => show(gallery));
    form.append(input, save, cancel);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(save, async () => {
        const to = input.value.trim();
        if (to === name) {
          show(gallery);
          return;
        }
        show(await v.renamePerson(name, to));
        say(`Renamed ${name} to ${to}.`, false, el.peopleNote);
        await relabel();
      }, el.peopleNote);
    });
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        show(gallery);
      }
    });
    li.replaceChildren(li.querySelector('.thumb'), form);
    input.focus();
    input.select();
  }

  // drawThumb draws a person's thumbnail ({width, height, data} RGBA from
  // the worker, or null).
  function drawThumb(canvas, name, thumbnail) {
    const ctx = canvas.getContext('2d');
    if (thumbnail) {
      ctx.putImageData(new ImageData(new Uint8ClampedArray(thumbnail.data), thumbnail.width, thumbnail.height), 0, 0);
      return;
    }
    // No photo (an imported person): their initial on a colour of their own.
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

  el.export.addEventListener('click', () =>
    act(el.export, async () => {
      download(await v.exportGallery(), 'visage-gallery.json');
      const n = gallery.people.length;
      say(`Exported ${n} ${n === 1 ? 'person' : 'people'} to visage-gallery.json, unencrypted.`, false, el.peopleNote);
    }, el.peopleNote),
  );

  el.exportEncrypted.addEventListener('click', () =>
    act(el.exportEncrypted, async () => {
      const passphrase = el.passphrase.value;
      if (passphrase.length < 8) {
        say('Type a passphrase of at least 8 characters first.', true, el.peopleNote);
        el.passphrase.focus();
        return;
      }
      say('Encrypting…', false, el.peopleNote);
      download(await v.exportEncrypted(passphrase), 'visage-gallery.encrypted.json');
      const n = gallery.people.length;
      say(`Exported ${n} ${n === 1 ? 'person' : 'people'} to visage-gallery.encrypted.json, encrypted with the passphrase.`, false, el.peopleNote);
    }, el.peopleNote),
  );

  // chooseFile wires a file input: the chosen file's text goes to load; a
  // rejection is reported as "Could not <what(name)>, nothing was changed";
  // else done(result, file) runs.
  function chooseFile(input, what, load, done, note) {
    input.addEventListener('change', () => {
      const file = input.files[0];
      input.value = '';
      if (!file) {
        return;
      }
      act(null, async () => {
        let result;
        try {
          result = await load(await file.text());
        } catch (err) {
          throw new Error(`Could not ${what(file.name)}, nothing was changed: ${err.message.replace(/^visage: /, '')}`);
        }
        await done(result, file);
      }, note);
    });
  }

  // An encrypted export (format "visage-gallery") is read with the
  // passphrase typed beside the export buttons; anything else is
  // FaceMatcher JSON.
  const importAny = (text) =>
    /^\s*\{\s*"format"\s*:\s*"visage-gallery"/.test(text)
      ? v.importEncrypted(text, el.passphrase.value)
      : v.importGallery(text);
  chooseFile(el.importFile, (name) => `import ${name}`, importAny, async (info, file) => {
    show(info);
    const n = info.people.length;
    say(`Imported ${n} ${n === 1 ? 'person' : 'people'} from ${file.name}.`, false, el.peopleNote);
    await relabel();
  }, el.peopleNote);

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
    act(el.forgetYes, async () => {
      show(await v.clearGallery());
      el.forgetConfirm.hidden = true;
      el.enrollName.focus();
      say('Forgot everyone.', false, el.peopleNote);
      await relabel();
    }, el.peopleNote),
  );

  el.threshold.addEventListener('input', () => {
    el.thresholdValue.textContent = Number(el.threshold.value).toFixed(2);
  });
  // (No button to disable: disabling the slider would take the keyboard focus away.)
  el.threshold.addEventListener('change', () =>
    act(null, async () => {
      const info = await v.setThreshold(Number(el.threshold.value));
      show(info);
      say(`Threshold set to ${info.threshold.toFixed(2)}.`, false, el.thresholdNote);
      await relabel();
    }, el.thresholdNote),
  );

  // A learned head (setHead) replaces plain distance for unlock and "who is this?".
  chooseFile(el.headFile, (name) => `load ${name} as a comparison file`, (text) => v.setHead(text), async (info, file) => {
    const rule = info.higherIsSame ? `P(same) above ${dist(info.threshold)}` : `head distance below ${dist(info.threshold)}`;
    el.headStatus.textContent = `Decisions use the ${info.kind} head from ${file.name}: same person when ${rule}.`;
    el.headClear.hidden = false;
    el.headClear.closest('details').open = true; // a rule other than plain distance is in force: it shows
    say(`Loaded the comparison file ${file.name}.`, false, el.thresholdNote);
    await relabel();
  }, el.thresholdNote);
  el.headClear.addEventListener('click', () =>
    act(el.headClear, async () => {
      await v.setHead(null);
      el.headStatus.textContent = 'Decisions use plain distance.';
      el.headClear.hidden = true;
      el.headFile.focus();
      say('Decisions use plain distance again.', false, el.thresholdNote);
      await relabel();
    }, el.thresholdNote),
  );

  // ---- Start: wait for the models, open the saved gallery ----

  showSource(null);
  updateControls();
  v = await visage;
  let note = '';
  try {
    const info = await v.openVault({ keyProtection: 'device' });
    if (info.migrated > 0) {
      note = ` (moved ${info.migrated} saved ${info.migrated === 1 ? 'person' : 'people'} into encrypted storage)`;
    }
  } catch (err) {
    note = ` (this browser does not let the page keep people between visits: ${err.message.replace(/^visage: /, '')})`;
  }
  show(await v.gallery());
  // Another tab on this profile enrolled, renamed or deleted someone.
  v.onGalleryChange((info) => {
    if (info.error) {
      say(info.error.replace(/^visage: /, ''), true);
    } else if (!el.people.querySelector('form.rename')) {
      show(info);
    } else {
      gallery = info; // shown once the rename form closes
    }
  });
  const n = gallery.people.length;
  return n === 0
    ? `Enroll someone: type a name, then start the camera or choose a photo.${note}`
    : `${n} ${n === 1 ? 'person' : 'people'} enrolled. Start the camera to unlock or to see who is there.${note}`;
}

// faceLabel is how a face is named on the stage and in lists.
function faceLabel(f) {
  if (f.name !== null) {
    return `${f.name} ${dist(f.distance)}`;
  }
  return f.distance === null ? 'not recognized' : `not recognized (closest ${dist(f.distance)})`;
}

// photos says "1 photo" or "N photos".
function photos(n) {
  return `${n} photo${n === 1 ? '' : 's'}`;
}

function clamp(x, lo, hi) {
  return Math.max(lo, Math.min(x, Math.max(lo, hi)));
}

function dist(d) {
  return d.toFixed(2);
}

// expectedRates says in plain words how often "Who is this?" errs with n
// people enrolled, from gallery().identify (the rates measured on LFW at the
// threshold identify uses for n people), or which threshold it uses when a
// chosen one decides.
function expectedRates(n, rule) {
  const e = rule.expected;
  if (e === null) {
    return `“Who is this?” decides with ${rule.why}: the error rates below are measured only for the threshold it picks itself.`;
  }
  const strangers = per100(e.fpir);
  const people = n === 1 ? '1 person' : `${n} people`;
  const note = e.note ? ` (${e.note[0].toUpperCase()}${e.note.slice(1)}.)` : '';
  return (
    `With ${people} enrolled, about ${strangers} ${strangers === '1' ? 'stranger' : 'strangers'} in 100 ` +
    `${strangers === '1' ? 'is' : 'are'} given a name, and about ${per100(e.fnir)} in 100 enrolled people are missed, ` +
    `as measured on LFW at the threshold “Who is this?” uses for ${people}, ${dist(rule.threshold)} on ` +
    `${rule.margin ? 'the nearest distance less its gap to the next person' : 'the nearest distance'}.${note}`
  );
}

// per100 writes a rate as a number of cases in 100: whole from 1 up, one
// decimal below.
function per100(rate) {
  const x = rate * 100;
  return x >= 0.95 ? String(Math.round(x)) : x.toFixed(1);
}

function button(text, label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

function cameraProblem(err) {
  switch (err.name) {
    case 'NotAllowedError':
      return 'The camera was not allowed. Allow it in the address bar, or choose a photo instead.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Choose a photo instead.';
    case 'NotReadableError':
      return 'The camera is in use by another program.';
    default:
      return `Could not start the camera: ${err.message}`;
  }
}

// drawFile decodes an image file and draws it into canvas (an
// HTMLCanvasElement or OffscreenCanvas), scaled down to PHOTO_MAX_SIDE at
// most, and returns the canvas.
async function drawFile(file, canvas) {
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

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// nextVideoFrame resolves when video shows a new frame (or after 100 ms, for
// a paused or hidden video).
function nextVideoFrame(video) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback(done);
    } else {
      requestAnimationFrame(done);
    }
  });
}
