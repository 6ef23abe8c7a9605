// art.js drives the Art view: neural style transfer of a photo (chosen,
// dropped or taken with the camera) in the style of a painting (one of the
// site's nst/ examples or the user's own), run by the worker in chunks of
// steps with a live preview, a loss curve, a progress bar with ETA, cancel and
// download; and "what are deep ConvNets learning?": a VGG-19 layer's feature
// maps and, for its strongest units, the image patches that excite them most.
//
// The example images come from examples.js (nst/). Nothing is fetched until
// the view is first shown; VGG-19 (vgg19/, about 20 MB) only when it is first
// needed.
import { exampleBlob, exampleNames } from './examples.js';

const byId = (id) => document.getElementById(id);

// The layers the Go core can show, shallowest first (vgg19.Layers).
const LAYERS = [
  'conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1', 'conv3_2', 'conv3_3', 'conv3_4',
  'conv4_1', 'conv4_2', 'conv4_3', 'conv4_4', 'conv5_1',
];
const DEFAULT_LAYER = 'conv3_1';
// The course's content weight; the strength control sets β = ALPHA × strength.
const ALPHA = 10;
// Chosen images are kept with their longer side at most this.
const MAX_SIDE = 1024;

/** Wires up the view; resolves once it is usable. */
export async function startArt(visage, ui) {
  const el = {
    view: document.querySelector('[data-view="art"]'),
    contentFile: byId('art-content-file'),
    contentPick: byId('art-content-pick'),
    contentCanvas: byId('art-content'),
    contentHint: byId('art-content-hint'),
    camera: byId('art-camera'),
    video: byId('art-video'),
    styleFile: byId('art-style-file'),
    stylePick: byId('art-style-pick'),
    styleCanvas: byId('art-style'),
    styleHint: byId('art-style-hint'),
    size: byId('art-size'),
    strength: byId('art-strength'),
    strengthValue: byId('art-strength-value'),
    steps: byId('art-steps'),
    preserve: byId('art-preserve'),
    start: byId('art-start'),
    cancel: byId('art-cancel'),
    download: byId('art-download'),
    result: byId('art-result'),
    resultHint: byId('art-result-hint'),
    bar: byId('art-bar'),
    eta: byId('art-eta'),
    loss: byId('art-loss'),
    cost: byId('art-cost'),
    layer: byId('art-layer'),
    show: byId('art-show'),
    maps: byId('art-maps'),
    units: byId('art-units'),
    featuresHint: byId('art-features-hint'),
    note: byId('art-note'),
  };
  const { say } = ui;
  const have = { content: false, style: false };
  let run = null; // {controller} while stylizing
  let imagesSet = false; // the worker holds the current pair at the current size
  let stream = null; // the camera, while it is on

  for (const name of LAYERS) {
    el.layer.add(new Option(name, name, false, name === DEFAULT_LAYER));
  }

  const examples = await exampleNames(); // none: the user brings both images
  for (const kind of ['content', 'style']) {
    const pick = kind === 'content' ? el.contentPick : el.stylePick;
    pick.add(new Option(kind === 'content' ? 'Example photos…' : 'Paintings…', ''));
    for (const name of examples[kind]) {
      pick.add(new Option(prettyName(name), name));
    }
    pick.disabled = examples[kind].length === 0;
  }

  // The first time the view is shown, the first examples fill empty slots.
  const firstShow = () => {
    if (el.view.hidden) {
      return;
    }
    document.removeEventListener('viewchange', firstShow);
    for (const kind of ['content', 'style']) {
      const pick = kind === 'content' ? el.contentPick : el.stylePick;
      if (!have[kind] && examples[kind].length > 0) {
        pick.value = examples[kind][0];
        loadExample(kind, examples[kind][0]);
      }
    }
  };
  document.addEventListener('viewchange', firstShow);
  firstShow();

  // ---- Choosing the images ----

  // setImage draws source (anything drawImage takes) into kind's canvas,
  // scaled down to MAX_SIDE, and notes that the worker's pair is stale.
  function setImage(kind, source, width, height, label) {
    const canvas = kind === 'content' ? el.contentCanvas : el.styleCanvas;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    canvas.hidden = false;
    (kind === 'content' ? el.contentHint : el.styleHint).textContent = label;
    have[kind] = true;
    imagesSet = false;
    updateButtons();
  }

  async function setBlob(kind, blob, label) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(blob);
    } catch {
      say(`${label} is not an image this browser can read.`, true);
      return;
    }
    setImage(kind, bitmap, bitmap.width, bitmap.height, label);
    bitmap.close();
  }

  async function loadExample(kind, name) {
    try {
      await setBlob(kind, await exampleBlob(kind, name), prettyName(name));
    } catch (err) {
      say(`Could not load the example ${name}: ${err.message}`, true);
    }
  }

  for (const kind of ['content', 'style']) {
    const file = kind === 'content' ? el.contentFile : el.styleFile;
    const pick = kind === 'content' ? el.contentPick : el.stylePick;
    const drop = file.labels[0];
    file.addEventListener('change', () => {
      if (file.files.length > 0) {
        stopCamera();
        setBlob(kind, file.files[0], file.files[0].name);
        pick.value = '';
      }
    });
    pick.addEventListener('change', () => {
      if (pick.value) {
        stopCamera();
        loadExample(kind, pick.value);
      }
    });
    drop.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (ev) => {
      ev.preventDefault();
      drop.classList.remove('over');
      const f = ev.dataTransfer.files[0];
      if (f) {
        if (kind === 'content') {
          stopCamera();
        }
        setBlob(kind, f, f.name);
        pick.value = '';
      }
    });
  }

  // The camera: the first click shows it in the photo slot, the second takes
  // the picture.
  el.camera.addEventListener('click', async () => {
    if (stream) {
      setImage('content', el.video, el.video.videoWidth, el.video.videoHeight, 'Camera picture');
      stopCamera();
      say('Took the picture.');
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      say('This browser offers no camera here (it needs https or localhost).', true);
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 } }, audio: false });
    } catch (err) {
      say(`Could not start the camera: ${err.message}`, true);
      return;
    }
    el.video.srcObject = stream;
    await el.video.play();
    el.video.hidden = false;
    el.contentCanvas.hidden = true;
    el.camera.textContent = 'Take the picture';
    say('Camera on: press "Take the picture" when ready.');
  });

  function stopCamera() {
    if (!stream) {
      return;
    }
    for (const track of stream.getTracks()) {
      track.stop();
    }
    stream = null;
    el.video.srcObject = null;
    el.video.hidden = true;
    el.contentCanvas.hidden = !have.content;
    el.camera.textContent = 'Use the camera';
  }
  document.addEventListener('viewchange', () => {
    if (el.view.hidden) {
      stopCamera();
    }
  });

  // ---- Settings ----

  const showStrength = () => {
    el.strengthValue.textContent = `${fmt(strength())}× (β/α)`;
  };
  // strength maps the slider (0..100) to β/α logarithmically, from 4/√1000
  // (about 0.13) to 4·√1000 (about 126); the middle, 50, is the course's 4.
  function strength() {
    return 4 * 10 ** ((1.5 * (Number(el.strength.value) - 50)) / 50);
  }
  el.strength.addEventListener('input', showStrength);
  showStrength();
  el.size.addEventListener('change', () => { imagesSet = false; });

  function updateButtons() {
    el.start.disabled = Boolean(run) || !have.content || !have.style;
    el.cancel.disabled = !run;
    el.show.disabled = !have.content || !have.style;
  }
  updateButtons();

  // ---- VGG-19, loaded on first use ----

  async function network() {
    const v = await visage.catch(() => null);
    if (!v) {
      throw new Error('the models did not load; reload the page to try again');
    }
    await v.loadStyleNetwork({
      onProgress(p) {
        // Shown beside Paint too: the first run waits for this.
        if (p.phase === 'download') {
          ui.progress(p.total ? p.loaded / p.total : null);
          say(`Loading the style network (VGG-19): ${mb(p.loaded)} of ${mb(p.total)}…`);
          el.eta.textContent = `Loading the style network: ${mb(p.loaded)} of ${mb(p.total)}…`;
          el.bar.value = p.total ? p.loaded / p.total : 0;
        } else {
          ui.progress(null);
          say('Setting up the style network…');
          el.eta.textContent = 'Setting up the style network…';
        }
      },
    });
    ui.progress(undefined);
    return v;
  }

  // scaledPair returns the two images at about the working size: the photo's
  // longer side is size, and the painting's shorter side is size (so that it
  // covers the photo); the Go core fits them exactly (art.FitPair).
  async function scaledPair(size) {
    const scale = (canvas, factor) => {
      const k = Math.min(1, factor);
      return createImageBitmap(canvas, {
        resizeWidth: Math.max(1, Math.round(canvas.width * k)),
        resizeHeight: Math.max(1, Math.round(canvas.height * k)),
        resizeQuality: 'high',
      });
    };
    const c = el.contentCanvas;
    const s = el.styleCanvas;
    return Promise.all([
      scale(c, size / Math.max(c.width, c.height)),
      scale(s, size / Math.min(s.width, s.height)),
    ]);
  }

  // ---- Stylizing ----

  el.start.addEventListener('click', async () => {
    const size = Number(el.size.value);
    const steps = Math.max(1, Math.min(2000, Math.round(Number(el.steps.value) || 200)));
    const controller = new AbortController();
    run = { controller };
    updateButtons();
    el.download.disabled = true;
    el.start.setAttribute('aria-busy', 'true');
    const loss = [];
    delete el.result.dataset.steps;
    let started = 0;
    imagesSet = true; // stylize sets the pair; a change of image or size meanwhile clears this
    try {
      const v = await network();
      const [content, style] = await scaledPair(size);
      say(`Painting at ${size} px: ${steps} steps…`);
      started = performance.now();
      el.bar.value = 0;
      el.eta.textContent = 'Starting…';
      delete el.eta.dataset.first;
      let ranOn = '';
      // The time a step takes is measured between updates: the first one
      // also covers preparing the images and VGG-19's targets (about three
      // steps' worth), so it gives no estimate.
      let last = null; // {step, at} of the previous update
      let msPerStep = 0;
      await v.stylize(content, style, {
        steps,
        size,
        alpha: ALPHA,
        beta: ALPHA * strength(),
        preserveColor: el.preserve.checked,
        signal: controller.signal,
        onStep({ step, costs, image, backend }) {
          loss.push(...costs.map((c) => c.total));
          showImage(image);
          drawLoss(el.loss, loss);
          const now = performance.now();
          if (last) {
            msPerStep = (now - last.at) / (step - last.step);
          }
          last = { step, at: now };
          el.bar.value = step / steps;
          ranOn = backendName(backend);
          el.result.dataset.backend = backend;
          el.eta.textContent = msPerStep > 0
            ? `Step ${step} of ${steps} ${ranOn} · ${seconds(msPerStep)} a step · ${seconds(msPerStep * (steps - step))} left`
            : `Step ${step} of ${steps} ${ranOn} · estimating the time left…`;
          el.eta.dataset.first ??= el.eta.textContent; // what a run said first (the e2e test reads it)
          showCost(loss, step);
        },
      });
      el.eta.textContent = `${steps} steps in ${seconds(performance.now() - started)} ${ranOn}`;
      say(`Done: ${steps} steps in ${seconds(performance.now() - started)}, the cost fell from ${fmt(loss[0])} to ${fmt(loss.at(-1))}.`, false, el.note);
    } catch (err) {
      if (err.name === 'AbortError') {
        el.eta.textContent = `Stopped at step ${loss.length} of ${steps}`;
        say(`Stopped after ${loss.length} steps.`, false, el.note);
      } else {
        imagesSet = false;
        say(`Could not paint: ${err.message}`, true, el.note);
      }
    } finally {
      run = null;
      ui.progress(undefined);
      el.start.removeAttribute('aria-busy');
      el.download.disabled = loss.length === 0;
      updateButtons();
    }
  });

  el.cancel.addEventListener('click', () => {
    run?.controller.abort();
    say('Stopping after this chunk of steps…', false, el.note);
  });

  // showImage draws the generated image (RGBA pixels) into the result canvas.
  function showImage({ width, height, data }) {
    el.result.width = width;
    el.result.height = height;
    el.result.classList.toggle('small', Math.max(width, height) < 100); // show its pixels
    el.result.getContext('2d').putImageData(new ImageData(data, width, height), 0, 0);
    el.result.hidden = false;
    el.resultHint.hidden = true;
  }

  function showCost(loss, step) {
    el.cost.textContent = `The cost J fell from ${fmt(loss[0])} to ${fmt(loss.at(-1))} (lower: closer to the photo's content and the painting's style).`;
    el.result.dataset.steps = String(step);
    el.loss.dataset.first = String(loss[0]);
    el.loss.dataset.last = String(loss.at(-1));
  }

  el.download.addEventListener('click', () => {
    el.result.toBlob((blob) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'visage-art.png';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      say('Saved visage-art.png.', false, el.note);
    }, 'image/png');
  });

  // ---- What are deep ConvNets learning? ----

  el.show.addEventListener('click', async () => {
    el.show.setAttribute('aria-busy', 'true');
    el.show.disabled = true;
    try {
      const v = await network();
      // During a run the worker's pair is in use: the maps are of the
      // current generated image, taken between two chunks of steps.
      if (!imagesSet && !run) {
        const size = Number(el.size.value);
        const [content, style] = await scaledPair(size);
        await v.setArtImages(content, style, size);
        imagesSet = true;
      }
      say(`Looking inside ${el.layer.value}…`);
      const f = await v.layerFeatures(el.layer.value, { maps: 8, units: 4 });
      showFeatures(f);
      say(`${f.layer}: the ${f.maps.length} strongest of its channels in the ${f.source} image, and what excites ${f.units.length} of them most.`);
    } catch (err) {
      say(`Could not look inside the network: ${err.message}`, true);
    } finally {
      el.show.removeAttribute('aria-busy');
      updateButtons();
    }
  });

  function showFeatures(f) {
    el.featuresHint.textContent = `Each unit of ${f.layer} sees a ${f.field.size}×${f.field.size}-pixel window of the input, ` +
      `one every ${f.field.stride} pixels. Maps: bright where the channel responds in the ${f.source} image.`;
    el.maps.replaceChildren(
      ...f.maps.map((m) => figure(heatmap(m), `channel ${m.channel}`)),
    );
    // Patches clipped by the image's border show smaller than whole ones.
    const side = Math.max(1, ...f.units.flatMap((u) => u.patches.flatMap((p) => [p.width, p.height])));
    const patch = (p) => {
      const canvas = pixels(p);
      canvas.style.width = `${(4.5 * p.width) / side}rem`;
      return figure(canvas, `${p.image}, ${fmt(p.value)}`);
    };
    el.units.replaceChildren(
      ...f.units.map((u) => {
        const row = document.createElement('div');
        row.className = 'unit';
        const title = document.createElement('p');
        title.className = 'unit-title';
        title.textContent = `Channel ${u.channel}`;
        row.append(
          title,
          ...u.patches.map(patch),
        );
        return row;
      }),
    );
    el.maps.dataset.layer = f.layer;
  }
}

