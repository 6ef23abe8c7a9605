// unlock.js is the Faces view's Unlock card: verification with a liveness
// challenge on the camera, and the re-lock that ends an unlock.

import { byId } from './dom.js';

// RELOCK_MS is how long an unlock lasts, in milliseconds.
const RELOCK_MS = 30000;
// CUES are the on-screen signs shown with each challenge step.
const CUES = { blink: '◉ ◡', 'turn-left': '←', 'turn-right': '→', 'look-up': '↑' };

/**
 * Wires the Unlock button and returns {relock(why), seen(faces),
 * people(list), enable(on)}.
 *
 * Unlock runs the liveness challenge on the camera stream only (a photo on
 * the stage never unlocks): the steps are listed in words, the one asked
 * now is marked and shown as a large cue, and the verdict says why in
 * words, never the distance. An unlock re-locks after RELOCK_MS, as soon as
 * seen(faces) (the camera loop's faces) holds no face or no face of the
 * unlocked person, and on relock(why) (why: a reason to say, or null to
 * only stop the timer). people(list) offers the enrolled people
 * ([{name}]) to unlock as, keeping the choice; enable(on) enables or
 * disables the card's controls.
 */
export function createUnlock(view, { stage, camera }) {
  const el = {
    person: byId('unlock-person'),
    unlock: byId('unlock'),
    result: byId('unlock-result'),
    detail: byId('unlock-detail'),
    cue: byId('unlock-cue'),
    steps: byId('unlock-steps'),
  };
  let relockTimer = null;

  el.unlock.addEventListener('click', () =>
    view.act(el.unlock, async () => {
      const name = el.person.value;
      relock(null);
      if (stage.source() !== 'camera' || !camera.running()) {
        showVerdict('denied', 'Unlock uses the camera only: start the camera. A photo can be compared in the Compare view, but never unlocks.');
        view.say('Denied: unlock uses the camera only.');
        return;
      }
      el.result.textContent = 'Checking…';
      delete el.result.dataset.verdict;
      el.detail.textContent = 'Look at the camera.';
      const r = await view.v.unlock(name, stage.video, {
        onStep: ({ steps, step }) => showSteps(steps, step),
      });
      showSteps(r.steps, r.unlocked ? r.steps.length : -2);
      if (r.unlocked) {
        showVerdict('unlocked', `Welcome, ${name}. Locks again in ${RELOCK_MS / 1000} s, when you leave, or when someone else is in view.`);
        el.result.dataset.name = name;
        view.say(`Unlocked: ${name}.`);
        relockTimer = setTimeout(() => relock('time is up'), RELOCK_MS);
        return;
      }
      let why = denialWords(r, name);
      if (r.wait > 0 && r.reason !== 'too many attempts') {
        why += ` Too many failed attempts: try again in ${r.wait} s.`;
      }
      showVerdict('denied', why);
      view.say(`Denied: ${why}`);
    }),
  );

  // showSteps lists steps ([{step, words}]) with the one at index now
  // marked (-1: measuring the face first; past the end: all done; -2: the
  // challenge ended) and shows its cue.
  function showSteps(steps, now) {
    el.steps.replaceChildren(
      ...steps.map((s, i) => {
        const li = document.createElement('li');
        li.textContent = s.words;
        li.dataset.step = s.step;
        li.dataset.state = i < now ? 'done' : i === now ? 'now' : 'todo';
        return li;
      }),
    );
    const cue = now === -1 ? 'Look at the camera…' : now >= 0 && now < steps.length ? `${CUES[steps[now].step] ?? ''} ${steps[now].words}` : '';
    el.cue.textContent = cue;
    el.cue.hidden = cue === '';
  }

  function showVerdict(verdict, detail) {
    el.result.textContent = verdict === 'unlocked' ? 'Unlocked' : 'Denied';
    el.result.dataset.verdict = verdict;
    el.detail.textContent = detail;
  }

  function relock(why) {
    clearTimeout(relockTimer);
    relockTimer = null;
    if (why && el.result.dataset.verdict === 'unlocked') {
      el.result.textContent = 'Locked';
      delete el.result.dataset.verdict;
      delete el.result.dataset.name;
      el.detail.textContent = `Locked again: ${why}.`;
      view.say(`Locked again: ${why}.`);
    }
  }

  function seen(faces) {
    const unlocked = el.result.dataset.verdict === 'unlocked' ? el.result.dataset.name : null;
    if (faces.length === 0) {
      relock('the face left');
    } else if (unlocked && !faces.some((f) => f.name === unlocked)) {
      relock(`someone other than ${unlocked} is in view`);
    }
  }

  function people(list) {
    const chosen = el.person.value;
    el.person.replaceChildren(
      ...list.map(({ name }) => {
        const o = document.createElement('option');
        o.value = o.textContent = name;
        o.selected = name === chosen;
        return o;
      }),
    );
  }

  function enable(on) {
    el.person.disabled = !on;
    el.unlock.disabled = !on;
  }

  return { relock, seen, people, enable };
}

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
