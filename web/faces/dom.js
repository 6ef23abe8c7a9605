// dom.js holds the two DOM helpers the Faces view's cards share.

/** byId returns the page's element with that id (null when there is none). */
export const byId = (id) => document.getElementById(id);

/**
 * button returns a type="button" button showing text, named label for
 * screen readers, that calls onClick when pressed.
 */
export function button(text, label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}
