// The React example (tests/apps/react: a usePrescreen hook and a file list
// kept in state, uploaded with fetch), built with Vite 7 and driven in
// headless Chromium against a real `prescreen serve`: files picked while the
// filter is still loading wait for it, a listed file is refused and shown as
// such, an unlisted one is uploaded byte for byte; when the filter cannot
// load nothing can be uploaded.
// Run: node --test tests/apps/ (make test-apps; needs make npm-pack cli).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { LISTED, UNLISTED, arrived, filterRoute, installPackage, launchBrowser, serveDir, startBackend } from './pages.mjs';

let backend;
let browser;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prescreen-react-'));
  installPackage();
  const app = build({
    root: fileURLToPath(new URL('react/', import.meta.url)),
    base: '/react/',
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
  });
  [backend, browser] = await Promise.all([startBackend(), launchBrowser(), app]);
});

after(async () => {
  await browser?.close();
  backend?.stop();
});

/** Opens the app in a fresh context with the page's filter served as `filter` says. */
async function openApp(filter) {
  const before = (await backend.uploads()).length;
  const context = await browser.newContext();
  const posts = [];
  context.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
  await serveDir(context, `${backend.server.url}react/`, dir);
  await context.route('**/filter.psf', filterRoute(backend.pageFilter, filter));
  const page = await context.newPage();
  await page.goto(`${backend.server.url}react/`);
  await page.waitForSelector('input[type=file]');
  const sent = async () => (await backend.uploads()).slice(before);
  return { context, page, posts, sent };
}

const notes = (page) => page.$$eval('li', (all) => all.map((li) => li.textContent));

describe('the React example', { timeout: 120_000 }, () => {
  test('a listed file is refused and shown as such; an unlisted one is uploaded byte for byte', async () => {
    const { context, page, posts, sent } = await openApp({ ms: 1500 });
    // Picked while the filter is still loading: screened once it is there.
    await page.setInputFiles('input[type=file]', [LISTED, UNLISTED]);
    await page.waitForFunction(() => document.querySelectorAll('li').length === 2, null, { timeout: 30_000 });
    assert.deepEqual(await notes(page), ['listed.jpg: refused, it matches a known file', 'unlisted.jpg: ready to upload']);
    assert.equal(await page.textContent('button'), 'Upload 1 file');
    await page.click('button');
    await page.waitForSelector('[data-testid=sent]');
    assert.equal(await page.textContent('[data-testid=sent]'), '1 uploaded');
    assert.deepEqual(await sent(), [arrived(UNLISTED)]);
    assert.equal(posts.length, 1);
    await context.close();
  });

  test('when the filter cannot load, every file is refused and the button stays disabled', async () => {
    const { context, page, posts, sent } = await openApp({ status: 500 });
    await page.setInputFiles('input[type=file]', [LISTED, UNLISTED]);
    await page.waitForFunction(() => document.querySelectorAll('li').length === 2, null, { timeout: 30_000 });
    assert.deepEqual(await notes(page), [
      'listed.jpg: refused, it could not be checked (filter-unavailable)',
      'unlisted.jpg: refused, it could not be checked (filter-unavailable)',
    ]);
    assert.match(await page.textContent('[role=status]'), /cannot be checked right now \(filter-unavailable\)/);
    assert.equal(await page.isDisabled('button'), true);
    assert.deepEqual(posts, []);
    assert.deepEqual(await sent(), []);
    await context.close();
  });
});
