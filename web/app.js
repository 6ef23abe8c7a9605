// app.js starts the page: it loads Visage once, switches between the views
// (each a <section data-view="NAME"> with a nav link to #NAME) and owns the
// status line that screen readers announce. Each view is its own module,
// given the loading Visage and the status functions.
import { Visage } from './visage.js';
import { startFaces } from './faces.js';
import { startCompare } from './compare.js';
import { startArt } from './art.js';
import { startUnits } from './units.js';

const status = document.getElementById('status');
const progress = document.getElementById('progress');

// The status line belongs to the view in sight: each view's last message is
// kept (lines) and shown while that view is, so that "Done: same person."
// from Compare does not sit over the Art view. Until a view has said
// anything, it shows the page's own line (loading, ready).
const lines = new Map(); // view name → {text, isError}
let pageLine = { text: status.textContent, isError: false };

// render shows the line of the view in sight. A message also written in a
// note beside the control (near, itself a live region) is hidden from
// screen readers here, so that it is announced once, where it is.
function render(near) {
  const { text, isError } = lines.get(currentView()) ?? pageLine;
  if (near) {
    const span = document.createElement('span');
    span.setAttribute('aria-hidden', 'true');
    span.textContent = text;
    status.replaceChildren(span);
  } else {
    status.textContent = text;
  }
  status.title = text; // the line shows two lines at most
  status.classList.toggle('error', isError);
}

// ui is what the views share: the status line and the progress bar.
const ui = {
  // say shows text in the page's status line (loading, ready, failed), as
  // an error or not, in every view, over what the views said before.
  say(text, isError = false) {
    pageLine = { text, isError };
    lines.clear();
    render();
  },
  // forView returns the say a view uses: say(text, isError, near) keeps
  // text as the view's status and, when near (a note beside the control the
  // user pressed) is given, writes it there too.
  forView(view) {
    return {
      ...ui,
      say(text, isError = false, near = null) {
        lines.set(view, { text, isError });
        if (near) {
          near.textContent = text;
          near.classList.toggle('error', isError);
        }
        if (view === currentView()) {
          render(near);
        }
      },
    };
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
  render();
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
      ? `Runs on WebGPU, the graphics card (${adapter}): finding, measuring and comparing faces.`
      : `Runs on the CPU: ${plainReason(reason)}.`;
  backendLine.title = backend === 'webgpu' ? '' : reason; // the browser's own words, for whoever asks
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
Promise.all([
  visage,
  startFaces(visage, ui.forView('faces')),
  startCompare(visage, ui.forView('compare')),
  startArt(visage, ui.forView('art')),
  startUnits(visage, ui.forView('art')), // the Art view's "Inside the network" card
]).then(
  ([, facesReady]) => {
    ui.progress(undefined);
    ui.say('Ready.');
    ui.forView('faces').say(`Ready. ${facesReady}`); // what to do first, said where it is done
  },
  (err) => {
    ui.progress(undefined);
    ui.say(`Could not start: ${err.message}`, true);
  },
);

// plainReason says in plain words why the CPU runs (reason: the core's
// words, such as "webgpu: requestAdapter returned no adapter").
function plainReason(reason) {
  if (/asked for/i.test(reason)) {
    return 'the page was asked to use it (?backend=cpu)';
  }
  if (/software/i.test(reason)) {
    return 'the only graphics card this browser offers is a software one, slower than the CPU';
  }
  if (/lost|out of memory/i.test(reason)) {
    return 'the graphics card stopped working, so the CPU took over';
  }
  return 'this browser lets web pages use no graphics card here (no WebGPU)';
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
