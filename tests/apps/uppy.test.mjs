// The prescreen Uppy plugin in a real Uppy 6 page (Dashboard + XHRUpload,
// bundled by esbuild) in headless Chromium, uploading to a real
// `prescreen serve`: a listed file never reaches the server and the
// Dashboard says why, an unlisted one arrives byte for byte, whatever the
// path to the upload (the upload button, autoProceed before the filter has
// loaded, a file removed while the upload waits, files added before the
// plugin, a retry after the bytes were replaced, a bundled upload) and when
// the filter fails to load.
// Run: node --test tests/apps/ (make test-apps; needs make npm-pack cli).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUppyPage } from './uppy/build.mjs';
import { LISTED, OTHER, UNLISTED, arrived, filterRoute, installPackage, launchBrowser, serveDir, startBackend } from './pages.mjs';

const PACKAGE_VERSION = JSON.parse(readFileSync(new URL('../../www/package.json', import.meta.url), 'utf8')).version;

let backend;
let browser;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prescreen-uppy-'));
  installPackage();
  [backend, browser] = await Promise.all([startBackend(), launchBrowser(), buildUppyPage(dir)]);
});

after(async () => {
  await browser?.close();
  backend?.stop();
});

/**
 * Opens the Uppy page (`query` picks its variation) in a fresh context,
 * with the page's filter served as `filter` says. `sent()` lists what the
 * server stored since; `posts` counts the POSTs that left the page.
 */
async function openUppy(query = '', filter = {}) {
  const before = (await backend.uploads()).length;
  const context = await browser.newContext();
  const posts = [];
  context.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
  await serveDir(context, `${backend.server.url}uppy/`, dir);
  await context.route('**/filter.psf', filterRoute(backend.pageFilter, filter));
  const page = await context.newPage();
  await page.goto(`${backend.server.url}uppy/index.html${query}`);
  await page.waitForFunction(() => globalThis.uppy);
  const sent = async () => (await backend.uploads()).slice(before);
  return { context, page, posts, sent };
}

/** Picks files with the Dashboard's own file input. */
const pick = (page, paths) => page.setInputFiles('.uppy-Dashboard-input >> nth=0', paths);
/** Names of the files in Uppy. */
const names = (page) => page.evaluate(() => uppy.getFiles().map((f) => f.name));
/** What the Dashboard's Informer shows. */
const informer = (page) => page.$$eval('.uppy-Informer [role=alert]', (all) => all.map((p) => p.textContent.trim()));
/** Waits until the Dashboard's Informer shows a message matching `pattern`. */
const told = (page, pattern) =>
  page.waitForFunction(
    (source) => [...document.querySelectorAll('.uppy-Informer [role=alert]')].some((p) => new RegExp(source).test(p.textContent)),
    pattern.source,
    { timeout: 30_000 },
  );
/**
 * Adds files by script, as an app or another plugin would (`uppy.addFile`);
 * with `upload`, calls `uppy.upload()` in the same task and resolves to the
 * names it reports successful.
 */
const addByScript = (page, paths, { upload = false } = {}) =>
  page.evaluate(
    async ({ files, upload }) => {
      for (const { name, b64 } of files) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        uppy.addFile({ name, type: 'image/jpeg', data: new File([bytes], name, { type: 'image/jpeg' }) });
      }
      if (upload) return (await uppy.upload()).successful.map((f) => f.name);
    },
    { files: paths.map((path) => ({ name: path.split('/').pop(), b64: readFileSync(path).toString('base64') })), upload },
  );

