// actions.js runs the Faces view's actions (a button pressed, a file chosen)
// one way: marked busy, errors said, the camera loop held back meanwhile.

/**
 * Returns {act, chooseFile, busy}. say is the view's status function
 * (app.js); after runs when any action ends (the cards update their
 * controls).
 *
 * act(button, fn, note) runs fn with button (if any) marked busy meanwhile
 * (not disabled: that would take the keyboard focus away) and says any
 * error, in note (the card's message line) and the status line. A step that
 * takes more than a second says "Working…" in note meanwhile, unless it said
 * something itself. A click on a busy button is ignored.
 *
 * chooseFile(input, what, load, done, note) wires a file input: the chosen
 * file's text goes to load; a rejection is reported as "Could not
 * <what(name)>, nothing was changed"; else done(result, file) runs, all as
 * one act.
 *
 * busy() is the number of actions in progress: the camera loop sends no
 * frame while it is above 0.
 */
export function createActions({ say, after }) {
  let busy = 0;

  async function act(button, fn, note) {
    if (button?.getAttribute('aria-busy') === 'true') {
      return;
    }
    button?.setAttribute('aria-busy', 'true');
    busy++;
    const before = note?.textContent;
    const slow = note && setTimeout(() => {
      if (note.textContent === before) {
        note.textContent = 'Working…';
        note.classList.remove('error');
      }
    }, 1000);
    try {
      await fn();
    } catch (err) {
      say(err.message.replace(/^visage: /, ''), true, note);
    } finally {
      clearTimeout(slow);
      if (note?.textContent === 'Working…') {
        note.textContent = '';
      }
      busy--;
      button?.removeAttribute('aria-busy');
      after();
    }
  }

  function chooseFile(input, what, load, done, note) {
    input.addEventListener('change', () => {
      const file = input.files[0];
      input.value = '';
      if (!file) {
        return;
      }
      act(null, async () => {
        let result;
        try {
          result = await load(await file.text());
        } catch (err) {
          throw new Error(`Could not ${what(file.name)}, nothing was changed: ${err.message.replace(/^visage: /, '')}`);
        }
        await done(result, file);
      }, note);
    });
  }

  return { act, chooseFile, busy: () => busy };
}
