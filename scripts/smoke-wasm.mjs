// Loads the optimised browser package once in Node: a broken wasm-opt pass
// shows up here (e.g. "Table.set(): Argument 1 is invalid"), not in a browser.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? 'www/pkg');
const wasm = process.argv[3] ?? 'prescreen_wasm_bg.wasm';
const glue = await import(pathToFileURL(`${dir}/prescreen_wasm.js`).href);
await glue.default({ module_or_path: await readFile(`${dir}/${wasm}`) });
try {
  new glue.Screener(new Uint8Array([1, 2, 3]), undefined, undefined);
  throw new Error('smoke: a 3-byte filter was accepted');
} catch (err) {
  if (typeof err.code !== 'string' || !err.code.startsWith('filter-')) {
    throw new Error(`smoke: expected a filter-* error code, got ${err.code}: ${err.message}`, { cause: err });
  }
}
console.log(`smoke: ${dir}/${wasm} loads and rejects a bad filter`);

// simd.js: Node 20 runs simd128, so the probe must validate there; and the
// choice maps to the two file names.
const { simdSupported, wasmUrl } = await import(pathToFileURL(`${dir}/simd.js`).href);
if (!simdSupported()) throw new Error('smoke: simd.js finds no wasm SIMD in Node');
const names = [true, false].map((simd) => wasmUrl(simd).pathname.split('/').pop());
if (names.join() !== 'prescreen_wasm_bg.simd.wasm,prescreen_wasm_bg.wasm') {
  throw new Error(`smoke: simd.js picks ${names}`);
}