// heatmap draws a feature map (one byte a value) in a dark-to-bright colour
// scale into a new canvas.
export function heatmap({ width, height, data }) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) {
    const t = data[i] / 255;
    // Black → purple → orange → pale yellow.
    rgba[4 * i] = 255 * Math.min(1, 1.6 * t);
    rgba[4 * i + 1] = 255 * Math.max(0, 1.4 * t * t - 0.2 * t);
    rgba[4 * i + 2] = 255 * Math.max(0, Math.sin(Math.PI * t) * 0.7 + t * t * 0.5);
    rgba[4 * i + 3] = 255;
  }
  return pixels({ width, height, data: rgba });
}

// pixels returns a new canvas showing RGBA pixels.
export function pixels({ width, height, data }) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  return canvas;
}

function figure(canvas, caption) {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', caption);
  f.append(canvas, c);
  return f;
}

// drawLoss plots the total cost against the step, on a log scale, into
// canvas, in the page's accent colour.
function drawLoss(canvas, loss) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 320;
  const h = canvas.clientHeight || 140;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  const style = getComputedStyle(document.documentElement);
  const logs = loss.map((v) => Math.log10(Math.max(v, 1e-12)));
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const pad = 6;
  const x = (i) => pad + ((w - 2 * pad) * i) / Math.max(1, loss.length - 1);
  const y = (v) => h - pad - ((h - 2 * pad) * (v - lo)) / Math.max(hi - lo, 1e-9);
  ctx.strokeStyle = style.getPropertyValue('--line').trim() || '#ccc';
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  ctx.strokeStyle = style.getPropertyValue('--accent').trim() || '#1f5fbf';
  ctx.lineWidth = 2;
  ctx.beginPath();
  logs.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
  canvas.setAttribute('aria-label', `Cost by step, log scale: from ${fmt(loss[0])} to ${fmt(loss.at(-1))} over ${loss.length} steps`);
}

function prettyName(file) {
  const base = file.replace(/\.[a-z0-9]+$/i, '').replace(/[_-]+/g, ' ');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

// fmt writes a number in plain words: 3.9 billion, 12 thousand, 0.042 (no
// 3.91e+9).
export function fmt(v) {
  return new Intl.NumberFormat('en', { notation: 'compact', compactDisplay: 'long', maximumSignificantDigits: 2 }).format(Number(v));
}

export function seconds(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

// backendName says where stylize's steps ran ('webgpu' or 'cpu').
function backendName(backend) {
  return backend === 'webgpu' ? 'on WebGPU' : 'on the CPU';
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
