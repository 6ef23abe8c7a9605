// threshold.js is the Faces view's Threshold card: the distance threshold
// with the error rates it means, and the comparison file (a learned head)
// that can replace plain distance.

import { byId } from './dom.js';
import { dist } from './words.js';

/**
 * Wires the slider and the comparison file and returns {show(info)}, which
 * shows the gallery's threshold and the rates "Who is this?" can expect
 * with its people (info as the worker reports it). Each change names the
 * faces on the stage again (view.relabel).
 */
export function createThreshold(view) {
  const el = {
    threshold: byId('threshold'),
    value: byId('threshold-value'),
    rates: byId('threshold-rates'),
    note: byId('threshold-note'),
    headFile: byId('head-file'),
    headClear: byId('head-clear'),
    headStatus: byId('head-status'),
  };

  function show(info) {
    el.threshold.value = String(info.threshold);
    el.value.textContent = info.threshold.toFixed(2);
    el.rates.textContent = expectedRates(info.people.length, info.identify);
  }

  el.threshold.addEventListener('input', () => {
    el.value.textContent = Number(el.threshold.value).toFixed(2);
  });
  // (No button to disable: disabling the slider would take the keyboard focus away.)
  el.threshold.addEventListener('change', () =>
    view.act(null, async () => {
      const info = await view.v.setThreshold(Number(el.threshold.value));
      view.show(info);
      view.say(`Threshold set to ${info.threshold.toFixed(2)}.`, false, el.note);
      await view.relabel();
    }, el.note),
  );

  // A learned head (setHead) replaces plain distance for unlock and "who is this?".
  view.chooseFile(el.headFile, (name) => `load ${name} as a comparison file`, (text) => view.v.setHead(text), async (info, file) => {
    const rule = info.higherIsSame ? `P(same) above ${dist(info.threshold)}` : `head distance below ${dist(info.threshold)}`;
    el.headStatus.textContent = `Decisions use the ${info.kind} head from ${file.name}: same person when ${rule}.`;
    el.headClear.hidden = false;
    el.headClear.closest('details').open = true; // a rule other than plain distance is in force: it shows
    view.say(`Loaded the comparison file ${file.name}.`, false, el.note);
    await view.relabel();
  }, el.note);
  el.headClear.addEventListener('click', () =>
    view.act(el.headClear, async () => {
      await view.v.setHead(null);
      el.headStatus.textContent = 'Decisions use plain distance.';
      el.headClear.hidden = true;
      el.headFile.focus();
      view.say('Decisions use plain distance again.', false, el.note);
      await view.relabel();
    }, el.note),
  );

  return { show };
}

// expectedRates says in plain words how often "Who is this?" errs with n
// people enrolled, from gallery().identify (the rates measured on LFW at the
// threshold identify uses for n people), or which threshold it uses when a
// chosen one decides.
function expectedRates(n, rule) {
  const e = rule.expected;
  if (e === null) {
    return `“Who is this?” decides with ${rule.why}: the error rates below are measured only for the threshold it picks itself.`;
  }
  const strangers = per100(e.fpir);
  const people = n === 1 ? '1 person' : `${n} people`;
  const note = e.note ? ` (${e.note[0].toUpperCase()}${e.note.slice(1)}.)` : '';
  return (
    `With ${people} enrolled, about ${strangers} ${strangers === '1' ? 'stranger' : 'strangers'} in 100 ` +
    `${strangers === '1' ? 'is' : 'are'} given a name, and about ${per100(e.fnir)} in 100 enrolled people are missed, ` +
    `as measured on LFW at the threshold “Who is this?” uses for ${people}, ${dist(rule.threshold)} on ` +
    `${rule.margin ? 'the nearest distance less its gap to the next person' : 'the nearest distance'}.${note}`
  );
}

// per100 writes a rate as a number of cases in 100: whole from 1 up, one
// decimal below.
function per100(rate) {
  const x = rate * 100;
  return x >= 0.95 ? String(Math.round(x)) : x.toFixed(1);
}
