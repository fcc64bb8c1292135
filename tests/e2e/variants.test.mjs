// End-to-end: the extra preparations (band, frame, deskew and screenshot
// removal) give the same PDQ query in the browser's wasm as in the native
// CLI, bit for bit. For each re-shared copy (scripts/gen_images.py), the
// native `check --queries` names the hash its preparation queries; a filter
// at radius 0 lists that hash alone, so the page flags the copy only if its
// own preparation computed exactly the same hash, and allows it with the
// preparations off. Run: node --test tests/e2e/ (make test-e2e).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, buildFilter, launchBrowser, openWithInputs, startServer, testImages } from './harness.mjs';

const image = testImages();
const COPIES = [
  ['band', 'unbanded', image('reshared-band.png')],
  ['frame', 'unframed', image('reshared-frame.png')],
  ['deskew', 'deskewed', image('reshared-tilt.png')],
  ['screenshot', 'from-screenshot', image('reshared-screenshot.png')],
];

/** The PDQ queries native `check --json --queries` makes for `path` with its default preparations. */
function nativeQueries(path) {
  const filter = buildFilter([image('unlisted.jpg')]);
  const out = execFileSync(BIN, ['check', '--json', '--queries', filter, path], { encoding: 'utf8' });
  return JSON.parse(out).queries;
}

/** A filter listing one PDQ hash at radius 0 and nothing else. */
function exactPdqFilter(hex) {
  const dir = mkdtempSync(join(tmpdir(), 'prescreen-variants-'));
  writeFileSync(join(dir, 'pdq.txt'), `${hex}\n`);
  execFileSync(BIN, ['build', '-o', join(dir, 'filter.psf'), '--pdq', join(dir, 'pdq.txt'), '--radius', '0'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return [...readFileSync(join(dir, 'filter.psf'))];
}

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

describe('extra preparations in the browser', { timeout: 240_000 }, () => {
  for (const [name, preparation, path] of COPIES) {
    test(`${name}: the page queries the native CLI's ${preparation} hash, bit for bit`, async () => {
      const queries = nativeQueries(path);
      const prepared = queries.find((q) => q.preparation === preparation);
      assert.ok(prepared, `native check prepares ${preparation} for ${path}`);
      assert.ok(!queries.some((q) => q.preparation === 'as-is' && q.pdq === prepared.pdq), 'the copy as is does not query that hash');
      const filter = exactPdqFilter(prepared.pdq);

      const context = await browser.newContext();
      const page = await openWithInputs(context, server.url, ['files']);
      await page.setInputFiles('#files', path);
      const verdicts = await page.evaluate(async ({ filter, name }) => {
        const { createScreener } = await import('/pkg/index.js');
        const [file] = document.querySelector('#files').files;
        const out = {};
        for (const [setting, extraVariants] of [['default', undefined], ['alone', [name]], ['none', []]]) {
          for (const decode of ['exact', 'fast']) {
            const screener = await createScreener({ filter: new Uint8Array(filter), decode, extraVariants });
            const result = await screener.screen(file);
            out[`${setting} ${decode}`] = [result.verdict, result.reasons.map((r) => r.kind).join()];
            screener.close();
          }
        }
        return out;
      }, { filter, name });
      await context.close();
      // A PNG decodes the same way in both modes; only the preparation differs.
      for (const decode of ['exact', 'fast']) {
        assert.deepEqual(verdicts[`default ${decode}`], ['flag', 'pdq'], `default preparations, ${decode} decode`);
        assert.deepEqual(verdicts[`alone ${decode}`], ['flag', 'pdq'], `extraVariants ['${name}'], ${decode} decode`);
        assert.deepEqual(verdicts[`none ${decode}`], ['allow', ''], `extraVariants [], ${decode} decode`);
      }
    });
  }
});
