// app.js starts the page: it loads Visage once, switches between the views
// (each a <section data-view="NAME"> with a nav link to #NAME) and owns the
// status line that screen readers announce. Each view is its own module,
// given the loading Visage and the status functions.
import { Visage } from './visage.js';
import { startFaces } from './faces.js';
import { startCompare } from './compare.js';
import { startArt } from './art.js';

const status = document.getElementById('status');
const progress = document.getElementById('progress');

// ui is what the views share: the status line and the progress bar.
const ui = {
  // say shows text in the status line, as an error or not.
  say(text, isError = false) {
    status.textContent = text;
    status.classList.toggle('error', isError);
  },
  // progress shows a fraction in [0, 1], an indeterminate bar for null, and
  // hides the bar for undefined.
  progress(fraction) {
    progress.hidden = fraction === undefined;
    if (fraction === null) {
      progress.removeAttribute('value');
    } else if (fraction !== undefined) {
      progress.value = fraction;
    }
  },
};

// Views: the first one is the default.
const views = [...document.querySelectorAll('main > [data-view]')];
const links = [...document.querySelectorAll('[data-view-link]')];

// currentView is the view the URL's fragment names, else the first.
function currentView() {
  const name = location.hash.slice(1);
  return views.some((v) => v.dataset.view === name) ? name : views[0].dataset.view;
}

// showView shows one view, marks its link, moves the focus to its heading when
// asked (after a click on a link), and tells the views by a 'viewchange' event.
function showView(focus) {
  const name = currentView();
  for (const v of views) {
    v.hidden = v.dataset.view !== name;
    if (!v.hidden && focus) {
      v.querySelector('h2')?.focus();
    }
  }
  for (const a of links) {
    if (a.dataset.viewLink === name) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  document.dispatchEvent(new CustomEvent('viewchange', { detail: { view: name } }));
}
window.addEventListener('hashchange', () => showView(true));
showView(false);

// A file dropped outside a drop zone must not replace the page.
window.addEventListener('dragover', (ev) => ev.preventDefault());
window.addEventListener('drop', (ev) => ev.preventDefault());

ui.progress(0);
const visage = Visage.load({
  modelsUrl: 'models/',
  // ?backend=cpu or ?backend=webgpu in the page's address overrides 'auto'.
  backend: new URLSearchParams(location.search).get('backend') ?? 'auto',
  onProgress(p) {
    if (p.phase === 'download') {
      ui.progress(p.total ? p.loaded / p.total : null);
      ui.say(`Loading the face models: ${mb(p.loaded)} of ${mb(p.total)}…`);
    } else {
      ui.progress(null);
      ui.say('Setting up the face models…');
    }
  },
});

// The backend line says where the face descriptors are computed, and why on
// the CPU. It is refreshed now and then: a lost GPU moves the work to the CPU.
const backendLine = document.getElementById('backend');
async function showBackend(v) {
  const { backend, adapter, reason } = await v.backend();
  backendLine.textContent =
    backend === 'webgpu'
      ? `Runs on WebGPU (${adapter}): face detection, landmarks and descriptors.`
      : `Runs on the CPU: ${reason}.`;
  backendLine.dataset.backend = backend;
  backendLine.hidden = false;
}
visage.then(
  (v) => {
    const refresh = () => showBackend(v).catch(() => {}); // a terminated worker: nothing to show
    refresh();
    setInterval(refresh, 5000);
  },
  () => {}, // the status line reports the failure
);

// Each view resolves once it is usable (the Faces view with what to say
// first); the page is ready when all are.
Promise.all([visage, startFaces(visage, ui), startCompare(visage, ui), startArt(visage, ui)]).then(
  ([, facesReady]) => {
    ui.progress(undefined);
    ui.say(`Ready. ${facesReady}`);
  },
  (err) => {
    ui.progress(undefined);
    ui.say(`Could not start: ${err.message}`, true);
  },
);

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
