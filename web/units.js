// units.js drives the Art view's "Inside the network" card: for a VGG-19
// layer and a unit (a channel) of it, the nine patches across a set of
// pictures that excite the unit most (Zeiler & Fergus), computed in the
// worker by Visage.topUnits, the pass `visage convnet-units` makes, one
// picture at a time with progress and Cancel.
//
// The set is the site's example photos and paintings (examples.js; each cut
// into its four quarters, so that eight pictures give nine and more
// different images to choose patches from) or the user's own photos.
import { exampleBlob, exampleNames } from './examples.js';
import { fmt, heatmap, pixels, seconds } from './art.js';

const byId = (id) => document.getElementById(id);

// The first layer of each of VGG-19's five blocks, and its channels.
const LAYERS = { conv1_1: 64, conv2_1: 128, conv3_1: 256, conv4_1: 512, conv5_1: 512 };
const DEFAULT_LAYER = 'conv3_1';
// An example picture's longer side is scaled to at most this before it is
// cut into quarters, which bounds the pixels the set holds.
const EXAMPLE_SIDE = 512;
const QUARTERS = ['top left', 'top right', 'bottom left', 'bottom right'];

let examplesSet = null; // exampleSet's promise

/**
 * The example set: every example picture (nst/), scaled to at most
 * EXAMPLE_SIDE on its longer side and cut into quarters, as
 * [{name: 'astronaut.png · top left', image: ImageData}, …], made once a
 * page (the card sends exactly these pixels to the worker).
 */
export function exampleSet() {
  examplesSet ??= (async () => {
    const names = await exampleNames();
    const set = [];
    for (const kind of ['content', 'style']) {
      for (const name of names[kind]) {
        set.push(...quarters(await pictureOf(await exampleBlob(kind, name), name), name));
      }
    }
    if (set.length === 0) {
      throw new Error('this site has no example pictures: choose your own photos');
    }
    return set;
  })();
  examplesSet.catch(() => { examplesSet = null; });
  return examplesSet;
}

// pictureOf decodes blob into a bitmap at most EXAMPLE_SIDE on its longer side.
async function pictureOf(blob, name) {
  let full;
  try {
    full = await createImageBitmap(blob);
  } catch {
    throw new Error(`${name} is not an image this browser can read`);
  }
  const scale = Math.min(1, EXAMPLE_SIDE / Math.max(full.width, full.height));
  if (scale === 1) {
    return full;
  }
  const size = { resizeWidth: Math.round(full.width * scale), resizeHeight: Math.round(full.height * scale), resizeQuality: 'high' };
  full.close();
  return createImageBitmap(blob, size);
}

// quarters cuts bitmap (closed here) into its four quarters (the right and
// bottom ones take an odd pixel), named after name.
function quarters(bitmap, name) {
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const w = Math.floor(width / 2);
  const h = Math.floor(height / 2);
  return QUARTERS.map((where, i) => {
    const x = i % 2 ? w : 0;
    const y = i < 2 ? 0 : h;
    return { name: `${name} · ${where}`, image: ctx.getImageData(x, y, i % 2 ? width - w : w, i < 2 ? h : height - h) };
  });
}

