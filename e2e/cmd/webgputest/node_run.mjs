// node_run.mjs runs webgputest.wasm (e2e/cmd/webgputest) under Node, with
// navigator.gpu from Dawn's Node bindings (the npm package webgpu), outside
// a browser: the kernel and network checks, and ?bench, on a machine's own
// GPU. It does what web/gpu/kernels.html does: the query is the page's,
// the files of the given folders (model manifests and shards, VGG-19's
// manifest.json and raw files, and for ?net= and ?precision=f16 a face.jpg:
// an LFW photo for the detectors, a face chip for facerec) are
// globalThis.visageTestFiles. The report
// is printed on stdout as JSON. $DAWN_FLAGS, space-separated, are passed to
// the package's create (e.g. enable-dawn-features=allow_unsafe_apis).
//
//   node node_run.mjs WEBGPU_PACKAGE_DIR GOROOT/lib/wasm WEBGPUTEST.wasm QUERY [FOLDER…]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [pkg, goWasmDir, wasmFile, query, ...folders] = process.argv.slice(2);
if (!query) {
  console.error('usage: node node_run.mjs WEBGPU_PACKAGE_DIR GOROOT/lib/wasm WEBGPUTEST.wasm QUERY [FOLDER…]');
  process.exit(2);
}
const { create, globals } = await import(path.resolve(pkg, 'index.js'));
Object.assign(globalThis, globals);
// Node 21+ has a navigator without gpu; Node 20 none.
Object.defineProperty(globalThis, 'navigator', { value: { ...globalThis.navigator, gpu: create((process.env.DAWN_FLAGS ?? '').split(' ').filter(Boolean)) }, configurable: true });
globalThis.location = { search: query };
globalThis.document = { getElementById: () => null }; // webgputest writes its report into #report when there is one
globalThis.visageTestFiles = {};
for (const folder of folders) {
  for (const name of fs.readdirSync(folder)) {
    globalThis.visageTestFiles[name] = new Uint8Array(fs.readFileSync(path.join(folder, name)));
  }
}
createRequire(import.meta.url)(path.resolve(goWasmDir, 'wasm_exec.js'));
const go = new globalThis.Go();
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), go.importObject);
await go.run(instance);
if (globalThis.visageWebGPUReport === undefined) {
  console.error('webgputest.wasm exited without a report');
  process.exit(1);
}
console.log(globalThis.visageWebGPUReport);
process.exit(0); // dawn.node keeps the event loop alive
