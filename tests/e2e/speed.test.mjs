// End-to-end, issue 5 (speed) in headless Chromium against a real
// `prescreen serve`: the fast decode mode against the native CLI, only the
// digests the filter needs (WebCrypto or wasm, checked against Node's
// crypto), the worker pool, and the browser decoder (AVIF; what Chromium's
// EXIF orientation does to the hash). Run: node --test tests/e2e/ (make test-e2e).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BIN, buildFilter, launchBrowser, openWithInputs, startServer, testImages } from './harness.mjs';

const image = testImages();
const LISTED = image('listed.jpg');
const UNLISTED = image('unlisted.jpg');
const BIG = image('photo-12mp.jpg');
const ORIENTED = image('oriented-6.jpg');
const DISPLAYED = image('oriented-6-displayed.png');
const AVIF = image('unlisted.avif');
const LISTED_AVIF = image('listed-recoded.avif');
const MANY = Array.from({ length: 19 }, (_, i) => image(`many-${String(i).padStart(2, '0')}.jpg`));

/** `prescreen hash --json` of one file (the native oracle). */
function nativeHash(path, ...flags) {
  return JSON.parse(execFileSync(BIN, ['hash', '--json', ...flags, path], { encoding: 'utf8' }));
}

function bitsApart(a, b) {
  let bits = 0;
  for (let i = 0; i < a.length; i += 8) {
    let x = parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16);
    for (; x; x &= x - 1) bits += 1;
  }
  return bits;
}

let server;
let browser;

