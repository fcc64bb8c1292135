// What the extra query preparations cost per file (make bench-variants): the
// settings of `extraVariants` (browser) and `--extra-variants` (CLI) on the
// same files, one run in headless Chromium and one process per native run:
//   - the typical files of benches/make_images.py (the 12 MP photos of
//     folder-12mp, the 1600x1004 JPEG, the PNG screenshot);
//   - a 1024x768 copy of one photo and copies of it that make each
//     preparation fire (eval/transforms.py makes them as the evaluation does).
// Browser: screen() with workers: 1, decode 'fast' and 'exact', median of
// BENCH_RUNS (5) after a warm-up. Native: CPU time of `prescreen check`,
// one thread. Prints Markdown for docs/BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { BIN, ROOT, buildFilter, launchBrowser, openWithInputs, startServer } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const loadAtStart = load();

const DEFAULTS = ['trim', 'resample', 'band', 'frame', 'deskew', 'screenshot'];
// `extraVariants: null` leaves the option out (the default); `cli` is what --extra-variants takes.
const SETTINGS = [
  { name: 'none', extraVariants: [], cli: ['--extra-variants', 'none'] },
  { name: 'trim,resample', extraVariants: ['trim', 'resample'], cli: ['--extra-variants', 'trim,resample'] },
  { name: 'default', extraVariants: null, cli: [] },
  { name: 'default + turned', extraVariants: [...DEFAULTS, 'turned'], cli: ['--extra-variants', [...DEFAULTS, 'turned'].join(',')] },
];
const COPIES = ['letterbox', 'thumb256', 'band-top12', 'frame-noise6', 'tilt7', 'phone-screenshot'];

const IMAGES = join(ROOT, process.env.CARGO_TARGET_DIR ? process.env.CARGO_TARGET_DIR : 'target', 'bench-images');
if (!existsSync(join(IMAGES, 'png-screenshot-1920x1080.png'))) {
  execFileSync('python3', [join(ROOT, 'benches/make_images.py'), IMAGES], { stdio: 'inherit' });
}
const photos = readdirSync(join(IMAGES, 'folder-12mp')).sort().map((f) => join(IMAGES, 'folder-12mp', f));
const typical = [...photos, join(IMAGES, 'jpeg-1600x1004.jpg'), join(IMAGES, 'png-screenshot-1920x1080.png')];

/** The master (a 1024x768 Lanczos copy of the first photo, the evaluation's upload size) and its edited copies, made once. */
function copies() {
  const dir = join(IMAGES, 'variant-copies');
  const paths = ['master', ...COPIES].map((name) => join(dir, `${name}.png`));
  if (!paths.every(existsSync)) {
    const script = [
      'import os, sys',
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'eval'))})`,
      'from PIL import Image',
      'import transforms',
      'source, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]',
      'os.makedirs(out, exist_ok=True)',
      'master = os.path.join(out, "master.png")',
      'Image.open(source).convert("RGB").resize((1024, 768), Image.LANCZOS).save(master)',
      'for name in names: transforms.apply(name, master, os.path.join(out, name + ".png"), "bench")',
    ].join('\n');
    execFileSync('python3', ['-c', script, photos[0], dir, ...COPIES], { stdio: 'inherit' });
  }
  return paths;
}
const edited = copies();

const demoImages = readdirSync(join(ROOT, 'www/demo/images')).filter((f) => f.startsWith('listed')).map((f) => join(ROOT, 'www/demo/images', f));
const filterPath = buildFilter(demoImages);
const server = await startServer(['--filter', filterPath]);

/** User + system CPU ms of one `prescreen` process (bash's `time`, from the child's rusage), one thread. */
function cpuMs(args) {
  const run = spawnSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; time "$@" > /dev/null', 'bash', BIN, ...args], {
    env: { ...process.env, RAYON_NUM_THREADS: '1' },
    encoding: 'utf8',
  });
  // `check` exits 1 when a file is flagged or unscreenable; anything else is a failure.
  if (run.status !== 0 && run.status !== 1) throw new Error(`prescreen ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  const [user, system] = run.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return (user + system) * 1000;
}

/** The order of the steps in run `i`: rotated by `i`, reversed on odd runs, so no step always follows the same one. */
function order(steps, i) {
  const rotated = steps.map((_, k) => steps[(i + k) % steps.length]);
  return i % 2 ? rotated.reverse() : rotated;
}

/** Native `check` CPU ms per file and setting (and `--fast` when asked): medians of RUNS after a warm-up, settings interleaved. */
function native(files, modes) {
  const steps = SETTINGS.flatMap((s) => modes.map((mode) => ({ key: `${s.name}|${mode}`, args: [...s.cli, ...(mode === 'fast' ? ['--fast'] : [])] })));
  return files.map((file) => {
    const times = Object.fromEntries(steps.map((s) => [s.key, []]));
    for (let i = 0; i <= RUNS; i++) {
      for (const step of order(steps, i)) {
        const t = cpuMs(['check', '--json', ...step.args, filterPath, file]);
        if (i > 0) times[step.key].push(t);
      }
    }
    return Object.fromEntries(steps.map((s) => [s.key, median(times[s.key])]));
  });
}

/** Which preparations fire on `file` (every one on, turned): the names `check --queries` gives besides `as-is`. */
function fired(file) {
  const run = spawnSync(BIN, ['check', '--json', '--queries', ...SETTINGS[3].cli, filterPath, file], { encoding: 'utf8' });
  const names = new Set(JSON.parse(run.stdout).queries.map((q) => q.preparation));
  names.delete('as-is');
  return [...names].join(', ') || '—';
}

