// Loads the optimised browser package once in Node: a broken wasm-opt pass
// shows up here (e.g. "Table.set(): Argument 1 is invalid"), not in a browser.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? 'www/pkg');
const glue = await import(pathToFileURL(`${dir}/prescreen_wasm.js`).href);
await glue.default({ module_or_path: await readFile(`${dir}/prescreen_wasm_bg.wasm`) });
try {
  new glue.Screener(new Uint8Array([1, 2, 3]), undefined, undefined);
  throw new Error('smoke: a 3-byte filter was accepted');
} catch (err) {
  if (typeof err.code !== 'string' || !err.code.startsWith('filter-')) {
    throw new Error(`smoke: expected a filter-* error code, got ${err.code}: ${err.message}`);
  }
}
console.log(`smoke: ${dir}/prescreen_wasm_bg.wasm loads and rejects a bad filter`);
