// words.js says faces and counts in the words the Faces view's cards share.

/** faceLabel is how a face ({name, distance}) is named on the stage and in lists. */
export function faceLabel(f) {
  if (f.name !== null) {
    return `${f.name} ${dist(f.distance)}`;
  }
  return f.distance === null ? 'not recognized' : `not recognized (closest ${dist(f.distance)})`;
}

/** photos says "1 photo" or "N photos". */
export function photos(n) {
  return `${n} photo${n === 1 ? '' : 's'}`;
}

/** dist writes a distance (or threshold) with two decimals. */
export function dist(d) {
  return d.toFixed(2);
}
