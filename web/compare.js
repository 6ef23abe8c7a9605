// compare.js drives the Compare view, the course's Siamese network: two
// photos, each face found, aligned and encoded by the same network, and
// d(x1, x2) = ‖f(x1) − f(x2)‖ against the page's threshold (or the learned
// head's score, when one is loaded). The aligned chips are shown side by
// side, each over its encoding drawn as a strip of cells.
const byId = (id) => document.getElementById(id);

/** Wires up the view; resolves once it is usable. */
export async function startCompare(visage, { say }) {
  const verdict = byId('verdict');
  const distance = byId('distance');
  const shownThreshold = byId('threshold-compare');

  // slot is one of the two photos; generation counts picks, so that the
  // answer for a photo replaced meanwhile is dropped.
  function slot(key, name) {
    const input = byId(`file-${key}`);
    return {
      key,
      name,
      input,
      drop: input.labels[0],
      hint: byId(`hint-${key}`),
      preview: byId(`preview-${key}`),
      pick: byId(`pick-${key}`),
      chip: byId(`chip-${key}`),
      strip: byId(`strip-${key}`),
      file: null,
      faces: [], // detect's faces, with chips
      chosen: -1, // the face compared
      view: null, // how the photo is fitted into the preview: {scale, dx, dy}
      generation: 0,
    };
  }
  const slots = [slot('a', 'first'), slot('b', 'second')];

  for (const [i, s] of slots.entries()) {
    s.input.addEventListener('change', () => {
      if (s.input.files.length > 0) {
        pick(s, s.input.files[0]);
      }
      s.input.value = ''; // choosing the same file again is a new pick
    });
    s.drop.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      s.drop.classList.add('over');
    });
    s.drop.addEventListener('dragleave', () => s.drop.classList.remove('over'));
    s.drop.addEventListener('drop', (ev) => {
      ev.preventDefault();
      s.drop.classList.remove('over');
      // Two files dropped together fill this slot and the other one.
      const files = [...ev.dataTransfer.files].slice(0, 2);
      files.forEach((file, j) => pick(slots[(i + j) % 2], file));
    });
  }

  // pick finds the faces of file for slot s, then compares when both slots
  // have a face.
  async function pick(s, file) {
    const generation = ++s.generation;
    Object.assign(s, { file, faces: [], chosen: -1 });
    s.drop.classList.remove('failed');
    s.hint.textContent = file.name;
    s.pick.hidden = true;
    showResult(null);
    const v = await visage.catch(() => null);
    if (!v) {
      say('The face models did not load; reload the page to try again.', true);
      return;
    }
    say(`Finding the face in the ${s.name} photo…`);
    const shown = drawPreview(s, file);
    try {
      const faces = await v.detect(file, { chips: true, fast: false }); // described as decisions are
      await shown;
      if (generation !== s.generation) {
        return;
      }
      if (faces.length === 0) {
        s.drop.classList.add('failed');
        s.hint.textContent = `No face found in ${file.name}: choose a photo with a face`;
        say(`No face found in the ${s.name} photo (${file.name}).`, true);
        return;
      }
      // The largest face by default, as verify and identify take it.
      const area = (f) => f.box.width * f.box.height;
      s.faces = faces;
      s.chosen = faces.reduce((best, f, i) => (area(f) > area(faces[best]) ? i : best), 0);
      showPicker(s);
      outline(s);
      await compareIfReady(v);
    } catch (err) {
      if (generation === s.generation) {
        s.drop.classList.add('failed');
        s.hint.textContent = `${file.name} is not usable: choose another photo`;
        say(`Could not use the ${s.name} photo (${file.name}): ${err.message}`, true);
      }
    }
  }

  // showPicker offers a button per face when the photo holds several.
  function showPicker(s) {
    s.pick.replaceChildren();
    s.pick.hidden = s.faces.length < 2;
    if (s.faces.length < 2) {
      return;
    }
    s.faces.forEach((_, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'secondary';
      b.textContent = `Face ${i + 1}`;
      b.setAttribute('aria-pressed', String(i === s.chosen));
      b.addEventListener('click', async () => {
        s.chosen = i;
        showPicker(s);
        outline(s);
        const v = await visage;
        await compareIfReady(v);
      });
      s.pick.append(b);
    });
    s.hint.textContent = `${s.file.name}: ${s.faces.length} faces, face ${s.chosen + 1} is compared (choose another below)`;
  }

  async function compareIfReady(v) {
    const missing = slots.find((s) => s.chosen < 0);
    if (missing) {
      say(`Now pick the ${missing.name} photo.`);
      return;
    }
    const generations = slots.map((s) => s.generation);
    const [a, b] = slots.map((s) => s.faces[s.chosen]);
    const result = await v.decide(a.descriptor, b.descriptor);
    if (slots.every((s, i) => s.generation === generations[i])) {
      showResult(result);
      slots.forEach((s) => drawChip(s, s.faces[s.chosen]));
      byId('chips').hidden = false;
      say(`Done: ${verdict.textContent.toLowerCase()}.`);
    }
  }

  // showResult shows a decision, or clears it when result is null.
  function showResult(result) {
    if (!result) {
      verdict.textContent = 'Waiting for two faces.';
      delete verdict.dataset.verdict;
      distance.textContent = '–';
      byId('chips').hidden = true;
      return;
    }
    verdict.textContent = result.match ? 'Same person' : 'Different people';
    verdict.dataset.verdict = result.match ? 'same' : 'different';
    distance.textContent = result.distance.toFixed(4);
    shownThreshold.textContent = result.head
      ? `the learned head's ${result.head.higherIsSame ? 'score above' : 'distance below'} ${result.head.threshold.toFixed(3)} (score ${result.head.score.toFixed(3)})`
      : result.threshold.toFixed(2);
  }

  // drawChip draws the aligned chip and the descriptor's strip: a cell per
  // number, blue below zero and red above, saturated at ±0.25.
  function drawChip(s, face) {
    const { width, height, data } = face.chip;
    s.chip.width = width;
    s.chip.height = height;
    s.chip.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
    const d = face.descriptor;
    s.strip.width = d.length;
    const cells = new ImageData(d.length, 1);
    d.forEach((x, i) => {
      const t = Math.max(-1, Math.min(1, x / 0.25));
      const [r, g, b] = t >= 0 ? [255, 255 * (1 - t), 255 * (1 - t)] : [255 * (1 + t), 255 * (1 + t), 255];
      cells.data.set([r, g, b, 255], 4 * i);
    });
    s.strip.getContext('2d').putImageData(cells, 0, 0);
  }

  // drawPreview draws file, fitted and centred, into the slot's canvas (an <img>
  // would need a blob: URL, which the page's CSP forbids), and keeps the fit
  // so that a face's box can be outlined. It hides the preview when the
  // browser cannot decode the file.
  async function drawPreview(s, file) {
    const canvas = s.preview;
    const generation = s.generation;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      canvas.hidden = true;
      return;
    }
    if (generation !== s.generation) {
      bitmap.close();
      return;
    }
    const scale = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
    s.view = { scale, dx: (canvas.width - bitmap.width * scale) / 2, dy: (canvas.height - bitmap.height * scale) / 2 };
    s.bitmap?.close();
    s.bitmap = bitmap;
    outline(s);
    canvas.hidden = false;
  }

  // outline redraws the preview with the compared face's box.
  function outline(s) {
    if (!s.bitmap || !s.view) {
      return;
    }
    const ctx = s.preview.getContext('2d');
    const { scale, dx, dy } = s.view;
    ctx.clearRect(0, 0, s.preview.width, s.preview.height);
    ctx.drawImage(s.bitmap, dx, dy, s.bitmap.width * scale, s.bitmap.height * scale);
    const f = s.faces[s.chosen];
    if (f) {
      ctx.strokeStyle = '#2b8cbe';
      ctx.lineWidth = 2;
      ctx.strokeRect(dx + f.box.x * scale, dy + f.box.y * scale, f.box.width * scale, f.box.height * scale);
    }
  }
}
