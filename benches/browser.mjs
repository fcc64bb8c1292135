// Browser benchmark (make bench-browser): package sizes, and per-image
// screening time in headless Chromium (module worker, wasm decode + PDQ with
// dihedral variants + filter probe) next to the native CLI on the same files
// and next to Chromium's own createImageBitmap(blob) full decode, in one run.
// Prints Markdown tables for docs/BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, ROOT, launchBrowser, startServer, testImages } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// Sizes of what a page downloads.
const pkg = join(ROOT, 'www/pkg');
const shipped = readdirSync(pkg).filter((f) => f.endsWith('.js') || f.endsWith('.wasm')).sort();
let total = 0;
let totalGz = 0;
console.log('| file | raw | gzip -9 |\n|---|---|---|');
for (const file of shipped) {
  const bytes = readFileSync(join(pkg, file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += bytes.length;
  totalGz += gz;
  console.log(`| ${file} | ${kb(bytes.length)} | ${kb(gz)} |`);
}
console.log(`| **total** | **${kb(total)}** | **${kb(totalGz)}** |\n`);

// The photos PDQ's own benchmark uses (tests/conformance), else generated ones.
const conformance = (name) => join(ROOT, 'tests/conformance/images', name);
const image = testImages();
const files = existsSync(conformance('coffee-12mp-4000x3000.jpg'))
  ? [conformance('coffee-12mp-4000x3000.jpg'), conformance('hubble-1600x1004.jpg')]
  : [image('photo-12mp.jpg'), image('photo-1600x1004.jpg')];
const server = await startServer([]);
// The native CLI screens against the very filter the page fetches.
const filterPath = join(mkdtempSync(join(tmpdir(), 'prescreen-bench-')), 'filter.psf');
writeFileSync(filterPath, Buffer.from(await (await fetch(new URL('filter.psf', server.url))).arrayBuffer()));
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('input'), { type: 'file', id: 'bench', multiple: true })));
  await page.setInputFiles('#bench', files);
  const browserTimes = await page.evaluate(async (runs) => {
    const screener = globalThis.prescreenDemo.screener;
    const out = [];
    for (const file of document.querySelector('#bench').files) {
      const screen = [];
      const bitmap = [];
      let last;
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        last = await screener.screen(file);
        const t1 = performance.now();
        const bmp = await createImageBitmap(file);
        const t2 = performance.now();
        bmp.close();
        if (i > 0) {
          screen.push(t1 - t0);
          bitmap.push(t2 - t1);
        }
      }
      out.push({ name: file.name, size: file.size, width: last.width, height: last.height, verdict: last.verdict, screen, bitmap, inside: last.timings });
    }
    return out;
  }, RUNS);

  console.log(`| image | browser: screen() in worker (median of ${RUNS}) | of which decode + PDQ x8 + probe (last run) | native CLI, 1 thread | createImageBitmap(blob) |`);
  console.log('|---|---|---|---|---|');
  for (const [i, r] of browserTimes.entries()) {
    // `prescreen check` on the same file, RUNS times in one process, one thread.
    const args = ['check', '--json', filterPath, ...Array(RUNS).fill(files[i])];
    const t0 = process.hrtime.bigint();
    const run = spawnSync(BIN, args, { env: { ...process.env, RAYON_NUM_THREADS: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0 && run.status !== 1) throw new Error(`prescreen check exited with ${run.status}`);
    const nativeMs = Number(process.hrtime.bigint() - t0) / 1e6 / RUNS;
    console.log(
      `| ${r.name} (${r.width}x${r.height}, ${kb(r.size)}) | ${median(r.screen).toFixed(0)} ms | ${r.inside.screen.toFixed(0)} ms ` +
        `| ${nativeMs.toFixed(0)} ms | ${median(r.bitmap).toFixed(0)} ms |`,
    );
  }
  const chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(`\n${chromium}; ${cpus()[0].model}, ${cpus().length} cores; native = \`prescreen check --json\` with the same filter (digests, decode, 8 PDQ variants, probe), RAYON_NUM_THREADS=1, process start included once per ${RUNS} files; filter: the built-in demo filter.`);
} finally {
  await browser.close();
  server.stop();
}