before(async () => {
  server = await startServer(['--filter', buildFilter([LISTED])]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** The demo page in a fresh context, with `paths` loaded into a hidden input `#files`. */
async function openPage(paths = []) {
  const context = await browser.newContext();
  const page = await openWithInputs(context, server.url, ['files']);
  if (paths.length > 0) await page.setInputFiles('#files', paths);
  return { context, page };
}

/** Screens every file of `#files` with a screener made from `options` (filter: /filter.psf unless given). */
function screenAll(page, options) {
  return page.evaluate(async (options) => {
    const { createScreener } = await import('/pkg/index.js');
    const filter = options.filter ? new Uint8Array(options.filter) : '/filter.psf';
    const screener = await createScreener({ ...options, filter });
    const results = [];
    for (const file of document.querySelector('#files').files) results.push(await screener.screen(file));
    screener.close();
    return results;
  }, options);
}

describe('issue 5 in the browser', { timeout: 240_000 }, () => {
  test('decode "exact" gives the native hash bit for bit, the default "fast" the native --fast hash', async () => {
    const { context, page } = await openPage([BIG]);
    const [fast] = await screenAll(page, {});
    const [exact] = await screenAll(page, { decode: 'exact' });
    const [inline] = await screenAll(page, { worker: false });
    const native = nativeHash(BIG);
    const nativeFast = nativeHash(BIG, '--fast');
    assert.equal(nativeFast.reduction, 4, 'the 12 MP JPEG takes the 1/4 path');
    assert.equal(exact.hashes.pdq, native.pdq);
    assert.equal(fast.hashes.pdq, nativeFast.pdq);
    assert.equal(inline.hashes.pdq, nativeFast.pdq, 'the same on the page\'s thread (worker: false)');
    assert.equal(inline.hashes.sha256, fast.hashes.sha256);
    assert.ok(bitsApart(fast.hashes.pdq, exact.hashes.pdq) <= 6, 'fast stays within a few bits of exact');
    // Both report the size the file declares, not the reduced decode's.
    assert.deepEqual([fast.width, fast.height, exact.width, exact.height], [4000, 3000, 4000, 3000]);
    await assert.rejects(screenAll(page, { decode: 'quick' }), /decode must be one of fast, exact/);
    await context.close();
  });

  test('only the digests the filter has sections for are computed, and they equal Node\'s', async () => {
    const { context, page } = await openPage([UNLISTED, LISTED]);
    const bytes = readFileSync(UNLISTED);
    const node = (kind) => createHash(kind).update(bytes).digest('hex');
    const [all] = await screenAll(page, {});
    assert.deepEqual([all.hashes.md5, all.hashes.sha1, all.hashes.sha256], [node('md5'), node('sha1'), node('sha256')]);

    const sha256Only = [...readFileSync(buildFilter([LISTED], { kinds: ['pdq', 'sha256'] }))];
    const [some, listed] = await screenAll(page, { filter: sha256Only });
    assert.equal(some.hashes.sha256, node('sha256'));
    assert.equal(some.hashes.md5, undefined);
    assert.equal(some.hashes.sha1, undefined);
    assert.equal(listed.verdict, 'block');
    assert.deepEqual(listed.reasons[0], { kind: 'digest', digest: 'sha256' });

    // Without a PDQ section nothing is decoded: the MD5 alone decides.
    const md5Only = [...readFileSync(buildFilter([LISTED], { kinds: ['md5'] }))];
    const [digestOnly, blocked] = await screenAll(page, { filter: md5Only });
    assert.deepEqual([digestOnly.hashes, digestOnly.verdict], [{ md5: node('md5') }, 'allow']);
    assert.equal(blocked.verdict, 'block');
    await context.close();
  });

  test('the worker pool: 20 files at once, results in pick order, the same as one worker', async () => {
    const { context, page } = await openPage();
    const twenty = [...MANY.slice(0, 10), LISTED, ...MANY.slice(10)];
    await page.evaluate(() => {
      globalThis.__order = [];
      document.querySelector('#file-input').addEventListener('prescreen:result', (e) => __order.push(e.detail.file.name));
    });
    await page.setInputFiles('#file-input', twenty);
    await page.waitForFunction(() => ['done', 'removed'].includes(document.querySelector('#file-input').dataset.prescreen), null, { timeout: 120_000 });
    const pool = await page.evaluate(async () => ({
      order: __order,
      instances: (await import('/pkg/testing.js')).testHooks(prescreenDemo.screener).instances,
      expected: Math.min(4, navigator.hardwareConcurrency),
      cards: [...document.querySelectorAll('[data-testid="result"]')].map((c) => [c.dataset.filename, c.dataset.verdict]),
    }));
    assert.deepEqual(pool.order, twenty.map((p) => basename(p)), 'results are reported in pick order');
    assert.equal(pool.instances, pool.expected, 'one worker per core (at most 4)');
    assert.deepEqual(pool.cards, twenty.map((p) => [basename(p), p === LISTED ? 'block' : 'allow']));

    await page.setInputFiles('#files', twenty);
    const [byPool, byOne] = await page.evaluate(async () => {
      const { createScreener } = await import('/pkg/index.js');
      const files = [...document.querySelector('#files').files];
      const run = async (workers) => {
        const screener = await createScreener({ filter: '/filter.psf', workers });
        const results = await Promise.all(files.map((f) => screener.screen(f)));
        screener.close();
        return results.map((r) => [r.name, r.verdict, r.hashes.pdq, r.hashes.sha256]);
      };
      return [await run(undefined), await run(1)];
    });
    assert.deepEqual(byPool, byOne);
    await context.close();
  });

  test('a large file\'s MD5 comes from a second worker while the first decodes', async () => {
    const { context, page } = await openPage([BIG]);
    const outcome = await page.evaluate(async () => {
      const { createScreener } = await import('/pkg/index.js');
      const { testHooks } = await import('/pkg/testing.js');
      const screener = await createScreener({ filter: '/filter.psf' });
      const hooks = testHooks(screener);
      const before = hooks.instances;
      const file = document.querySelector('#files').files[0];
      const result = await screener.screen(file);
      const after = hooks.instances;
      hooks.failNextHelp();
      const unhelped = await screener.screen(file);
      screener.close();
      return {
        before,
        after,
        cores: navigator.hardwareConcurrency,
        md5: result.hashes.md5,
        sha1: result.hashes.sha1,
        verdict: result.verdict,
        unhelped: [unhelped.hashes.md5, unhelped.verdict, unhelped.error ?? null],
      };
    });
    const bytes = readFileSync(BIG);
    assert.equal(outcome.md5, createHash('md5').update(bytes).digest('hex'));
    // When the helper fails, the screening worker computes the MD5 itself.
    assert.deepEqual(outcome.unhelped, [outcome.md5, 'allow', null]);
    assert.equal(outcome.sha1, createHash('sha1').update(bytes).digest('hex'));
    assert.equal(outcome.verdict, 'allow');
    assert.equal(outcome.before, 1);
    assert.equal(outcome.after, Math.min(2, outcome.cores), 'one file, and a helper where there is a second core');
    await context.close();
  });

  test('decoder "browser" screens an AVIF our wasm cannot decode', async () => {
    const { context, page } = await openPage([AVIF, LISTED_AVIF]);
    const [wasmAvif] = await screenAll(page, {});
    assert.equal(wasmAvif.verdict, 'unscreenable');
    assert.equal(wasmAvif.reasons.at(-1).code, 'unsupported-format');
    const [avif, listedAvif] = await screenAll(page, { decoder: 'browser' });
    assert.equal(avif.verdict, 'allow');
    assert.equal(avif.hashes.pdq.length, 64);
    assert.deepEqual([avif.width, avif.height], [640, 480]);
    assert.equal(avif.hashes.sha256, createHash('sha256').update(readFileSync(AVIF)).digest('hex'));
    assert.equal(listedAvif.verdict, 'flag', 'an AVIF recompression of a listed JPEG is a PDQ near-match');
    await context.close();
  });

  test('EXIF orientation: Chromium applies it even with imageOrientation "none"', async () => {
    const { context, page } = await openPage([ORIENTED]);
    const sizes = await page.evaluate(async () => {
      const file = document.querySelector('#files').files[0];
      const size = async (options) => {
        const bitmap = await createImageBitmap(file, options);
        const wh = [bitmap.width, bitmap.height];
        bitmap.close();
        return wh;
      };
      return { none: await size({ imageOrientation: 'none' }), fromImage: await size({ imageOrientation: 'from-image' }) };
    });
    // The file is 640x480 with orientation 6 (turn 90 degrees clockwise to display).
    assert.equal(nativeHash(ORIENTED).orientation, 6);
    assert.deepEqual(sizes, { none: [480, 640], fromImage: [480, 640] });

    const [browserDecoded] = await screenAll(page, { decoder: 'browser' });
    const [wasmDecoded] = await screenAll(page, {});
    // Our decoder ignores EXIF, like the reference: the file's pixels as stored.
    assert.equal(wasmDecoded.hashes.pdq, nativeHash(ORIENTED).pdq);
    // The browser's pixels are the photo as displayed (Pillow's exif_transpose, natively hashed).
    assert.deepEqual([browserDecoded.width, browserDecoded.height], [480, 640]);
    const displayed = nativeHash(DISPLAYED).pdq;
    assert.ok(bitsApart(browserDecoded.hashes.pdq, displayed) <= 2, `${bitsApart(browserDecoded.hashes.pdq, displayed)} bits from the displayed image`);
    assert.ok(bitsApart(browserDecoded.hashes.pdq, wasmDecoded.hashes.pdq) > 31, 'no match against the stored orientation without dihedral variants');
    // A dihedral filter listing the stored pixels' hash still catches it, as a turned variant.
    const storedListed = [...readFileSync(buildFilter([ORIENTED], { kinds: ['pdq'] }))];
    const [caught] = await screenAll(page, { decoder: 'browser', filter: storedListed });
    assert.equal(caught.verdict, 'flag');
    assert.match(caught.reasons[0].turn, /^rotate(90|270)$/);
    await context.close();
  });
});
