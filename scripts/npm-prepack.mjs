// `npm pack` / `npm publish` in www/ run this first (the `prepack` script):
// it refuses to pack a package without its built files, and copies the
// licence files from the repository's top level next to package.json, so the
// tarball carries them. Build with `make npm-pack` (or `make wasm-pkg` first).
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const required = ['pkg/index.js', 'pkg/worker.js', 'pkg/node.js', 'pkg/index.d.ts'];
const wasm = ['pkg/prescreen_wasm_bg.wasm', 'pkg/prescreen_wasm_bg.simd.wasm'];

const missing = [...required, ...wasm].filter((file) => !existsSync(file));
if (missing.length > 0) {
  console.error(`prescreen prepack: ${missing.join(', ')} missing in ${process.cwd()}; run \`make wasm-pkg\` (or \`make npm-pack\`) first`);
  process.exit(1);
}
for (const file of wasm) {
  const head = [...readFileSync(file).subarray(0, 4)];
  if (head.join() !== WASM_MAGIC.join()) {
    console.error(`prescreen prepack: ${file} is not a wasm module`);
    process.exit(1);
  }
}
for (const licence of ['LICENSE-MIT', 'LICENSE-APACHE']) {
  copyFileSync(join('..', licence), licence);
}
