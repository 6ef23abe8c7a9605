// convnd.js drives the Faces view's "Convolution over time" card: while the
// camera runs, every video frame is sampled small; after each analysed frame
// the worker convolves (core/signals, as `visage conv1d` and `visage conv3d`
// do) (a) the brightness of the face region over the last SAMPLES frames
// with two 1D kernels, plotted, and (b) the last FRAMES frames as a t×h×w
// volume with 4 filters of 3×3×3, whose motion energy is drawn as an image.
// The card's dataset says what it shows, for tests: samples, frames and
// energy (the mean motion energy).

const byId = (id) => document.getElementById(id);

// SAMPLES is the length of the brightness signal; FRAMES the depth of the
// volume; SAMPLE_SIDE the longer side of a sampled frame, in pixels (the
// worker area-averages it down to VOLUME_SIDE).
const SAMPLES = 64;
const FRAMES = 16;
const SAMPLE_SIDE = 64;
const VOLUME_SIDE = 32;

// KERNELS are the 1D filters, 9 taps each: a moving average (smooths) and a
// central difference (rises positive, falls negative), as in signals.Bank1D.
const KERNELS = [
  { name: 'moving average', colour: '#1565c0', weights: Array(9).fill(1 / 9) },
  { name: 'derivative', colour: '#c62828', weights: [0, 0, 0, -0.5, 0, 0.5, 0, 0, 0] },
];

/**
 * Wires up the card. visage() returns the loaded Visage (null before load).
 * Returns {start(video), faces(list), update(), stop()}: start samples the
 * video's frames, faces gives the latest faces found (the first one's box is
 * the region measured; none: the whole frame), update convolves and draws
 * (await it between analyses), stop forgets everything.
 */
export function convCard(visage) {
  const el = {
    card: byId('conv-card'),
    plot: byId('conv1d-plot'),
    shapes1: byId('conv1d-shapes'),
    motion: byId('motion-image'),
    shapes3: byId('conv3d-shapes'),
    note: byId('conv-note'),
  };
  // say sets the card's live message, only when it changes (a screen reader
  // reads every change).
  const say = (text) => {
    if (el.note.textContent !== text) {
      el.note.textContent = text;
    }
  };
  const sampler = new OffscreenCanvas(1, 1);
  const ctx = sampler.getContext('2d', { willReadFrequently: true });
  let signal = []; // brightness 0..1 of the region, oldest first
  let frames = []; // ImageData, oldest first
  let box = null; // the face measured, in video pixels
  let run = 0; // counts starts, so that a stopped sampler ends

  // sample draws the current frame small and keeps it and the region's
  // brightness.
  function sample(video) {
    const scale = SAMPLE_SIDE / Math.max(video.videoWidth, video.videoHeight);
    const w = Math.max(1, Math.round(video.videoWidth * scale));
    const h = Math.max(1, Math.round(video.videoHeight * scale));
    if (sampler.width !== w || sampler.height !== h) {
      sampler.width = w;
      sampler.height = h;
      frames = [];
    }
    ctx.drawImage(video, 0, 0, w, h);
    const img = ctx.getImageData(0, 0, w, h);
    frames.push(img);
    frames.splice(0, frames.length - FRAMES);
    const r = box
      ? {
          x0: clamp(Math.floor(box.x * scale), 0, w - 1),
          y0: clamp(Math.floor(box.y * scale), 0, h - 1),
          x1: clamp(Math.ceil((box.x + box.width) * scale), 1, w),
          y1: clamp(Math.ceil((box.y + box.height) * scale), 1, h),
        }
      : { x0: 0, y0: 0, x1: w, y1: h };
    let sum = 0;
    let n = 0;
    for (let y = r.y0; y < r.y1; y++) {
      for (let x = r.x0; x < r.x1; x++) {
        const i = 4 * (y * w + x);
        sum += 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
        n++;
      }
    }
    signal.push(n > 0 ? sum / n / 255 : 0);
    signal.splice(0, signal.length - SAMPLES);
  }

  function start(video) {
    const mine = ++run;
    say('Collecting frames from the camera…');
    const next = () => {
      if (mine !== run) {
        return;
      }
      if (video.readyState >= 2 && video.videoWidth > 0) {
        sample(video);
      }
      if (video.requestVideoFrameCallback) {
        video.requestVideoFrameCallback(next);
      } else {
        requestAnimationFrame(next);
      }
    };
    next();
  }

  function stop() {
    say('Start the camera to see the brightness and the motion filtered.');
    run++;
    signal = [];
    frames = [];
    box = null;
  }

  async function update() {
    const v = visage();
    if (!v || signal.length < KERNELS[0].weights.length || frames.length < 3) {
      return;
    }
    // The camera keeps adding to signal and frames while the worker
    // convolves: what is drawn and counted is what was sent.
    const sent = signal.slice();
    const [c1, c3] = await Promise.all([
      v.conv1d(sent, KERNELS.map((k) => k.weights)),
      v.motionEnergy(frames.slice(), { size: VOLUME_SIDE }),
    ]);
    drawSignal(el.plot, sent, c1.outputs);
    el.shapes1.textContent = c1.shapes;
    const mean = drawEnergy(el.motion, c3);
    el.shapes3.textContent = c3.shapes;
    el.card.dataset.samples = String(sent.length);
    el.card.dataset.frames = String(c3.shape[0] + 2);
    el.card.dataset.energy = String(mean);
    say('Filtering the camera’s frames as they come.');
  }

  return { start, stop, update, faces: (list) => { box = list.length > 0 ? list[0].box : null; } };
}

// drawSignal plots the signal (grey, top half) and each kernel's output
// (below, in its colour), each scaled to its own range; output i is drawn
// under the middle of its window, sample i + 4.
function drawSignal(canvas, signal, outputs) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const rows = 1 + outputs.length;
  const rowH = height / rows;
  const step = width / (SAMPLES - 1);
  const line = (values, offset, row, colour) => {
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = (SAMPLES - signal.length + offset + i) * step;
      const y = row * rowH + 3 + (rowH - 6) * (1 - (v - lo) / (hi - lo));
      if (i === 0) {
        ctx.moveTo(x, y);
      } else {
        ctx.lineTo(x, y);
      }
    });
    ctx.stroke();
  };
  line(signal, 0, 0, '#555');
  const half = (KERNELS[0].weights.length - 1) / 2;
  outputs.forEach((out, j) => line(Array.from(out), half, 1 + j, KERNELS[j].colour));
}

// drawEnergy draws the motion energy map, scaled by its peak, in red over
// black (the canvas takes the map's size; CSS enlarges it), and returns the
// map's mean.
function drawEnergy(canvas, { width, height, energy }) {
  canvas.width = width;
  canvas.height = height;
  let peak = 0;
  let sum = 0;
  for (const e of energy) {
    peak = Math.max(peak, e);
    sum += e;
  }
  const img = new ImageData(width, height);
  for (let i = 0; i < energy.length; i++) {
    const m = peak > 0 ? Math.sqrt(energy[i] / peak) : 0; // the square root shows weak motion too
    img.data[4 * i] = Math.round(255 * m);
    img.data[4 * i + 1] = Math.round(60 * m);
    img.data[4 * i + 2] = Math.round(30 * m);
    img.data[4 * i + 3] = 255;
  }
  canvas.getContext('2d').putImageData(img, 0, 0);
  return sum / energy.length;
}

function clamp(x, lo, hi) {
  return Math.max(lo, Math.min(x, hi));
}
