// examples.js fetches the site's example pictures: nst/index.json lists them,
// {"content": [file names], "style": [file names]} under nst/content/ and
// nst/style/ (./build.sh writes it: the server lists no folders). Each file
// is fetched once a page, however many views use it; a failed fetch is
// tried again the next time it is asked for.

const fetched = new Map(); // path → promise of what read made of the response

function once(path, read) {
  if (!fetched.has(path)) {
    const p = fetch(path).then((res) => {
      if (!res.ok) {
        throw new Error(`HTTP ${res.status} for ${path}`);
      }
      return read(res);
    });
    p.catch(() => fetched.delete(path));
    fetched.set(path, p);
  }
  return fetched.get(path);
}

/** The examples' file names, {content: [...], style: [...]}; empty lists when the site has none. */
export async function exampleNames() {
  try {
    const index = await once('nst/index.json', (res) => res.json());
    return { content: index.content ?? [], style: index.style ?? [] };
  } catch {
    return { content: [], style: [] };
  }
}

/** The example called name of kind ('content' or 'style'), as a Blob. */
export function exampleBlob(kind, name) {
  return once(`nst/${kind}/${encodeURIComponent(name)}`, (res) => res.blob());
}
