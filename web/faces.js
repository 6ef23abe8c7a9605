// faces.js drives the Faces view: the camera or a photo on a stage with the
// faces boxed and named over it, enrollment, unlock (verification), "who is
// this?" (recognition), the gallery of enrolled people and the threshold.
// Each of those is a module in faces/ with one job; this one builds them and
// wires them together. What they share goes through one explicit object,
// view, passed to each; no card reads another's variables.
// The gallery lives in the worker (visage.js), which keeps it encrypted in
// IndexedDB with the thumbnails (Visage.openVault) and tells of other tabs'
// changes (onGalleryChange); this view only shows it.

import { convCard } from './convnd.js';
import { createActions } from './faces/actions.js';
import { createCamera } from './faces/camera.js';
import { wireEnroll } from './faces/enroll.js';
import { createGallery } from './faces/gallery.js';
import { wirePhotos } from './faces/photos.js';
import { createStage } from './faces/stage.js';
import { createThreshold } from './faces/threshold.js';
import { createUnlock } from './faces/unlock.js';
import { createWho } from './faces/who.js';

/**
 * Wires up the view. Resolves, once visage has loaded and the saved gallery is
 * restored, with a sentence saying what to do first.
 */
export async function startFaces(visage, { say }) {
  const actions = createActions({ say, after: () => enable() });
  // view is what every card is given: v, the loaded Visage (null until it
  // has loaded; set once, below), the status function, the way actions run,
  // show (a gallery the worker reported, shown in every card that shows part
  // of it) and relabel (the faces of the photo on the stage named again).
  const view = {
    v: null,
    say,
    act: actions.act,
    chooseFile: actions.chooseFile,
    show(info) {
      gallery.render(info);
      unlock.people(info.people);
      threshold.show(info);
      enable();
    },
    relabel: () => who.relabel(),
  };
  const stage = createStage({ say, onShow: () => who.clear() });
  const who = createWho(view, { stage });
  const conv = convCard(() => view.v); // the 1D/3D convolution card (convnd.js)
  const camera = createCamera(view, {
    stage,
    conv,
    busy: actions.busy,
    onFaces: (faces) => unlock.seen(faces),
    onStop: () => unlock.relock('the camera stopped'),
  });
  const unlock = createUnlock(view, { stage, camera });
  const gallery = createGallery(view);
  const threshold = createThreshold(view);
  wirePhotos(view, { stage, camera, who });
  wireEnroll(view, { stage });

  // enable enables the controls that need someone enrolled.
  function enable() {
    const some = gallery.info().people.length > 0;
    unlock.enable(some);
    gallery.enable(some);
  }

  // ---- Start: wait for the models, open the saved gallery ----

  stage.show(null);
  enable();
  const v = await visage;
  view.v = v;
  let note = '';
  try {
    const info = await v.openVault({ keyProtection: 'device' });
    if (info.migrated > 0) {
      note = ` (moved ${info.migrated} saved ${info.migrated === 1 ? 'person' : 'people'} into encrypted storage)`;
    }
  } catch (err) {
    note = ` (this browser does not let the page keep people between visits: ${err.message.replace(/^visage: /, '')})`;
  }
  view.show(await v.gallery());
  // Another tab on this profile enrolled, renamed or deleted someone.
  v.onGalleryChange((info) => {
    if (info.error) {
      say(info.error.replace(/^visage: /, ''), true);
    } else {
      gallery.changed(info);
    }
  });
  const n = gallery.info().people.length;
  return n === 0
    ? `Enroll someone: type a name, then start the camera or choose a photo.${note}`
    : `${n} ${n === 1 ? 'person' : 'people'} enrolled. Start the camera to unlock or to see who is there.${note}`;
}
