// camera.js runs the Faces view's camera: it starts and stops the stream and
// loops over its frames, naming the faces on the stage.

import { byId } from './dom.js';

/**
 * Wires the camera button and returns {stop(), running()}. The
 * loop identifies the faces of each frame (view.v, one chip a face), hands
 * them to onFaces (before they are drawn) and to conv (the convolution card,
 * convnd.js), and holds back while busy() > 0. onStop runs first when a
 * running camera stops. Leaving the Faces view stops the camera.
 */
export function createCamera(view, { stage, conv, busy, onFaces, onStop }) {
  const el = {
    video: stage.video,
    toggle: byId('camera-toggle'),
    fps: byId('fps'),
    note: byId('stage-note'),
  };
  let stream = null; // the camera's MediaStream while it runs
  let run = 0; // counts starts, so that a stopped loop ends

  async function start() {
    if (!navigator.mediaDevices?.getUserMedia) {
      view.say('This browser offers no camera here (it needs https or localhost).', true, el.note);
      return;
    }
    view.say('Starting the camera…', false, el.note);
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
        audio: false,
      });
    } catch (err) {
      stream = null;
      view.say(cameraProblem(err), true, el.note);
      return;
    }
    el.video.srcObject = stream;
    await el.video.play();
    stage.show('camera');
    el.toggle.textContent = 'Stop camera';
    view.say('Camera on. Faces are boxed and named as they are recognised.', false, el.note);
    conv.start(el.video);
    loop(++run);
  }

  function stop() {
    if (!stream) {
      return;
    }
    onStop();
    run++;
    conv.stop();
    for (const track of stream.getTracks()) {
      track.stop();
    }
    stream = null;
    el.video.srcObject = null;
    el.toggle.textContent = 'Start camera';
    el.fps.textContent = 'Camera off';
    if (stage.source() === 'camera') {
      stage.show(null);
    }
  }

  // loop identifies the faces in the camera's latest frame, draws them, and
  // repeats with the frame current then: one frame is in the worker at a
  // time, and the frames that arrive meanwhile are dropped, not queued, so
  // the boxes lag by one analysis at most however slow it is. The rate
  // shown is the rate achieved.
  async function loop(mine) {
    const done = []; // times of the last analyses, ms
    let frames = 0;
    el.fps.textContent = 'Analysing the first frame…';
    while (mine === run) {
      // Hold back while an action runs, the video has no frame yet, or
      // nobody can see the tab.
      if (busy() > 0 || el.video.readyState < 2 || document.hidden) {
        await sleep(100);
        continue;
      }
      const started = performance.now();
      let faces;
      try {
        faces = await view.v.identify(el.video, { fast: true }); // the overlay only labels: one chip a face
      } catch (err) {
        if (mine === run) {
          view.say(`The camera picture could not be analysed: ${err.message}`, true, el.note);
          stop();
        }
        return;
      }
      if (mine !== run) {
        return;
      }
      const now = performance.now();
      onFaces(faces);
      stage.drawFaces(faces, el.video.videoWidth, el.video.videoHeight);
      conv.faces(faces);
      try {
        await conv.update();
      } catch (err) {
        view.say(`The convolution card could not be drawn: ${err.message}`, true, el.note);
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

  el.toggle.addEventListener('click', () => (stream ? stop() : start()));
  // Leaving the view stops the camera: nobody is watching the boxes.
  document.addEventListener('viewchange', (ev) => {
    if (ev.detail.view !== 'faces') {
      stop();
    }
  });

  return { stop, running: () => stream !== null };
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
