// End-to-end: the demo page in headless Chromium against a real
// `prescreen serve` with a filter built by `prescreen build` (issue 4,
// "How it must be checked", scenarios 1-9, plus worker crash recovery and
// filter revalidation). Run: node --test tests/e2e/ (make test-e2e).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { buildFilter, keygen, launchBrowser, startServer, testImages, sha256 } from './harness.mjs';

const image = testImages();
const LISTED = image('listed.jpg');
const EDITED = image('listed-edited.jpg');
const UNLISTED = image('unlisted.jpg');
const CORRUPT = image('corrupt.jpg');
const BIG = image('photo-12mp.jpg');
const MANY = Array.from({ length: 19 }, (_, i) => image(`many-${String(i).padStart(2, '0')}.jpg`));

let server;
let browser;

before(async () => {
  const filter = buildFilter([LISTED]);
  server = await startServer(['--filter', filter]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function uploads() {
  return (await fetch(new URL('api/uploads', server.url))).json();
}

/** A fresh context (empty Cache API) on the demo page; every request is logged. */
async function openDemo(query = '', { beforeLoad } = {}) {
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await beforeLoad?.(page);
  await page.goto(`${server.url}?${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  return { context, page, requests, errors };
}

/** Picks `paths` in the form and waits until every card has a verdict. */
async function pick(page, paths) {
  await page.setInputFiles('#file-input', paths);
  await page.waitForFunction(
    (n) => {
      const cards = [...document.querySelectorAll('[data-testid="result"]')];
      return cards.length === n && cards.every((c) => c.dataset.verdict !== 'pending');
    },
    paths.length,
    { timeout: 60_000 },
  );
  await page.waitForFunction(() => ['done', 'removed'].includes(document.querySelector('#file-input').dataset.prescreen));
  return page.$$eval('[data-testid="result"]', (cards) =>
    cards.map((c) => ({ name: c.dataset.filename, verdict: c.dataset.verdict, allowed: c.dataset.allowed === 'true' })),
  );
}

async function submit(page) {
  await page.$eval('#upload-status', (el) => delete el.dataset.state);
  await page.click('#submit');
  await page.waitForSelector('#upload-status[data-state]');
  return page.$eval('#upload-status', (el) => el.dataset.state);
}

const inputCount = (page) => page.$eval('#file-input', (input) => input.files.length);
const posts = (requests) => requests.filter((r) => r.method === 'POST');

describe('demo page against prescreen serve', { timeout: 180_000 }, () => {
  test('1. a listed image is blocked and the server receives nothing', async () => {
    const before = await uploads();
    const { context, page, requests } = await openDemo();
    assert.deepEqual(await pick(page, [LISTED]), [{ name: 'listed.jpg', verdict: 'block', allowed: false }]);
    assert.equal(await inputCount(page), 0, 'the blocked file is removed from the input');
    assert.equal(await submit(page), 'empty');
    assert.deepEqual(posts(requests), [], 'no POST left the page');
    assert.deepEqual(await uploads(), before);
    await context.close();
  });

  test('2. a recompressed, resized, mirrored copy is flagged, or blocked with pdq: block', async () => {
    const flagged = await openDemo();
    assert.deepEqual(await pick(flagged.page, [EDITED]), [{ name: 'listed-edited.jpg', verdict: 'flag', allowed: true }]);
    await flagged.context.close();
    const blocked = await openDemo('pdq=block');
    assert.deepEqual(await pick(blocked.page, [EDITED]), [{ name: 'listed-edited.jpg', verdict: 'block', allowed: false }]);
    assert.equal(await inputCount(blocked.page), 0);
    await blocked.context.close();
  });

  test('3. an unlisted image is uploaded and arrives byte-identical', async () => {
    const { context, page } = await openDemo();
    assert.deepEqual(await pick(page, [UNLISTED]), [{ name: 'unlisted.jpg', verdict: 'allow', allowed: true }]);
    assert.equal(await submit(page), 'uploaded');
    const stored = (await uploads()).filter((u) => u.name === 'unlisted.jpg');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].sha256, sha256(UNLISTED));
    assert.equal(stored[0].size, readFileSync(UNLISTED).length);
    await context.close();
  });

  test('4. a corrupt file is unscreenable and treated as the policy says', async () => {
    const open = await openDemo('unscreenable=allow');
    assert.deepEqual(await pick(open.page, [CORRUPT]), [{ name: 'corrupt.jpg', verdict: 'unscreenable', allowed: true }]);
    assert.equal(await inputCount(open.page), 1);
    await open.context.close();
    const closed = await openDemo('unscreenable=block');
    assert.deepEqual(await pick(closed.page, [CORRUPT]), [{ name: 'corrupt.jpg', verdict: 'unscreenable', allowed: false }]);
    assert.equal(await inputCount(closed.page), 0);
    await closed.context.close();
  });

  test('5. a tampered filter and a wrong public key are refused; fail-closed refuses to submit', async () => {
    const tamper = async (page) =>
      page.route('**/filter.psf', async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        body[body.length >> 1] ^= 0x40;
        await route.fulfill({ response, body });
      });
    const tampered = await openDemo('filterFailure=fail-closed', { beforeLoad: tamper });
    assert.equal(await tampered.page.$eval('#filter-status', (el) => el.dataset.state), 'failed');
    assert.equal(await tampered.page.evaluate(() => prescreenDemo.screener.loadError.code), 'filter-checksum');
    assert.deepEqual(await pick(tampered.page, [UNLISTED]), [{ name: 'unlisted.jpg', verdict: 'unscreenable', allowed: false }]);
    assert.equal(await submit(tampered.page), 'refused');
    assert.deepEqual(posts(tampered.requests), []);
    await tampered.context.close();

    // The served filter is unsigned: a page that pins a key refuses it.
    const unsigned = await openDemo(`publicKey=${'ab'.repeat(32)}`);
    assert.equal(await unsigned.page.evaluate(() => prescreenDemo.screener.loadError?.code), 'filter-signature');
    assert.equal(await submit(unsigned.page), 'refused');
    await unsigned.context.close();

    // A filter signed by the list owner: accepted with their key, refused with another.
    const owner = keygen();
    const other = keygen();
    const signed = readFileSync(buildFilter([LISTED], { signKey: owner.keyFile }));
    const serveSigned = (page) => page.route('**/filter.psf', (route) => route.fulfill({ body: signed, contentType: 'application/octet-stream' }));
    const right = await openDemo(`publicKey=${owner.publicKey}`, { beforeLoad: serveSigned });
    assert.equal(await right.page.evaluate(() => prescreenDemo.screener.loadError), null);
    assert.deepEqual(await pick(right.page, [LISTED]), [{ name: 'listed.jpg', verdict: 'block', allowed: false }]);
    await right.context.close();
    const wrong = await openDemo(`publicKey=${other.publicKey}`, { beforeLoad: serveSigned });
    assert.equal(await wrong.page.evaluate(() => prescreenDemo.screener.loadError?.code), 'filter-signature');
    assert.deepEqual(await pick(wrong.page, [UNLISTED]), [{ name: 'unlisted.jpg', verdict: 'unscreenable', allowed: false }]);
    assert.equal(await submit(wrong.page), 'refused');
    assert.deepEqual(posts(wrong.requests), []);
    await wrong.context.close();

    const failOpen = await openDemo('filterFailure=fail-open', { beforeLoad: tamper });
    assert.deepEqual(await pick(failOpen.page, [UNLISTED]), [{ name: 'unlisted.jpg', verdict: 'unscreenable', allowed: true }]);
    await failOpen.context.close();
  });

  test('6. with the worker, no main-thread task over 200 ms while a 12 MP JPEG is screened', async () => {
    const { context, page } = await openDemo('', {
      beforeLoad: (p) =>
        p.addInitScript(() => {
          globalThis.__longTasks = [];
          new PerformanceObserver((list) => globalThis.__longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: 'longtask', buffered: true });
        }),
    });
    const start = await page.evaluate(() => performance.now());
    const [card] = await pick(page, [BIG]);
    assert.equal(card.verdict, 'allow');
    const timings = await page.evaluate(() => document.querySelector('[data-testid="result"] .timings').textContent);
    const longest = await page.evaluate((t0) => Math.max(0, ...globalThis.__longTasks.filter((t) => t.start >= t0).map((t) => t.duration)), start);
    assert.ok(longest <= 200, `a main-thread task took ${longest} ms (${timings})`);
    await context.close();
  });

  test('7. no request leaves the page other than the filter fetch and the upload', async () => {
    const { context, page, requests } = await openDemo();
    await pick(page, [LISTED, UNLISTED]);
    assert.equal(await submit(page), 'uploaded');
    const origin = new URL(server.url).origin;
    const dynamic = [];
    for (const { method, url } of requests) {
      if (url.startsWith('data:') || url.startsWith('blob:')) continue;
      const u = new URL(url);
      assert.equal(u.origin, origin, `request to another origin: ${url}`);
      const isStatic = method === 'GET' && (u.pathname === '/' || u.pathname.startsWith('/pkg/') || u.pathname.startsWith('/demo/'));
      if (!isStatic) dynamic.push(`${method} ${u.pathname}`);
    }
    assert.deepEqual(dynamic, ['GET /filter.psf', 'POST /upload']);
    await context.close();
  });

  test('8. pick, remove, pick again, and 20 files at once: no lost or duplicated results', async () => {
    const { context, page } = await openDemo();
    await pick(page, [UNLISTED]);
    await page.setInputFiles('#file-input', []);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="result"]').length === 0);
    assert.deepEqual(await pick(page, [LISTED]), [{ name: 'listed.jpg', verdict: 'block', allowed: false }]);
    assert.deepEqual(await pick(page, [UNLISTED]), [{ name: 'unlisted.jpg', verdict: 'allow', allowed: true }]);

    const twenty = [...MANY, LISTED];
    const cards = await pick(page, twenty);
    assert.deepEqual(
      cards.map((c) => c.name),
      twenty.map((p) => basename(p)),
    );
    for (const card of cards) assert.equal(card.verdict, card.name === 'listed.jpg' ? 'block' : 'allow', card.name);
    assert.equal(await inputCount(page), 19);
    const before = (await uploads()).length;
    assert.equal(await submit(page), 'uploaded');
    const arrived = (await uploads()).slice(before);
    assert.deepEqual(arrived.map((u) => u.sha256).sort(), MANY.map(sha256).sort());
    await context.close();
  });

  test('9. a direct multipart POST of a listed file is refused by the server', async () => {
    const before = await uploads();
    const form = new FormData();
    form.append('file', new Blob([readFileSync(UNLISTED)]), 'unlisted.jpg');
    form.append('file', new Blob([readFileSync(LISTED)]), 'renamed.jpg');
    const response = await fetch(new URL('upload', server.url), { method: 'POST', body: form });
    assert.equal(response.status, 451);
    const reply = await response.json();
    assert.deepEqual(reply.files.map((f) => f.verdict), ['allow', 'block']);
    assert.deepEqual(await uploads(), before, 'nothing of the refused request was stored');
  });

  test('a trap in the wasm instance fails that file with internal; the next file works', async () => {
    const { context, page } = await openDemo();
    const outcome = await page.evaluate(async () => {
      const screener = prescreenDemo.screener;
      const hooks = (await import('/pkg/testing.js')).testHooks(screener);
      const instances = hooks.instances;
      const trap = await hooks.trap().then(() => 'no trap', (e) => e.code);
      const bytes = await (await fetch('/demo/images/unlisted-1.jpg')).arrayBuffer();
      const next = await screener.screen(new File([bytes], 'after.jpg'));
      return { trap, replaced: hooks.instances - instances, verdict: next.verdict, error: next.error ?? null };
    });
    assert.deepEqual(outcome, { trap: 'internal', replaced: 1, verdict: 'allow', error: null });
    await context.close();
  });

  test('the filter is cached and revalidated with its ETag', async () => {
    const { context, page } = await openDemo();
    const statuses = [];
    page.on('response', (r) => r.url().endsWith('/filter.psf') && statuses.push(r.status()));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.deepEqual(statuses, [304]);
    assert.equal(await page.$eval('#filter-status', (el) => el.dataset.state), 'ready');
    await context.close();
  });
});
