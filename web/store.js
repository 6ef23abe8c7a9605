// store.js keeps the Faces view's data in this browser's IndexedDB (database
// "visage", object store "faces"): the gallery as face-api.js JSON text under
// "gallery", and each person's thumbnail (an ImageData) under "thumbs", as an
// object keyed by name. Nothing leaves the device.
const DB = 'visage';
const STORE = 'faces';

let opened = null;

// db opens the database once.
function db() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('the saved data is in use by an older copy of this page in another tab'));
  });
  return opened;
}

// run performs fn(store) in one transaction and resolves with the result of
// the request fn returns, once the transaction has committed.
async function run(mode, fn) {
  // 'strict': a saved gallery is on disk when the promise resolves, so it
  // survives the browser being closed right after.
  const tx = (await db()).transaction(STORE, mode, { durability: 'strict' });
  const req = fn(tx.objectStore(STORE));
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('saving was aborted'));
  });
}

/** Returns {gallery: JSON text or undefined, thumbs: Map name → ImageData}. */
export async function load() {
  const [gallery, thumbs] = await Promise.all([
    run('readonly', (s) => s.get('gallery')),
    run('readonly', (s) => s.get('thumbs')),
  ]);
  return { gallery, thumbs: new Map(Object.entries(thumbs ?? {})) };
}

/** Saves the gallery text and the thumbnails together. */
export function save(gallery, thumbs) {
  return run('readwrite', (s) => {
    s.put(gallery, 'gallery');
    return s.put(Object.fromEntries(thumbs), 'thumbs');
  });
}
