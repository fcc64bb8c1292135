// End-to-end: the embed from README.md, exactly as printed there, never
// lets a listed file leave the page, whatever loads when or fails: a slow
// filter, a slow package, a wasm 404, a refused worker, a failing filter,
// a closed screener, a form whose every file was removed. The page gets a
// filter listing the listed image, while the server screens with its demo
// filter, which does not list it: whatever the page sends is stored, so
// `/api/uploads` shows exactly which files left the page.
// Run: node --test tests/e2e/ (make test-e2e).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildFilter, launchBrowser, startServer, testImages, sha256 } from './harness.mjs';

const image = testImages();
const LISTED = image('listed.jpg');
const UNLISTED = image('unlisted.jpg');
const BIG = image('photo-12mp.jpg');

/** The README's embed: its first ```html block. */
const EMBED = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = readme.match(/```html\n([\s\S]*?)```/);
  assert.ok(match, 'README.md has an html block');
  return `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${match[1]}</body></html>`;
})();

let server;
let browser;
let pageFilter;

before(async () => {
  pageFilter = readFileSync(buildFilter([LISTED]));
  server = await startServer([]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** SHA-256 of every file the server stored, in order. */
const stored = async () => (await (await fetch(new URL('api/uploads', server.url))).json()).map((u) => u.sha256);
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Serves the page's filter (listing the listed image), after `ms`. */
const filterAfter = (ms) => async (route) => {
  await delay(ms);
  await route.fulfill({ body: pageFilter, contentType: 'application/octet-stream' });
};

/**
 * The README embed on the server's origin in a fresh context; `setup(page)`
 * runs first and may replace the filter route. `sent()` lists the SHA-256
 * of every file stored since the page opened.
 */
async function openEmbed(setup) {
  const before = (await stored()).length;
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  const page = await context.newPage();
  await page.route(`${server.url}embed.html`, (route) => route.fulfill({ body: EMBED, contentType: 'text/html' }));
  await page.route('**/filter.psf', filterAfter(0));
  await setup?.(page);
  await page.goto(`${server.url}embed.html`, { waitUntil: 'commit' });
  await page.waitForSelector('input[type=file]', { state: 'attached' });
  const sent = async () => (await stored()).slice(before);
  return { context, page, requests, sent };
}

/** Waits until the guard has enabled the embed's fieldset. */
const guarded = (page) => page.waitForSelector('fieldset[data-prescreen]:not([disabled])');
const fileCount = (page) => page.$eval('input[type=file]', (input) => input.files.length);
const fileNames = (page) => page.$eval('input[type=file]', (input) => [...input.files].map((f) => f.name));
const statusText = (page) => page.$eval('[role=status]', (el) => el.textContent);
const delayed = (ms) => async (route) => {
  await delay(ms);
  await route.continue();
};

describe('the README embed fails closed', { timeout: 180_000 }, () => {
  test('a file picked and submitted while the filter downloads is screened first', async () => {
    const { context, page, requests, sent } = await openEmbed((p) => p.route('**/filter.psf', filterAfter(2500)));
    await guarded(page);
    await page.setInputFiles('input[type=file]', [LISTED, UNLISTED]);
    const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 60_000 });
    await page.click('button');
    await posted;
    assert.deepEqual(await sent(), [sha256(UNLISTED)], 'only the unlisted file left the page');
    assert.equal(requests.filter((r) => r.method === 'POST').length, 1);
    await context.close();
  });

  test('a file put in the input while the package loads is screened once it is ready', async () => {
    const { context, page, requests, sent } = await openEmbed((p) => p.route('**/pkg/index.js', delayed(2500)));
    // Until the guard exists the controls are disabled: nothing can be submitted.
    assert.equal(await page.$eval('fieldset[data-prescreen]', (f) => f.disabled), true);
    await page.setInputFiles('input[type=file]', [LISTED, UNLISTED]);
    await page.click('button', { force: true, timeout: 2000 }).catch(() => {});
    await page.focus('input[type=file]').catch(() => {});
    await page.keyboard.press('Enter');
    await guarded(page);
    await page.waitForFunction(() => document.querySelector('input[type=file]').dataset.prescreen === 'removed', null, { timeout: 60_000 });
    assert.deepEqual(await fileNames(page), ['unlisted.jpg'], 'the listed file found in the input was removed');
    assert.match(await statusText(page), /listed\.jpg: removed, it matches a known file/);
    assert.deepEqual(requests.filter((r) => r.method === 'POST'), [], 'nothing was posted while loading');
    const posted = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click('button');
    await posted;
    assert.deepEqual(await sent(), [sha256(UNLISTED)]);
    await context.close();
  });

  for (const [name, setup, code] of [
    ['the wasm answers 404', (p) => p.route('**/*.wasm', (r) => r.fulfill({ status: 404, body: 'not found' })), 'wasm-unavailable'],
    ['the worker script answers 404', (p) => p.route(/\/pkg\/worker\.js$/, (r) => r.fulfill({ status: 404, body: 'not found' })), 'worker-unavailable'],
    [
      'the browser refuses to start a worker',
      (p) =>
        p.addInitScript(() => {
          globalThis.Worker = class {
            constructor() {
              throw new DOMException('workers are not allowed here', 'SecurityError');
            }
          };
        }),
      'worker-unavailable',
    ],
    ['the filter answers 500', (p) => p.route('**/filter.psf', (r) => r.fulfill({ status: 500, body: 'down' })), 'filter-unavailable'],
  ]) {
    test(`when ${name}, nothing is sent and the person is told (${code})`, async () => {
      const { context, page, requests, sent } = await openEmbed(setup);
      await guarded(page);
      await page.setInputFiles('input[type=file]', [LISTED, UNLISTED]);
      await page.waitForFunction(() => document.querySelector('input[type=file]').dataset.prescreen === 'removed', null, { timeout: 60_000 });
      assert.equal(await fileCount(page), 0, 'fail-closed removes every file');
      await page.click('button');
      await page.waitForFunction(() => /Nothing was sent/.test(document.querySelector('[role=status]').textContent));
      const status = await statusText(page);
      assert.match(status, new RegExp(`\\(${code}\\)`), status);
      // A submit with the files put back by script is refused as well.
      await page.setInputFiles('input[type=file]', [LISTED]);
      await page.$eval('form', (form) => form.submit());
      await delay(500);
      assert.deepEqual(requests.filter((r) => r.method === 'POST'), [], 'no POST left the page');
      assert.deepEqual(await sent(), []);
      await context.close();
    });
  }

  test('a submit after every file was removed sends no file part', async () => {
    const { context, page, sent } = await openEmbed();
    await guarded(page);
    await page.setInputFiles('input[type=file]', [LISTED]);
    await page.waitForFunction(() => document.querySelector('input[type=file]').dataset.prescreen === 'removed', null, { timeout: 60_000 });
    const posted = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click('button');
    await posted;
    // An empty file part would be stored as a 0-byte upload.
    assert.deepEqual(await sent(), [], 'nothing was stored');
    await context.close();
  });

  test('files set by script without a change event are screened before submitting', async () => {
    const { context, page, sent } = await openEmbed();
    await guarded(page); // from here on, only the submit can catch files that come without a change event
    const bytes = { listed: readFileSync(LISTED).toString('base64'), unlisted: readFileSync(UNLISTED).toString('base64') };
    await page.evaluate((b) => {
      const file = (b64, name) => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg' });
      const transfer = new DataTransfer();
      transfer.items.add(file(b.listed, 'listed.jpg'));
      transfer.items.add(file(b.unlisted, 'unlisted.jpg'));
      document.querySelector('input[type=file]').files = transfer.files; // no change event
    }, bytes);
    const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 60_000 });
    await page.click('button');
    await posted;
    assert.deepEqual(await sent(), [sha256(UNLISTED)]);
    await context.close();
  });
});

