// Browser benchmark (make bench-browser), one run in headless Chromium:
//   1. sizes of what a page downloads;
//   2. per image (12 MP and 40 MP JPEGs, a 1600x1004 JPEG, a PNG screenshot;
//      benches/make_images.py makes them): screen() in the worker pool with
//      the default settings (fast decode), the exact path, Chromium's own
//      createImageBitmap(blob) full decode, and the native CLI on the same
//      files (`prescreen hash` exact and --fast), medians of BENCH_RUNS (5);
//   3. the main thread's longest task while 20 photos are screened (attach),
//      and the pool against one worker;
//   4. WebCrypto SHA-1/SHA-256 against our wasm digests, 100 KB to 100 MB.
// Prints Markdown for docs/BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, ROOT, buildFilter, launchBrowser, openWithInputs, startServer } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const kb = (n) => `${(n / 1000).toFixed(1)} KB`; // KB = 1000 bytes, as the budget counts
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const loadAtStart = load();

// 1. Sizes of what a page downloads: every JS module, and one of the two
// wasm builds (simd.js picks the simd128 one where the engine has SIMD).
const pkg = join(ROOT, 'www/pkg');
const shipped = readdirSync(pkg).filter((f) => f.endsWith('.js') || f.endsWith('.wasm')).sort();
const sizes = Object.fromEntries(shipped.map((file) => {
  const bytes = readFileSync(join(pkg, file));
  return [file, { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length }];
}));
console.log('### Size of what a page downloads\n\n| file | raw | gzip -9 |\n|---|---|---|');
for (const file of shipped) console.log(`| ${file} | ${kb(sizes[file].raw)} | ${kb(sizes[file].gz)} |`);
const js = shipped.filter((f) => f.endsWith('.js')).reduce((t, f) => ({ raw: t.raw + sizes[f].raw, gz: t.gz + sizes[f].gz }), { raw: 0, gz: 0 });
for (const wasm of shipped.filter((f) => f.endsWith('.wasm'))) {
  console.log(`| **total with ${wasm}** | **${kb(js.raw + sizes[wasm].raw)}** | **${kb(js.gz + sizes[wasm].gz)}** |`);
}
console.log('');

// 2. The images.
const IMAGES = join(ROOT, process.env.CARGO_TARGET_DIR ? process.env.CARGO_TARGET_DIR : 'target', 'bench-images');
if (!existsSync(join(IMAGES, 'png-screenshot-1920x1080.png'))) {
  execFileSync('python3', [join(ROOT, 'benches/make_images.py'), IMAGES], { stdio: 'inherit' });
}
const files = ['jpeg-12mp-4000x3000.jpg', 'jpeg-1600x1004.jpg', 'png-screenshot-1920x1080.png', 'jpeg-40mp-7296x5472.jpg'].map((f) => join(IMAGES, f));
const photos = readdirSync(join(IMAGES, 'folder-12mp')).sort().map((f) => join(IMAGES, 'folder-12mp', f));

// The filter: MD5, SHA-1, SHA-256 and PDQ (dihedral, radius 8) of the demo
// images, built with `prescreen build` as a list owner would.
const demoImages = readdirSync(join(ROOT, 'www/demo/images')).filter((f) => f.startsWith('listed')).map((f) => join(ROOT, 'www/demo/images', f));
const filterPath = buildFilter(demoImages);
const server = await startServer(['--filter', filterPath]);

