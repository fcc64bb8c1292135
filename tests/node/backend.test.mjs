// prescreen/node: the browser package's wasm screening Buffers and files in
// Node, checked against the native CLI (`prescreen check --json`) and
// node:crypto; and its Express middleware re-checking real multipart
// uploads sent with fetch to a real Express server on 127.0.0.1.
// Run: node --test tests/node/ (make test-node; needs make wasm-pkg cli).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { BIN, ROOT, buildFilter, testImages } from '../e2e/harness.mjs';

const image = testImages();
const LISTED = image('listed.jpg');
const EDITED = image('listed-edited.jpg');
const UNLISTED = image('unlisted.jpg');
const CORRUPT = image('corrupt.jpg');
/** A cut copy of another picture (tests/damaged/): decoded as damaged, incomplete. */
const CUT = join(ROOT, 'tests/damaged/jpeg-cut-10pct.jpg');
const FILES = [LISTED, EDITED, UNLISTED, CORRUPT, CUT];

const node = await import(pathToFileURL(join(ROOT, 'www/pkg/node.js')).href);
let filter;
let screener;

before(async () => {
  filter = buildFilter([LISTED]);
  screener = await node.createScreener({ filter, policy: { pdq: 'block', unscreenable: 'block' } });
});

/** What the native CLI says of `paths` under the same filter and PDQ action. */
function cliVerdicts(paths) {
  let out;
  try {
    out = execFileSync(BIN, ['check', '--json', '--pdq-action', 'block', '--unscreenable', 'block', filter, ...paths], { encoding: 'utf8' });
  } catch (err) {
    out = err.stdout; // exit 1: something matched
  }
  return out.trim().split('\n').map((line) => JSON.parse(line));
}

/** A result without what only one surface adds (the page's name, size, timings, allowed, flagged; the CLI's path) and without error wording, which the browser build leaves out. */
function shape(result) {
  const { name, size, timings, allowed, flagged, path, ...rest } = result;
  void [name, size, timings, allowed, flagged, path];
  return { ...rest, reasons: rest.reasons.map(({ message, ...reason }) => (void message, reason)) };
}

describe('prescreen/node', () => {
  test('screens files and Buffers to the same result as the native CLI', async () => {
    const expected = cliVerdicts(FILES);
    for (const [i, path] of FILES.entries()) {
      const fromPath = await screener.screenFile(path);
      const fromBuffer = await screener.screen(readFileSync(path));
      for (const result of [fromPath, fromBuffer]) {
        assert.deepEqual(shape(result), shape(expected[i]), path);
        assert.equal(result.hashes.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
      }
      assert.equal(fromPath.allowed, expected[i].action === 'allow', path);
    }
    // Every kind of reason and a turned match came up, so the comparison covered them.
    const kinds = new Set(expected.flatMap((r) => r.reasons.map((reason) => reason.kind)));
    assert.deepEqual([...kinds].sort(), ['digest', 'incomplete', 'not-decoded', 'pdq']);
    assert.ok(expected.some((r) => r.damaged) && expected.some((r) => r.reasons.some((x) => x.kind === 'pdq' && x.turn !== 'original')));
  });

  test('the results match the TypeScript declarations (tsc --strict)', async () => {
    const results = await Promise.all(FILES.map((path) => screener.screenFile(path)));
    const cli = cliVerdicts(FILES);
    const dir = mkdtempSync(join(tmpdir(), 'prescreen-types-'));
    const declarations = join(ROOT, 'www/src/index.d.ts');
    const lines = [
      `import type { ScreenResult } from ${JSON.stringify(declarations.replace(/\.d\.ts$/, '.js'))};`,
      ...results.map((r, i) => `export const page${i} = ${JSON.stringify(r)} as const satisfies ScreenResult;`),
      ...cli.map((r, i) => `export const cli${i} = ${JSON.stringify(r)} as const satisfies Omit<ScreenResult, 'name' | 'size' | 'timings' | 'allowed' | 'flagged'> & { path: string };`),
    ];
    writeFileSync(join(dir, 'results.ts'), lines.join('\n') + '\n');
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    const args = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', '--types', '', join(dir, 'results.ts')];
    try {
      execFileSync(tsc, args, { encoding: 'utf8' });
    } catch (err) {
      assert.fail(`the results do not match index.d.ts:\n${err.stdout}`);
    }
  });

  test('a filter that fails to verify rejects createScreener with its code', async () => {
    const bytes = readFileSync(filter);
    bytes[bytes.length >> 1] ^= 0x40;
    await assert.rejects(node.createScreener({ filter: bytes }), (err) => err.code === 'filter-checksum');
  });
});

describe('prescreen/node Express middleware', () => {
  let server;
  let url;
  const received = [];

  before(async () => {
    const app = express();
    app.post('/upload', node.expressMiddleware({ screener, limit: 1 << 20 }), (req, res) => {
      received.push(...req.files.map((f) => ({ name: f.originalname, sha256: createHash('sha256').update(f.buffer).digest('hex') })));
      res.json({ stored: req.files.length, fields: req.body });
    });
    await new Promise((resolve) => {
      server = app.listen(0, '127.0.0.1', resolve);
    });
    url = `http://127.0.0.1:${server.address().port}/upload`;
  });

  after(() => server?.close());

  const post = (parts, fields = {}) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    for (const [path, name] of parts) form.append('file', new Blob([readFileSync(path)]), name);
    return fetch(url, { method: 'POST', body: form });
  };

  test('an unlisted upload reaches the route byte-identical, with the text fields', async () => {
    received.length = 0;
    const response = await post([[UNLISTED, 'holiday.jpg']], { caption: 'hi' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { stored: 1, fields: { caption: 'hi' } });
    assert.deepEqual(received, [{ name: 'holiday.jpg', sha256: createHash('sha256').update(readFileSync(UNLISTED)).digest('hex') }]);
  });

  test('a request with a listed or edited copy gets 451 and the route never runs', async () => {
    received.length = 0;
    const response = await post([[UNLISTED, 'a.jpg'], [EDITED, 'b.jpg']]);
    assert.equal(response.status, 451);
    const reply = await response.json();
    assert.deepEqual(reply.files.map((f) => [f.name, f.verdict, f.allowed]), [['a.jpg', 'allow', true], ['b.jpg', 'block', false]]);
    assert.deepEqual(received, []);
  });

  test('an empty, nameless file part is no upload; a body over the limit gets 413', async () => {
    received.length = 0;
    const form = new FormData();
    form.append('file', new Blob([]), '');
    const empty = await fetch(url, { method: 'POST', body: form });
    assert.equal(empty.status, 200);
    assert.equal((await empty.json()).stored, 0, 'an empty file input is not a stored file');
    const big = await post([[image('photo-12mp.jpg'), 'big.jpg']]);
    assert.equal(big.status, 413);
    assert.deepEqual(received, []);
  });
});