describe('the Uppy plugin', { timeout: 120_000 }, () => {
  test('a listed file is removed with the reason in the Dashboard; an unlisted one arrives byte for byte', async () => {
    const { context, page, posts, sent } = await openUppy();
    await pick(page, [LISTED, UNLISTED]);
    await told(page, /listed\.jpg: removed, it matches a known file/);
    assert.deepEqual(await names(page), ['unlisted.jpg']);
    await page.click('.uppy-StatusBar-actionBtn--upload');
    await page.waitForSelector('.uppy-StatusBar.is-complete', { timeout: 30_000 });
    assert.deepEqual(await sent(), [arrived(UNLISTED)]);
    assert.equal(posts.length, 1);
    // Uppy logs the plugin's VERSION; it is the package's.
    assert.equal(await page.evaluate(() => uppy.getPlugin('Prescreen').VERSION), PACKAGE_VERSION);
    await context.close();
  });

  test('autoProceed with files added while the filter is still loading: the upload waits for their verdicts', async () => {
    const { context, page, posts, sent } = await openUppy('?autoProceed', { ms: 2500 });
    const complete = page.evaluate(() => new Promise((resolve) => uppy.once('complete', (r) => resolve(r.successful.map((f) => f.name)))));
    await pick(page, [LISTED, UNLISTED]);
    assert.deepEqual(await complete, ['unlisted.jpg']);
    assert.deepEqual(await sent(), [arrived(UNLISTED)]);
    assert.equal(posts.length, 1);
    assert.ok((await informer(page)).some((m) => /listed\.jpg: removed, it matches a known file/.test(m)));
    await context.close();
  });

  test('when the filter cannot load, nothing is uploaded and the Dashboard says why', async () => {
    const { context, page, posts, sent } = await openUppy('', { status: 500 });
    await told(page, /Files cannot be checked right now \(filter-unavailable\): nothing will be uploaded/);
    await pick(page, [LISTED, UNLISTED]);
    await told(page, /unlisted\.jpg: removed, files cannot be checked right now \(filter-unavailable\)/);
    assert.deepEqual(await names(page), []);
    // Files added by script and uploaded in the same task are held and removed as well.
    assert.deepEqual(await addByScript(page, [UNLISTED], { upload: true }), []);
    assert.deepEqual(await names(page), []);
    assert.deepEqual(posts, []);
    assert.deepEqual(await sent(), []);
    await context.close();
  });

  test('a file removed while its upload waits for verdicts is not sent; the rest is', async () => {
    const { context, page, posts, sent } = await openUppy('', { ms: 2500 });
    await pick(page, [LISTED, UNLISTED, OTHER]);
    const successful = await page.evaluate(async () => {
      const upload = uppy.upload();
      await new Promise((resolve) => setTimeout(resolve, 200));
      uppy.removeFile(uppy.getFiles().find((f) => f.name === 'many-00.jpg').id);
      return (await upload).successful.map((f) => f.name);
    });
    assert.deepEqual(successful, ['unlisted.jpg']);
    assert.deepEqual(await sent(), [arrived(UNLISTED)]);
    assert.equal(posts.length, 1);
    await context.close();
  });

  test('files added before the plugin is installed are screened before they upload', async () => {
    const { context, page, sent } = await openUppy('?later');
    await addByScript(page, [LISTED, UNLISTED]);
    const result = await page.evaluate(async () => {
      uppy.use(PrescreenPlugin, { filter: '/filter.psf', policy: { pdq: 'block' } });
      const r = await uppy.upload();
      return r.successful.map((f) => f.name);
    });
    assert.deepEqual(result, ['unlisted.jpg']);
    assert.deepEqual(await sent(), [arrived(UNLISTED)]);
    await context.close();
  });

  test('a retry after the bytes were replaced screens the new bytes', async () => {
    const { context, page, sent } = await openUppy();
    // The first upload (and XHRUpload's own retries) fails at the server, leaving the file in error.
    let failing = true;
    await context.route('**/upload', (route) => (failing ? route.fulfill({ status: 500, body: 'try again' }) : route.continue()));
    await pick(page, [UNLISTED]);
    await page.evaluate(() => uppy.upload());
    assert.equal(await page.evaluate(() => Boolean(uppy.getFiles()[0].error)), true);
    failing = false;
    const listed = readFileSync(LISTED).toString('base64');
    const retried = await page.evaluate(async (b64) => {
      const [file] = uppy.getFiles();
      uppy.setFileState(file.id, { data: new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'unlisted.jpg', { type: 'image/jpeg' }) });
      const r = await uppy.retryAll();
      return { successful: r.successful.length, left: uppy.getFiles().length };
    }, listed);
    assert.deepEqual(retried, { successful: 0, left: 0 });
    await told(page, /unlisted\.jpg: removed, it matches a known file/);
    assert.deepEqual(await sent(), [], 'the listed bytes never left the page');
    await context.close();
  });

  test('a bundled upload started before the verdicts is stopped whole, then sent without the listed file', async () => {
    const { context, page, posts, sent } = await openUppy('?bundle', { ms: 2500 });
    await pick(page, [LISTED, UNLISTED]);
    const first = await page.evaluate(() => uppy.upload().then(() => 'sent', (err) => err.message));
    assert.match(first, /nothing was sent/);
    assert.deepEqual(posts, []);
    await page.waitForFunction(() => uppy.getFiles().length === 1);
    assert.deepEqual(await names(page), ['unlisted.jpg']);
    await page.evaluate(() => uppy.upload());
    assert.deepEqual(await sent(), [arrived(UNLISTED)]);
    assert.equal(posts.length, 1);
    await context.close();
  });
});
