// Bundles the Uppy page with esbuild into `outdir` (index.html, main.js, main.css).
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Where `prescreen/uppy` comes from: www/src/uppy.js, whose `./index.js` is
 * the built package that `prescreen serve` serves at /pkg/ (www/pkg/), left
 * out of the bundle. Installing the packed tarball replaces this.
 */
const builtPackage = {
  name: 'built-package',
  setup(b) {
    b.onResolve({ filter: /^prescreen\/uppy$/ }, () => ({ path: here('../../../www/src/uppy.js') }));
    b.onResolve({ filter: /^\.\/index\.js$/ }, (args) =>
      args.importer.endsWith('/www/src/uppy.js') ? { path: '/pkg/index.js', external: true } : undefined,
    );
  },
};

/** Builds the page into `outdir`. */
export async function buildUppyPage(outdir) {
  await build({
    entryPoints: [here('main.js')],
    bundle: true,
    format: 'esm',
    minify: true,
    outdir,
    plugins: [builtPackage],
    logLevel: 'warning',
  });
  copyFileSync(here('index.html'), `${outdir}/index.html`);
}
