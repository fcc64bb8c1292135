// The packed npm package (make npm-pack) in real apps: installed from the
// tarball into tests/bundlers, built by each pinned bundler (Vite dev server,
// Vite build + preview, webpack 5, esbuild, Rollup), served on 127.0.0.1 with
// a filter built by `prescreen build`, and driven in headless Chromium: a
// listed file is removed from the form and an unlisted one kept. Then the
// package served from a second origin (a CDN). Run: make test-bundlers.
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROOT, buildFilter, launchBrowser, testImages } from '../e2e/harness.mjs';
import { serveStatic } from './serve.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
// The upload page every app serves; each app's bundle replaces its script.
const PAGE = readFileSync(join(HERE, 'index.html'), 'utf8');
const PAGE_SCRIPT = '<script type="module" src="./main.js"></script>';
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
const { version } = JSON.parse(readFileSync(join(ROOT, 'www/package.json'), 'utf8'));
const TARBALL = join(TARGET, 'npm', `prescreen-${version}.tgz`);
const PACKAGE = join(HERE, 'node_modules/prescreen');
const BIN = join(HERE, 'node_modules/.bin');

const image = testImages();
const LISTED = image('listed.jpg');
const UNLISTED = image('unlisted.jpg');

let filter;
let browser;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
/** SHA-256 of the installed package's two wasm builds. */
const WASM = {};

before(async () => {
  assert.ok(existsSync(TARBALL), `${TARBALL} missing: run make npm-pack`);
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', TARBALL], { cwd: HERE, stdio: 'pipe' });
  WASM.simd = sha256(readFileSync(join(PACKAGE, 'pkg/prescreen_wasm_bg.simd.wasm')));
  WASM.plain = sha256(readFileSync(join(PACKAGE, 'pkg/prescreen_wasm_bg.wasm')));
  filter = buildFilter([LISTED]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Every file under `dir`, recursively. */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** What a build emitted: both wasm builds byte for byte, and no build-machine path. */
function checkOutput(dir) {
  const files = walk(dir);
  const digests = new Set(files.filter((f) => f.endsWith('.wasm')).map((f) => sha256(readFileSync(f))));
  assert.ok(digests.has(WASM.simd), `${dir}: the SIMD wasm is not emitted`);
  assert.ok(digests.has(WASM.plain), `${dir}: the plain wasm is not emitted`);
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    assert.doesNotMatch(readFileSync(file, 'utf8'), /file:\/\//, `${file} holds a file:// URL`);
  }
}

/**
 * Opens `url` in a fresh context, waits for the form to be guarded, picks the
 * listed and the unlisted file and waits until they are screened. Returns the
 * names the input keeps, the failed requests, the page's errors, the JS and
 * wasm bodies it fetched, and what `evaluate` (run in the page) returns.
 */
async function pickBoth(url, evaluate = () => null) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const failed = [];
  const errors = [];
  const fetched = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
    else if (/\.(m?js|wasm)(\?|$)/.test(r.url()) || r.headers()['content-type']?.includes('wasm')) {
      fetched.push(r.body().then((body) => ({ url: r.url(), body }), () => null));
    }
  });
  try {
    try {
      await page.goto(url);
      // guard() enables the form's controls as soon as it holds the form.
      await page.waitForSelector('#file:enabled', { timeout: 30_000 });
      await page.setInputFiles('#file', [LISTED, UNLISTED]);
      await page.waitForFunction(() => ['done', 'removed'].includes(document.querySelector('#file').dataset.prescreen), null, {
        timeout: 30_000,
      });
    } catch (err) {
      throw new Error(`${err.message}\nfailed requests: ${failed.join('; ')}\npage errors: ${errors.join('; ')}`, { cause: err });
    }
    const kept = await page.evaluate(() => [...document.querySelector('#file').files].map((f) => f.name));
    const value = await page.evaluate(evaluate);
    // Each file once (every worker of the pool requests worker.js).
    const bodies = [...new Map((await Promise.all(fetched)).filter(Boolean).map((b) => [b.url, b])).values()];
    return { kept, failed, errors, bodies, value };
  } finally {
    await context.close();
  }
}

const WASM_MAGIC = Buffer.from([0, 0x61, 0x73, 0x6d]);

/**
 * The listed file is removed and the unlisted one kept, with no failed
 * request or page error, and the page fetched exactly one wasm: the SIMD
 * build. Returns the gzipped bytes of the JS and the wasm it fetched.
 */
async function screensTheForm(url) {
  const { kept, failed, errors, bodies } = await pickBoth(url);
  assert.deepEqual(kept, ['unlisted.jpg']);
  assert.deepEqual(failed, []);
  assert.deepEqual(errors, []);
  const wasm = bodies.filter((b) => b.body.subarray(0, 4).equals(WASM_MAGIC));
  assert.deepEqual(wasm.map((b) => sha256(b.body)), [WASM.simd], 'the page fetches exactly one wasm, the SIMD build');
  const gz = (list) => list.reduce((sum, b) => sum + gzipSync(b.body, { level: 9 }).length, 0);
  const js = bodies.filter((b) => !wasm.includes(b));
  return { js: gz(js), jsFiles: js.length, jsRaw: js.reduce((sum, b) => sum + b.body.length, 0), wasm: gz(wasm) };
}

