// Damaged copies of listed images (tests/damaged/, made by its generate.py):
// never stored as clean by `POST /upload` of a real `prescreen serve`, and
// removed by the demo page in headless Chromium, none reaching the server. Run after `make wasm-pkg cli`:
//   node --test tests/e2e/damaged.test.mjs
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildFilter, launchBrowser, startServer } from './harness.mjs';
import { damagedCopies } from '../damaged/chromium.mjs';

const DIR = join(ROOT, 'tests/damaged');
const LISTED = ['listed.jpg', 'listed-progressive.jpg', 'listed.png', 'listed.gif', 'listed.webp'].map((n) => join(DIR, n));
/** The copies whose PDQ hash still matches at the default radius (tests/damaged.rs says why the rest do not). */
const MATCHED = ['jpeg-no-eoi.jpg', 'jpeg-cut-1pct.jpg', 'jpeg-progressive-cut-10pct.jpg', 'png-no-iend.png', 'png-bad-crc.png'];
const COPIES = damagedCopies();

let filter;
let browser;

before(async () => {
  filter = buildFilter(LISTED);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** POSTs one file as the form would (multipart, field `file`). */
async function upload(server, name) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(DIR, name))]), name);
  const reply = await fetch(new URL('upload', server.url), { method: 'POST', body: form });
  return { status: reply.status, body: await reply.json() };
}

async function stored(server) {
  return (await fetch(new URL('api/uploads', server.url))).json();
}

describe('damaged copies at the server', { timeout: 120_000 }, () => {
  test('with --pdq-block: matched copies get 451, the rest are stored flagged, none clean', async () => {
    assert.equal(COPIES.length, 9);
    const server = await startServer(['--filter', filter, '--pdq-block']);
    try {
      for (const name of COPIES) {
        const { status, body } = await upload(server, name);
        const [file] = body.files;
        if (MATCHED.includes(name)) {
          assert.equal(status, 451, name);
          assert.equal(body.stored, false, name);
          assert.equal(file.verdict, 'block', name);
        } else {
          assert.equal(status, 200, name);
          assert.deepEqual([file.verdict, file.action, file.flagged], ['unscreenable', 'flag', true], name);
        }
        if (!name.startsWith('webp')) assert.ok(file.damaged, `${name}: decoded as damaged`);
      }
      const list = await stored(server);
      assert.deepEqual(list.map((u) => u.name).sort(), COPIES.filter((n) => !MATCHED.includes(n)).sort());
      assert.ok(list.every((u) => u.flagged && u.action === 'flag'), JSON.stringify(list));
    } finally {
      server.stop();
    }
  });

  test('with --unscreenable block: every damaged copy gets 451 and nothing is stored', async () => {
    const server = await startServer(['--filter', filter, '--pdq-block', '--unscreenable', 'block']);
    try {
      for (const name of COPIES) {
        const { status, body } = await upload(server, name);
        assert.equal(status, 451, name);
        assert.equal(body.stored, false, name);
      }
      assert.deepEqual(await stored(server), []);
    } finally {
      server.stop();
    }
  });
});

describe('damaged copies in the demo page', { timeout: 300_000 }, () => {
  test('each is removed, and none leaves the page', async () => {
    // The page gets the filter listing the originals; the server screens with
    // its demo filter, which does not, so it stores whatever the page sends.
    const server = await startServer([]);
    const pageFilter = readFileSync(filter);
    try {
      for (const name of COPIES) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.route('**/filter.psf', (route) => route.fulfill({ body: pageFilter, contentType: 'application/octet-stream' }));
        await page.goto(`${server.url}?pdq=block&unscreenable=block`);
        await page.waitForSelector('body[data-ready="true"]');
        await page.setInputFiles('#file-input', join(DIR, name));
        await page.waitForFunction(() => {
          const card = document.querySelector('[data-testid="result"]');
          return card && card.dataset.verdict !== 'pending';
        }, null, { timeout: 60_000 });
        const verdict = await page.$eval('[data-testid="result"]', (c) => [c.dataset.verdict, c.dataset.allowed]);
        const expected = MATCHED.includes(name) ? 'block' : 'unscreenable';
        assert.deepEqual(verdict, [expected, 'false'], name);
        await page.waitForFunction(() => document.querySelector('#file-input').files.length === 0);
        await page.click('#submit');
        await page.waitForSelector('#upload-status[data-state]');
        await context.close();
      }
      assert.deepEqual(await stored(server), [], 'nothing reached the server, not even an empty file part');
    } finally {
      server.stop();
    }
  });
});