/** Wires up the card; resolves once it is usable. */
export async function startUnits(visage, ui) {
  const el = {
    set: byId('units-set'),
    files: byId('units-files'),
    layer: byId('units-layer'),
    unit: byId('units-unit'),
    size: byId('units-size'),
    run: byId('units-run'),
    cancel: byId('units-cancel'),
    bar: byId('units-bar'),
    progress: byId('units-progress'),
    note: byId('units-note'),
    patches: byId('units-patches'),
    mapHint: byId('units-map-hint'),
    map: byId('units-map'),
    mapPair: byId('units-map-pair'),
    mapCaption: byId('units-map-caption'),
  };
  const { say } = ui;
  let mine = []; // the user's photos: [{name, image: File}]
  let run = null; // {controller} while a pass runs
  let shown = null; // {result, names} of the last finished pass

  for (const name of Object.keys(LAYERS)) {
    el.layer.add(new Option(name, name, false, name === DEFAULT_LAYER));
  }
  listUnits();

  // listUnits offers the layer's channels: before a pass by number, after
  // one strongest first.
  function listUnits() {
    const options = shown
      ? shown.result.ranking.map((c, i) => new Option(`${c} (${ordinal(i + 1)} strongest)`, String(c)))
      : [new Option('the strongest', ''), ...Array.from({ length: LAYERS[el.layer.value] }, (_, c) => new Option(String(c), String(c)))];
    el.unit.replaceChildren(...options);
  }

  // A new set, layer or size makes the last pass's ranking and patches stale.
  const forget = () => {
    shown = null;
    listUnits();
    el.patches.replaceChildren();
    el.map.hidden = true;
    el.mapHint.hidden = true;
  };
  el.layer.addEventListener('change', forget);
  el.size.addEventListener('change', forget);
  el.set.addEventListener('change', forget);

  el.files.addEventListener('change', () => {
    if (el.files.files.length === 0) {
      return;
    }
    mine = [...el.files.files].map((f) => ({ name: f.name, image: f }));
    el.set.querySelector('option[value="mine"]')?.remove();
    el.set.add(new Option(`Your ${mine.length} photo${mine.length === 1 ? '' : 's'}`, 'mine', true, true));
    forget();
    say(`Chose ${mine.length} photo${mine.length === 1 ? '' : 's'}: press "Find its top patches".`, false, el.note);
  });

  function updateButtons() {
    el.run.disabled = Boolean(run);
    el.cancel.disabled = !run;
  }
  updateButtons();

  el.run.addEventListener('click', async () => {
    const controller = new AbortController();
    run = { controller };
    updateButtons();
    el.run.setAttribute('aria-busy', 'true');
    const layer = el.layer.value;
    const size = Number(el.size.value);
    const unit = el.unit.value;
    let done = 0;
    let total = 0;
    setProgress(0, 0);
    try {
      const v = await visage.catch(() => null);
      if (!v) {
        throw new Error('the models did not load; reload the page to try again');
      }
      el.progress.textContent = 'Getting the pictures…';
      const set = el.set.value === 'mine' ? mine : await exampleSet();
      controller.signal.throwIfAborted();
      total = set.length;
      el.progress.textContent = 'Loading the network (VGG-19)…';
      say(`Looking for what excites ${layer} most in ${total} pictures…`, false, el.note);
      const started = performance.now();
      let first = 0; // when the first picture was done: the time before it also loaded VGG-19
      const result = await v.topUnits(
        set.map((s) => s.image),
        { layer, size, units: unit === '' ? 1 : [Number(unit)] },
        (p) => {
          ({ done } = p);
          setProgress(done, total);
          const now = performance.now();
          first ||= now;
          const each = (now - first) / (done - 1);
          el.progress.textContent = done === 1
            ? `Picture 1 of ${total} · estimating the time left…`
            : `Picture ${done} of ${total} · ${seconds(each)} each · ${seconds(each * (total - done))} left`;
        },
        controller.signal,
      );
      shown = { result, names: set.map((s) => s.name) };
      listUnits();
      show(result.units[0]);
      el.progress.textContent = `${total} pictures in ${seconds(performance.now() - started)}`;
      say(`Done: what excites unit ${result.units[0].channel} of ${layer} most in ${total} pictures.`, false, el.note);
    } catch (err) {
      if (err.name === 'AbortError') {
        el.progress.textContent = `Cancelled after ${done} of ${total} pictures`;
        say(`Cancelled after ${done} of ${total} pictures.`, false, el.note);
      } else {
        say(`Could not look inside the network: ${err.message}`, true, el.note);
      }
    } finally {
      run = null;
      el.run.removeAttribute('aria-busy');
      updateButtons();
    }
  });

  el.cancel.addEventListener('click', () => {
    run?.controller.abort();
    say('Stopping after this picture…', false, el.note);
  });

  // After a pass, another unit's patches come from the same pass.
  el.unit.addEventListener('change', async () => {
    if (!shown || run) {
      return;
    }
    const v = await visage;
    try {
      const result = await v.unitPatches([Number(el.unit.value)]);
      show(result.units[0]);
      say(`Unit ${el.unit.value} of ${result.layer}.`, false, el.note);
    } catch (err) {
      say(`Could not show unit ${el.unit.value}: ${err.message}`, true, el.note);
    }
  });

  // setProgress shows done of total pictures (0 of 0: nothing yet).
  function setProgress(done, total) {
    el.bar.value = total ? done / total : 0;
    el.bar.dataset.done = String(done);
  }

  // show draws a unit's patches, strongest first, each named after its
  // picture, with its activation; pressing one shows the unit's map over
  // the whole picture.
  function show({ channel, patches }) {
    const { result, names } = shown;
    el.unit.value = String(channel);
    el.map.hidden = true;
    el.mapHint.hidden = false;
    el.patches.replaceChildren(
      ...patches.map((p) => {
        const f = document.createElement('figure');
        const canvas = pixels(p);
        const caption = `${names[p.image]}, ${fmt(p.value)}`;
        const button = document.createElement('button');
        button.type = 'button';
        button.setAttribute('aria-label', `${caption}: show where unit ${channel} responds in the whole picture`);
        button.append(canvas);
        button.addEventListener('click', () => showMap(p.image, channel));
        const c = document.createElement('figcaption');
        c.textContent = caption;
        Object.assign(f.dataset, { image: names[p.image], value: String(p.value), y: String(p.y), x: String(p.x) });
        f.append(button, c);
        return f;
      }),
    );
    Object.assign(el.patches.dataset, { layer: result.layer, channel: String(channel), images: String(result.images) });
  }

  // showMap draws picture index as the pass saw it beside channel's
  // activation over it.
  async function showMap(index, channel) {
    if (run || !shown) {
      return;
    }
    const name = shown.names[index];
    try {
      const v = await visage;
      const { image, map } = await v.unitMap(index, channel);
      const picture = pixels(image);
      const heat = heatmap(map);
      picture.setAttribute('role', 'img');
      picture.setAttribute('aria-label', name);
      heat.setAttribute('role', 'img');
      heat.setAttribute('aria-label', `Where unit ${channel} responds in ${name}`);
      el.mapPair.replaceChildren(picture, heat);
      el.mapCaption.textContent = `${name} and where unit ${channel} of ${shown.result.layer} responds in it: bright where strongest.`;
      Object.assign(el.map.dataset, { image: name, channel: String(channel) });
      el.map.hidden = false;
    } catch (err) {
      say(`Could not show the map of ${name}: ${err.message}`, true, el.note);
    }
  }
}

function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
