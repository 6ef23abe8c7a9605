// compare.js drives the Compare view: two face slots (file picker or drag and
// drop) and the verdict. A photo here is taken as a face chip: the whole image
// is encoded, without detection.
import { DEFAULT_THRESHOLD } from './visage.js';

const byId = (id) => document.getElementById(id);

/** Wires up the view; resolves once it is usable. */
export async function startCompare(visage, { say }) {
  const verdict = byId('verdict');
  const distance = byId('distance');
  byId('threshold-compare').textContent = String(DEFAULT_THRESHOLD);

  // slot is one of the two faces; generation counts picks, so that the answer
  // for a photo replaced meanwhile is dropped.
  function slot(key, name) {
    const input = byId(`file-${key}`);
    return {
      name,
      input,
      drop: input.labels[0],
      hint: byId(`hint-${key}`),
      preview: byId(`preview-${key}`),
      descriptor: null,
      generation: 0,
    };
  }
  const slots = [slot('a', 'first'), slot('b', 'second')];

  for (const [i, s] of slots.entries()) {
    s.input.addEventListener('change', () => {
      if (s.input.files.length > 0) {
        pick(s, s.input.files[0]);
      }
      s.input.value = ''; // so that choosing the same file again is a change too
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

  // pick encodes file into slot s, then compares when both slots are filled.
  async function pick(s, file) {
    const generation = ++s.generation;
    s.descriptor = null;
    s.drop.classList.remove('failed');
    s.hint.textContent = file.name;
    showResult(null);
    drawPreview(s, file);
    const v = await visage.catch(() => null);
    if (!v) {
      say('The face models did not load; reload the page to try again.', true);
      return;
    }
    say(`Encoding the ${s.name} face…`);
    try {
      const descriptor = await v.encode(file);
      if (generation === s.generation) {
        s.descriptor = descriptor;
        await compareIfReady(v);
      }
    } catch (err) {
      if (generation === s.generation) {
        s.drop.classList.add('failed');
        s.hint.textContent = `${file.name} is not usable: choose another photo`;
        say(`Could not use the ${s.name} photo (${file.name}): ${err.message}`, true);
      }
    }
  }

  async function compareIfReady(v) {
    const missing = slots.find((s) => !s.descriptor);
    if (missing) {
      say(`Now pick the ${missing.name} face.`);
      return;
    }
    const generations = slots.map((s) => s.generation);
    const result = await v.compare(slots[0].descriptor, slots[1].descriptor);
    if (slots.every((s, i) => s.generation === generations[i])) {
      showResult(result);
      say(`Done: ${verdict.textContent.toLowerCase()}.`);
    }
  }

  // showResult shows a comparison, or clears it when result is null.
  function showResult(result) {
    if (!result) {
      verdict.textContent = 'Waiting for two faces.';
      delete verdict.dataset.verdict;
      distance.textContent = '–';
      return;
    }
    verdict.textContent = result.match ? 'Same person' : 'Different people';
    verdict.dataset.verdict = result.match ? 'same' : 'different';
    distance.textContent = result.distance.toFixed(4);
  }

  // drawPreview draws file, fitted and centred, into the slot's canvas (an <img>
  // would need a blob: URL, which the page's CSP forbids). It hides the preview
  // when the browser cannot decode the file.
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
    const ctx = canvas.getContext('2d');
    const scale = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
    const w = bitmap.width * scale;
    const h = bitmap.height * scale;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
    bitmap.close();
    canvas.hidden = false;
  }
}