/** In the page: one one-worker screener per setting and decode mode; screen() ms per file, every run after the warm-up, in the steps' `orders`. */
async function screenInPage({ id, settings, modes, orders }) {
  const { createScreener } = await import('/pkg/index.js');
  const steps = [];
  for (const s of settings) {
    for (const decode of modes) {
      const options = { filter: '/filter.psf', workers: 1, decode, ...(s.extraVariants ? { extraVariants: s.extraVariants } : {}) };
      steps.push({ key: `${s.name}|${decode}`, screener: await createScreener(options) });
    }
  }
  const out = [];
  for (const file of document.getElementById(id).files) {
    const times = Object.fromEntries(steps.map((s) => [s.key, []]));
    for (const [i, run] of orders.entries()) {
      for (const k of run) {
        const t0 = performance.now();
        const result = await steps[k].screener.screen(file);
        const t = performance.now() - t0;
        if (result.error) throw new Error(`${file.name}: ${result.error.code}`);
        if (i > 0) times[steps[k].key].push(t);
      }
    }
    out.push(times);
  }
  for (const s of steps) s.screener.close();
  return out;
}

/** The browser's medians of `files` (an input's id) in the decode `modes`, by `${setting}|${mode}`. */
async function browserMedians(page, id, modes) {
  const settings = SETTINGS.map(({ name, extraVariants }) => ({ name, extraVariants }));
  const indices = settings.flatMap(() => modes).map((_, k) => k);
  const orders = Array.from({ length: RUNS + 1 }, (_, i) => order(indices, i));
  const rows = await page.evaluate(screenInPage, { id, settings, modes, orders });
  return rows.map((times) => Object.fromEntries(Object.entries(times).map(([key, xs]) => [key, median(xs)])));
}

const browser = await launchBrowser();
try {
  const page = await openWithInputs(browser, server.url, ['typical', 'edited']);
  await page.setInputFiles('#typical', typical);
  await page.setInputFiles('#edited', edited);
  const pageTypical = await browserMedians(page, 'typical', ['fast', 'exact']);
  // The copies are too small for a reduced decode: fast and exact decode the same pixels.
  const pageEdited = await browserMedians(page, 'edited', ['fast']);
  const loadAfterBrowser = load();
  const nativeTypical = native(typical, ['exact', 'fast']);
  const nativeEdited = native(edited, ['exact']);
  const startup = median(Array.from({ length: RUNS }, () => cpuMs(['check', '--json', '--extra-variants', 'none', filterPath, join(ROOT, 'Makefile')])));

  const none = SETTINGS[0].name;
  console.log(`### Typical files: mean of the per-file medians over ${typical.length} files (median of ${RUNS})\n`);
  console.log('| extraVariants | screen() fast | vs none | screen() exact | vs none | native `check` CPU | vs none | native `check --fast` CPU | vs none |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const meanOf = (rows, key) => mean(rows.map((r) => r[key]));
  for (const s of SETTINGS) {
    const cells = [[pageTypical, 'fast'], [pageTypical, 'exact'], [nativeTypical, 'exact'], [nativeTypical, 'fast']].map(([rows, mode]) => {
      const x = meanOf(rows, `${s.name}|${mode}`);
      return `${ms(x)} | ${ratio(x, meanOf(rows, `${none}|${mode}`))}`;
    });
    console.log(`| ${s.name} | ${cells.join(' | ')} |`);
  }

  console.log(`\n### Per file, the small typical files and the edited copies: screen() fast (browser) and \`check\` CPU (native), median of ${RUNS}, ratio to none\n`);
  const names = SETTINGS.map((s) => s.name);
  console.log(`| file | fires (all on, turned) | ${names.map((n) => `browser ${n}`).join(' | ')} | ${names.map((n) => `native ${n}`).join(' | ')} |`);
  console.log(`|---|---|${names.map(() => '---|---|').join('')}`);
  const rows = [
    ...typical.slice(photos.length).map((file, i) => ({ file, page: pageTypical[photos.length + i], cpu: nativeTypical[photos.length + i] })),
    ...edited.map((file, i) => ({ file, page: pageEdited[i], cpu: nativeEdited[i] })),
  ];
  for (const { file, page: b, cpu: n } of rows) {
    const cells = (times, mode) => names.map((name) => {
      const x = times[`${name}|${mode}`];
      return name === none ? ms(x) : `${ms(x)} (${ratio(x, times[`${none}|${mode}`])})`;
    });
    console.log(`| ${basename(file)} | ${fired(file)} | ${cells(b, 'fast').join(' | ')} | ${cells(n, 'exact').join(' | ')} |`);
  }

  const chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(
    `\n${chromium}; ${cpus()[0].model}, ${cpus().length} cores; load average (1, 5, 15 min) ${loadAtStart} at the start, ` +
      `${loadAfterBrowser} after the browser runs, ${load()} at the end. Browser: one screener per setting and decode mode, \`workers: 1\`, ` +
      `screen() wall time, the settings interleaved. Native: user + system CPU of \`prescreen check --json [--extra-variants LIST] [--fast] FILTER FILE\`, ` +
      `one process per run, RAYON_NUM_THREADS=1; start-up and filter load, ${ms(startup)} CPU (\`check\` on a file that is not an image), are included. ` +
      `default + turned: \`${SETTINGS[3].cli[1]}\`. Filter: MD5, SHA-1, SHA-256 and PDQ (dihedral, radius 8) of the demo's listed images.`,
  );
} finally {
  await browser.close();
  server.stop();
}
