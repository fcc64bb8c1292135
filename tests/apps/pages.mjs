// Shared plumbing for the app tests: a real `prescreen serve` as the upload
// endpoint, a page filter that lists the listed test image while the server
// screens with its demo filter (which lists neither image, so whatever
// leaves the page is stored and `/api/uploads` shows exactly what did), and
// a built app served on the server's origin through Playwright routes.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, buildFilter, launchBrowser, startServer, testImages, sha256 } from '../e2e/harness.mjs';

export { launchBrowser, sha256 };

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');

/** Installs the packed tarball (`make npm-pack`) into the apps, as a web developer would. */
export function installPackage() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'www/package.json'), 'utf8'));
  const tarball = join(TARGET, 'npm', `prescreen-${version}.tgz`);
  if (!existsSync(tarball)) throw new Error(`${tarball} missing: run make npm-pack`);
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: HERE, stdio: 'pipe' });
}

const image = testImages();
/** The test image the page's filter lists, and two it does not. */
export const LISTED = image('listed.jpg');
export const UNLISTED = image('unlisted.jpg');
export const OTHER = image('many-00.jpg');

/** Starts the server and builds the page's filter: `{ server, pageFilter, uploads(), stop() }`. */
export async function startBackend() {
  const pageFilter = readFileSync(buildFilter([LISTED]));
  const server = await startServer([]);
  /** `{ name, size, sha256 }` of every file the server has stored, in order. */
  const uploads = async () =>
    (await (await fetch(new URL('api/uploads', server.url))).json()).map(({ name, size, sha256 }) => ({ name, size, sha256 }));
  return { server, pageFilter, uploads, stop: () => server.stop() };
}

/** What the server's record of `path` is when it arrived byte for byte. */
export const arrived = (path, name = path.split('/').pop()) => ({ name, size: statSync(path).size, sha256: sha256(path) });

/** Serves the files of `dir` under `base` (a URL ending in /) on the page's context. */
export async function serveDir(context, base, dir) {
  await context.route(`${base}**`, async (route) => {
    const path = new URL(route.request().url()).pathname.slice(new URL(base).pathname.length) || 'index.html';
    const file = join(dir, path);
    if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ path: file });
  });
}

/** Serves `bytes` as the page's filter after `ms`; a status other than 200 serves an error. */
export const filterRoute = (bytes, { ms = 0, status = 200 } = {}) => async (route) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (status !== 200) return route.fulfill({ status, body: 'unavailable' });
  return route.fulfill({ body: bytes, contentType: 'application/octet-stream' });
};
