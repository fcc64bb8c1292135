// Shared plumbing for the browser end-to-end tests and the browser benchmark:
// test images, a filter built with `prescreen build`, a real `prescreen serve`
// on 127.0.0.1 (free port), and Debian's chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
export const BIN = join(TARGET, 'release', 'prescreen');

/** The generated test images (scripts/gen_images.py test), made once per target dir. */
export function testImages() {
  const dir = join(TARGET, 'e2e-images');
  if (!existsSync(join(dir, 'reshared-screenshot.png'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('python3', [join(ROOT, 'scripts/gen_images.py'), 'test', dir], { stdio: 'inherit' });
  }
  return (name) => join(dir, name);
}

export function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Builds a filter listing `listed` (exact digests and PDQ) with the CLI:
 * `prescreen hash --json` for the hashes, then `prescreen build`.
 * With `signKey`, the filter is signed (`prescreen keygen` makes the key);
 * `kinds` chooses the sections (all four by default).
 */
export function buildFilter(listed, { radius, signKey, kinds = ['pdq', 'md5', 'sha1', 'sha256'] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'prescreen-e2e-'));
  const rows = execFileSync(BIN, ['hash', '--json', ...listed], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const lists = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (const row of rows) for (const kind of Object.keys(lists)) lists[kind].push(row[kind]);
  const args = ['build', '-o', join(dir, 'filter.psf')];
  for (const [kind, values] of Object.entries(lists)) {
    writeFileSync(join(dir, `${kind}.txt`), values.join('\n') + '\n');
    args.push(`--${kind}`, join(dir, `${kind}.txt`));
  }
  if (radius != null) args.push('--radius', String(radius));
  if (signKey) args.push('--sign-key', signKey);
  execFileSync(BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(dir, 'filter.psf');
}

/**
 * The page at `url` in a new tab of `context` (a browser or a browser
 * context), once the package is ready, with a hidden file input (multiple)
 * for each of `ids`.
 */
export async function openWithInputs(context, url, ids) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate((ids) => {
    for (const id of ids) document.body.append(Object.assign(document.createElement('input'), { type: 'file', id, multiple: true }));
  }, ids);
  return page;
}

/** A fresh Ed25519 key pair from `prescreen keygen`: `{ keyFile, publicKey }` (hex). */
export function keygen() {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'prescreen-key-')), 'signing.key');
  const publicKey = execFileSync(BIN, ['keygen', '-o', keyFile], { encoding: 'utf8' }).trim();
  return { keyFile, publicKey };
}

/**
 * Starts `prescreen serve` on a free port with a fresh data folder (unless
 * `args` name one); resolves to `{ url, stop() }`.
 */
export function startServer(args = []) {
  const data = args.includes('--data') ? [] : ['--data', mkdtempSync(join(tmpdir(), 'prescreen-data-'))];
  const child = spawn(BIN, ['serve', '--addr', '127.0.0.1:0', '--www', join(ROOT, 'www'), ...data, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveServer, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`prescreen serve exited with ${code}: ${out}`)));
    child.stdout.on('data', (data) => {
      out += data;
      const match = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        child.removeAllListeners('exit');
        resolveServer({ url: match[1], stop: () => child.kill() });
      }
    });
  });
}

/** Debian's chromium, headless, with the flags that keep it off the network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