/** Serves a bundler's output directory with the filter and the page, loading the bundle with `script`. */
async function serveBuilt(out, script) {
  writeFileSync(join(out, 'index.html'), PAGE.replace(PAGE_SCRIPT, script));
  return serveStatic(out, { files: { '/filter.psf': filter } });
}

/** Vite's app folder, with the page (Vite's entry) and the filter in its public folder. */
function viteRoot() {
  const root = join(HERE, 'vite');
  writeFileSync(join(root, 'index.html'), PAGE);
  mkdirSync(join(root, 'public'), { recursive: true });
  copyFileSync(filter, join(root, 'public/filter.psf'));
  return root;
}

function run(app, command, args) {
  rmSync(join(HERE, app, 'dist'), { recursive: true, force: true });
  // Output only on failure (the error carries it): webpack warns about the wasm's size.
  execFileSync(command, args, { cwd: join(HERE, app), stdio: 'pipe' });
}

/** What each setup's page fetched, gzipped (printed for docs/BENCHMARKS.md). */
const sizes = {};
after(() => {
  for (const [name, size] of Object.entries(sizes)) {
    console.log(`# size ${name}: JS ${size.js} B (${size.jsFiles} files, ${size.jsRaw} B raw) + wasm ${size.wasm} B gzipped`);
  }
});

describe('bundlers', () => {

  test('Vite dev server', async () => {
    const { createServer } = await import('vite');
    const root = viteRoot();
    const server = await createServer({
      root,
      configFile: join(root, 'vite.config.js'),
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0 },
    });
    await server.listen();
    try {
      await screensTheForm(server.resolvedUrls.local[0]);
    } finally {
      await server.close();
    }
  });

  test('Vite build + preview', async () => {
    const { build, preview } = await import('vite');
    const root = viteRoot();
    await build({ root, configFile: join(root, 'vite.config.js'), logLevel: 'error' });
    checkOutput(join(root, 'dist'));
    const server = await preview({
      root,
      configFile: join(root, 'vite.config.js'),
      logLevel: 'error',
      preview: { host: '127.0.0.1', port: 0 },
    });
    try {
      sizes.vite = await screensTheForm(server.resolvedUrls.local[0]);
    } finally {
      await server.close();
    }
  });

  // webpack's default output is a classic script, not an ES module.
  for (const [app, command, args, script] of [
    ['webpack', join(BIN, 'webpack'), ['--config', 'webpack.config.js'], '<script defer src="./main.js"></script>'],
    ['esbuild', process.execPath, ['build.js'], PAGE_SCRIPT],
    ['rollup', join(BIN, 'rollup'), ['-c', '--silent'], PAGE_SCRIPT],
  ]) {
    test(app, async () => {
      run(app, command, args);
      const out = join(HERE, app, 'dist');
      checkOutput(out);
      const server = await serveBuilt(out, script);
      try {
        sizes[app] = await screensTheForm(server.url);
      } finally {
        server.close();
      }
    });
  }
});

/** A page on one origin that imports the installed package from `cdn` (another origin). */
async function servePageUsing(cdn) {
  const dir = mkdtempSync(join(tmpdir(), 'prescreen-cdn-page-'));
  writeFileSync(
    join(dir, 'index.html'),
    PAGE.replace(
      PAGE_SCRIPT,
      `<script type="module">
  import { guard } from '${cdn.url}pkg/index.js';
  const form = document.querySelector('form');
  form.addEventListener('prescreen:failed', (event) => { window.loadError = event.detail.error; });
  guard(form, { filter: '/filter.psf', policy: { pdq: 'block' } });
</script>`,
    ),
  );
  return serveStatic(dir, { files: { '/filter.psf': filter } });
}

describe('the package on another origin (a CDN)', () => {
  test('screens the form: the worker starts through a same-origin shim', async () => {
    const cdn = await serveStatic(PACKAGE, { cors: true });
    const site = await servePageUsing(cdn);
    try {
      assert.notEqual(new URL(cdn.url).origin, new URL(site.url).origin);
      sizes['no bundler (from a CDN)'] = await screensTheForm(site.url);
    } finally {
      site.close();
      cdn.close();
    }
  });

  test('a CDN without the worker: a string error code, and the form is closed', async () => {
    const cdn = await serveStatic(PACKAGE, { cors: true, missing: ['/pkg/worker.js'] });
    const site = await servePageUsing(cdn);
    try {
      const { kept, value } = await pickBoth(site.url, () => window.loadError);
      assert.equal(value?.code, 'worker-unavailable');
      assert.match(value.message, /worker/);
      assert.deepEqual(kept, []);
    } finally {
      site.close();
      cdn.close();
    }
  });
});

test('prescreen/node from the tarball screens files with the same wasm', async () => {
  // Resolved the way a Node backend's `import 'prescreen/node'` is: through
  // the installed package's exports.
  const node = await import(import.meta.resolve('prescreen/node'));
  assert.equal(fileURLToPath(import.meta.resolve('prescreen/node')), join(PACKAGE, 'pkg/node.js'));
  const screener = await node.createScreener({ filter, policy: { pdq: 'block' } });
  const listed = await screener.screenFile(LISTED);
  const unlisted = await screener.screenFile(UNLISTED);
  assert.equal(listed.verdict, 'block');
  assert.equal(listed.allowed, false);
  assert.equal(unlisted.allowed, true);
});
