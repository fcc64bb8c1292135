// Bundles the Uppy page with esbuild into `outdir` (index.html, main.js,
// main.css). `prescreen/uppy` and `prescreen` come from the packed tarball the
// test installs; esbuild leaves `new URL('./…', import.meta.url)` as it is, so
// the worker and both .wasm files are copied next to the bundle (the esbuild
// recipe in docs/EMBED.md).
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the page into `outdir`. */
export async function buildUppyPage(outdir) {
  await build({
    entryPoints: [here('main.js')],
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    outdir,
    logLevel: 'warning',
  });
  copyFileSync(here('index.html'), `${outdir}/index.html`);
  for (const file of ['worker.js', 'prescreen_wasm_bg.wasm', 'prescreen_wasm_bg.simd.wasm']) {
    copyFileSync(fileURLToPath(import.meta.resolve(`prescreen/${file}`)), `${outdir}/${file}`);
  }
}