/** The CLI on one file, RUNS times (after a warm-up), one process each, one thread: median wall ms. */
function native(args) {
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const run = spawnSync(BIN, args, { env: { ...process.env, RAYON_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const t1 = process.hrtime.bigint();
    if (run.status !== 0 && !(args[0] === 'check' && run.status === 1)) throw new Error(`prescreen ${args[0]} exited with ${run.status}`);
    if (i > 0) times.push(Number(t1 - t0) / 1e6);
  }
  return median(times);
}

/** The screening loop, in the page: every file, every mode, interleaved. */
async function screenInPage(runs) {
  const { createScreener } = await import('/pkg/index.js');
  const fast = await createScreener({ filter: '/filter.psf' });
  const exact = await createScreener({ filter: '/filter.psf', decode: 'exact' });
  const browser = await createScreener({ filter: '/filter.psf', decoder: 'browser' });
  const out = [];
  for (const file of document.querySelector('#bench').files) {
    const row = { name: file.name, size: file.size, fast: [], exact: [], browser: [], bitmap: [], fastIn: [], exactIn: [] };
    // The four measurements rotate their order from run to run, so none
    // always follows the heavy one (the browser decoder's full-size pixels).
    const steps = [
      ['fast', () => fast.screen(file)],
      ['exact', () => exact.screen(file)],
      ['bitmap', async () => (await createImageBitmap(file)).close()],
      ['browser', () => browser.screen(file)],
    ];
    for (let i = 0; i <= runs; i++) {
      const got = {};
      for (let k = 0; k < steps.length; k++) {
        const [name, step] = steps[(i + k) % steps.length];
        const t0 = performance.now();
        got[name] = await step();
        got[`${name}Ms`] = performance.now() - t0;
      }
      const { fast: f, exact: e, browser: b } = got;
      if (i === 0) {
        Object.assign(row, { width: f.width, height: f.height, verdict: f.verdict, pdqFast: f.hashes.pdq, pdqExact: e.hashes.pdq, pdqBrowser: b.hashes.pdq });
        continue;
      }
      for (const name of ['fast', 'exact', 'bitmap', 'browser']) row[name].push(got[`${name}Ms`]);
      row.fastIn.push(f.timings);
      row.exactIn.push(e.timings);
    }
    out.push(row);
  }
  for (const s of [fast, exact, browser]) s.close();
  return out;
}

/** 20 photos through attach() with the long-task observer on; then the pool vs one worker. */
async function twentyInPage() {
  const { createScreener } = await import('/pkg/index.js');
  const tasks = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  const input = document.querySelector('#twenty');
  const pool = await createScreener({ filter: '/filter.psf' });
  const one = await createScreener({ filter: '/filter.psf', workers: 1 });
  const files = [...input.files];
  // Warm both (the pool grows to its size on the first batch).
  await Promise.all(files.slice(0, 4).map((f) => pool.screen(f)));
  await one.screen(files[0]);
  tasks.length = 0;
  const t0 = performance.now();
  const attached = pool.attach(input);
  input.dispatchEvent(new Event('change'));
  await attached.settled();
  const attachMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  observer.disconnect();
  attached.detach();
  // Then the pool against one worker, alternating, three rounds each.
  const poolMs = [];
  const oneMs = [];
  for (let round = 0; round < 3; round++) {
    for (const [screener, times] of [[pool, poolMs], [one, oneMs]]) {
      const t1 = performance.now();
      await Promise.all(files.map((f) => screener.screen(f)));
      times.push(performance.now() - t1);
    }
  }
  const workers = (await import('/pkg/testing.js')).testHooks(pool).instances;
  pool.close();
  one.close();
  return { longest: Math.max(0, ...tasks), count: tasks.length, attachMs, poolMs, oneMs, workers, cores: navigator.hardwareConcurrency };
}

/** WebCrypto against wasm digests, whole buffer in memory, on the page's thread. */
async function digestsInPage({ sizes, runs }) {
  const wasm = await import('/pkg/glue/prescreen_wasm.js');
  await wasm.default({ module_or_path: '/pkg/prescreen_wasm_bg.wasm' });
  const CHUNK = 4 << 20;
  const out = [];
  for (const size of sizes) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
    const row = { size };
    for (const kind of ['md5', 'sha1', 'sha256']) {
      const wasmMs = [];
      const webMs = [];
      for (let r = 0; r <= runs; r++) {
        const t0 = performance.now();
        const d = new wasm.Digester([kind]);
        for (let o = 0; o < size; o += CHUNK) d.update(bytes.subarray(o, Math.min(size, o + CHUNK)));
        d.finish().free();
        d.free();
        const t1 = performance.now();
        if (kind !== 'md5') await crypto.subtle.digest(kind === 'sha1' ? 'SHA-1' : 'SHA-256', bytes);
        const t2 = performance.now();
        if (r > 0) {
          wasmMs.push(t1 - t0);
          webMs.push(t2 - t1);
        }
      }
      row[kind] = { wasm: wasmMs, web: webMs };
    }
    out.push(row);
  }
  return out;
}

const browser = await launchBrowser();
try {
  const page = await openWithInputs(browser, server.url, ['bench', 'twenty']);
  await page.setInputFiles('#bench', files);
  const rows = await page.evaluate(screenInPage, RUNS);
  const loadAfterBrowser = load();

  const distance = (a, b) => {
    if (!a || !b) return '—';
    let bits = 0;
    for (let i = 0; i < 64; i++) bits += [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4][parseInt(a[i], 16) ^ parseInt(b[i], 16)];
    return String(bits);
  };
  const nativeTimes = files.map((f) => ({
    hash: native(['hash', '--json', f]),
    hashFast: native(['hash', '--json', '--fast', f]),
    check: native(['check', '--json', filterPath, f]),
    checkFast: native(['check', '--json', '--fast', filterPath, f]),
  }));

  console.log(`### Screening time per image (median of ${RUNS})\n`);
  console.log('| image | screen() default (fast) | exact path | createImageBitmap(blob) | decoder: "browser" | native `hash` | native `hash --fast` | native `check` | native `check --fast` | screen / createImageBitmap | fast / exact | wasm / native, exact | wasm / native, fast | PDQ bits fast vs exact |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const parts = [];
  for (const [i, r] of rows.entries()) {
    const [f, e, b, br] = [median(r.fast), median(r.exact), median(r.bitmap), median(r.browser)];
    const n = nativeTimes[i];
    console.log(
      `| ${r.name} (${r.width}x${r.height}, ${mb(r.size)}) | ${ms(f)} | ${ms(e)} | ${ms(b)} | ${ms(br)} | ${ms(n.hash)} | ${ms(n.hashFast)} | ${ms(n.check)} | ${ms(n.checkFast)} ` +
        `| ${ratio(f, b)} | ${ratio(f, e)} | ${ratio(e, n.check)} | ${ratio(f, n.checkFast)} | ${distance(r.pdqFast, r.pdqExact)} |`,
    );
    const part = (list, key) => median(list.map((t) => t[key]));
    parts.push(
      `| ${r.name} | ${ms(part(r.fastIn, 'read'))} | ${ms(part(r.fastIn, 'digest'))} | ${ms(part(r.fastIn, 'decode'))} | ${ms(part(r.fastIn, 'hash'))} | ${ms(part(r.fastIn, 'total'))} ` +
        `| ${ms(part(r.exactIn, 'decode'))} | ${ms(part(r.exactIn, 'hash'))} ` +
        `| ${distance(r.pdqBrowser, r.pdqExact)} |`,
    );
  }
  console.log(`\nInside the worker (medians): where the time goes. The rest of screen() is messages to and from the worker.\n`);
  console.log("| image | read | digests (here, or waiting for the second worker's) | decode (fast) | PDQ x8 + probe (fast) | in the worker (fast) | decode (exact) | PDQ x8 + probe (exact) | PDQ bits browser decoder vs exact |");
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const line of parts) console.log(line);

  // 3. Twenty photos at once.
  const twenty = Array.from({ length: 20 }, (_, i) => {
    const source = photos[i % photos.length];
    return { name: `photo-${String(i + 1).padStart(2, '0')}-${basename(source)}`, mimeType: 'image/jpeg', buffer: readFileSync(source) };
  });
  await page.setInputFiles('#twenty', twenty);
  const t = await page.evaluate(twentyInPage);
  console.log(`\n### 20 photos at once (12 MP JPEGs, attach(), default settings)\n`);
  console.log(`attach() with the pool (${t.workers} workers, hardwareConcurrency ${t.cores}): all 20 screened in ${ms(t.attachMs)}; ` +
    `main thread: longest task ${ms(t.longest)}, ${t.count} tasks over 50 ms (Long Tasks API).\n`);
  console.log('| screen() x 20 at once (median of 3, alternating) | all 20 | per photo |');
  console.log('|---|---|---|');
  console.log(`| pool of ${t.workers} | ${ms(median(t.poolMs))} | ${ms(median(t.poolMs) / 20)} |`);
  console.log(`| 1 worker | ${ms(median(t.oneMs))} | ${ms(median(t.oneMs) / 20)} |`);

  // 4. WebCrypto vs wasm digests.
  const sizes = [100 << 10, 1 << 20, 10 << 20, 100 << 20];
  const digests = await page.evaluate(digestsInPage, { sizes, runs: RUNS });
  console.log(`\n### Digests: WebCrypto vs our wasm (whole buffer in memory, median of ${RUNS})\n`);
  console.log('| size | MD5 wasm | SHA-1 wasm | SHA-1 WebCrypto | SHA-256 wasm | SHA-256 WebCrypto |');
  console.log('|---|---|---|---|---|---|');
  for (const d of digests) {
    console.log(
      `| ${d.size >= 1 << 20 ? mb(d.size) : kb(d.size)} | ${ms(median(d.md5.wasm))} | ${ms(median(d.sha1.wasm))} | ${ms(median(d.sha1.web))} ` +
        `| ${ms(median(d.sha256.wasm))} | ${ms(median(d.sha256.web))} |`,
    );
  }

  const chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(
    `\n${chromium}; ${cpus()[0].model}, ${cpus().length} cores; load average (1, 5, 15 min) ${loadAtStart} at the start, ` +
      `${loadAfterBrowser} after the per-image runs, ${load()} at the end. Native: \`prescreen hash --json [--fast] FILE\` (digests, decode, one PDQ) ` +
      `and \`prescreen check --json [--fast] FILTER FILE\` (the same work as screen(): the filter's digests, decode, eight turned PDQ variants, probe), ` +
      `one process per run (start-up included), RAYON_NUM_THREADS=1; wasm / native compares screen() with \`check\`. Filter: MD5, SHA-1, SHA-256 and PDQ (dihedral, radius 8) of the demo's listed images, built with \`prescreen build\`.`,
  );
  writeFileSync(join(mkdtempSync(join(tmpdir(), 'prescreen-bench-')), 'rows.json'), JSON.stringify({ rows, nativeTimes, t, digests }));
} finally {
  await browser.close();
  server.stop();
}