describe('screening that stops is never allowed', { timeout: 180_000 }, () => {
  /** The demo page (it exposes the screener as prescreenDemo.screener). */
  async function openDemo(query = '') {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route('**/filter.psf', filterAfter(0));
    await page.goto(`${server.url}?${query}`);
    await page.waitForSelector('body[data-ready="true"]');
    return { context, page };
  }

  const bigFile = async (page) => {
    const bytes = readFileSync(BIG).toString('base64');
    await page.evaluate((b64) => {
      globalThis.bigFile = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'big.jpg', { type: 'image/jpeg' });
    }, bytes);
  };

  test('close() with files pending: closed, not allowed, removed from the form', async () => {
    const { context, page } = await openDemo();
    await page.setInputFiles('#file-input', [BIG, UNLISTED]);
    await page.evaluate(() => prescreenDemo.screener.close());
    await page.waitForFunction(() => ['done', 'removed'].includes(document.querySelector('#file-input').dataset.prescreen), null, { timeout: 60_000 });
    const cards = await page.$$eval('[data-testid="result"]', (all) => all.map((c) => ({ verdict: c.dataset.verdict, allowed: c.dataset.allowed })));
    assert.ok(cards.length === 2);
    // A file may have finished before close(); one still pending must not be allowed.
    const pending = cards.filter((c) => c.verdict === 'unscreenable');
    assert.ok(pending.length >= 1, JSON.stringify(cards));
    for (const c of pending) assert.equal(c.allowed, 'false');
    const later = await page.evaluate(async () => {
      const r = await prescreenDemo.screener.screen(new File([new Uint8Array(10)], 'later.bin'));
      return { verdict: r.verdict, allowed: r.allowed, code: r.error?.code };
    });
    assert.deepEqual(later, { verdict: 'unscreenable', allowed: false, code: 'closed' });
    await context.close();
  });

  test('an aborted screen() settles at once as aborted and is not allowed', async () => {
    const { context, page } = await openDemo('filterFailure=fail-open');
    await bigFile(page);
    const outcome = await page.evaluate(async () => {
      const controller = new AbortController();
      const pending = prescreenDemo.screener.screen(bigFile, { signal: controller.signal });
      controller.abort();
      const r = await pending;
      return { verdict: r.verdict, allowed: r.allowed, code: r.error?.code };
    });
    assert.deepEqual(outcome, { verdict: 'unscreenable', allowed: false, code: 'aborted' });
    await context.close();
  });

  test('progress is reported per file with the pool; aborting the guard\'s signal removes what is being screened', async () => {
    const page = await (await browser.newContext()).newPage();
    const html = `<!doctype html><link rel="icon" href="data:,">
      <form action="/upload" method="post" enctype="multipart/form-data"><input type="file" name="file" multiple><button>Upload</button></form>
      <script type="module">
        import { guard } from '/pkg/index.js';
        globalThis.controller = new AbortController();
        globalThis.phases = {};
        globalThis.guarded = guard(document.querySelector('form'), {
          filter: '/filter.psf',
          signal: controller.signal,
          onProgress: (file, p) => (phases[file.name] ??= []).push(p.phase),
        });
      </script>`;
    await page.route(`${server.url}signal.html`, (route) => route.fulfill({ body: html, contentType: 'text/html' }));
    await page.route('**/filter.psf', filterAfter(0));
    await page.goto(`${server.url}signal.html`);
    await page.setInputFiles('input[type=file]', [UNLISTED, BIG]);
    await page.waitForFunction(() => document.querySelector('input[type=file]').dataset.prescreen === 'done', null, { timeout: 60_000 });
    const phases = await page.evaluate(() => phases);
    for (const name of ['unlisted.jpg', 'photo-12mp.jpg']) {
      assert.deepEqual(phases[name].filter((p) => p !== 'digest'), ['read', 'read', 'decode', 'hash'], name);
    }
    // Twenty files keep the two workers busy well past the abort: those not
    // screened by then are cancelled and removed, never let through.
    const many = [BIG, ...Array.from({ length: 19 }, (_, i) => image(`many-${String(i).padStart(2, '0')}.jpg`))];
    await page.setInputFiles('input[type=file]', many);
    await page.evaluate(() => controller.abort());
    await page.waitForFunction(() => document.querySelector('input[type=file]').dataset.prescreen === 'removed', null, { timeout: 60_000 });
    const cancelled = (await statusText(page)).match(/removed, checking was cancelled/g) ?? [];
    assert.ok(cancelled.length >= 1, await statusText(page));
    assert.equal(await fileCount(page), many.length - cancelled.length);
    // Once aborted, a later pick is cancelled at once.
    await page.setInputFiles('input[type=file]', [UNLISTED]);
    await page.waitForFunction(() => document.querySelector('input[type=file]').dataset.prescreen === 'removed', null, { timeout: 60_000 });
    assert.equal(await fileCount(page), 0);
    assert.match(await statusText(page), /unlisted\.jpg: removed, checking was cancelled/);
    await page.context().close();
  });

  test('a file over the timeout fails with timeout and is not allowed', async () => {
    const { context, page } = await openDemo('timeout=5');
    await bigFile(page);
    const outcome = await page.evaluate(async () => {
      const r = await prescreenDemo.screener.screen(bigFile);
      return { verdict: r.verdict, allowed: r.allowed, code: r.error?.code };
    });
    assert.deepEqual(outcome, { verdict: 'unscreenable', allowed: false, code: 'timeout' });
    await context.close();
  });
});
