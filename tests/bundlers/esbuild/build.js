// esbuild bundles the package's JS but leaves `new URL('./…', import.meta.url)`
// as it is, so the worker and both .wasm files are copied next to the bundle.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

await build({ entryPoints: ['main.js'], bundle: true, format: 'esm', splitting: true, minify: true, outdir: 'dist' });
for (const file of ['worker.js', 'prescreen_wasm_bg.wasm', 'prescreen_wasm_bg.simd.wasm']) {
  copyFileSync(fileURLToPath(import.meta.resolve(`prescreen/${file}`)), `dist/${file}`);
}
