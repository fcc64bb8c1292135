// What headless Chromium shows for each damaged copy in tests/damaged/:
// the file drawn by an <img> element (as a page shows it) and by
// createImageBitmap, compared pixel by pixel with its undamaged original.
// Prints a Markdown table (docs/DAMAGED.md). Run from the repository root:
//   node tests/damaged/chromium.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, ROOT } from '../e2e/harness.mjs';

const DIR = join(ROOT, 'tests/damaged');
const TYPES = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

/** The undamaged original a damaged copy was made from. */
export function originalOf(name) {
  if (name.startsWith('jpeg-progressive')) return 'listed-progressive.jpg';
  return `listed.${name.split('.').pop()}`;
}

/** Every damaged copy in tests/damaged/ (the files not named listed*). */
export function damagedCopies() {
  return readdirSync(DIR).filter((f) => /\.(jpg|png|gif|webp)$/.test(f) && !f.startsWith('listed')).sort();
}

/** In the page: the RGBA pixels of `bytes` as `how` ('img' or 'bitmap') draws them, or the error. */
function pageFunctions() {
  window.pixelsOf = async (b64, type, how) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type });
    let source;
    if (how === 'bitmap') source = await createImageBitmap(blob);
    else {
      source = new Image();
      source.src = URL.createObjectURL(blob);
      await new Promise((done) => { source.onload = done; source.onerror = done; });
      if (!source.naturalWidth) throw new Error('the image element shows nothing');
    }
    const canvas = new OffscreenCanvas(source.width, source.height);
    const context = canvas.getContext('2d');
    context.drawImage(source, 0, 0);
    return context.getImageData(0, 0, source.width, source.height).data;
  };
  window.compare = async (originalB64, b64, type, how) => {
    const want = await pixelsOf(originalB64, type, 'bitmap');
    let got;
    try {
      got = await pixelsOf(b64, type, how);
    } catch (e) {
      return { error: String(e.message ?? e) };
    }
    if (got.length !== want.length) return { error: 'size differs' };
    let same = 0;
    let transparent = 0;
    for (let i = 0; i < got.length; i += 4) {
      if (got[i] === want[i] && got[i + 1] === want[i + 1] && got[i + 2] === want[i + 2] && got[i + 3] === want[i + 3]) same++;
      if (got[i + 3] === 0) transparent++;
    }
    const n = got.length / 4;
    return { same: same / n, transparent: transparent / n };
  };
}

/** `{ name: { img: {same, transparent} | {error}, bitmap: ... } }` for every damaged copy. */
export async function measure() {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.evaluate(pageFunctions);
    const results = {};
    for (const name of damagedCopies()) {
      const type = TYPES[name.split('.').pop()];
      const original = readFileSync(join(DIR, originalOf(name))).toString('base64');
      const bytes = readFileSync(join(DIR, name)).toString('base64');
      results[name] = {};
      for (const how of ['img', 'bitmap']) {
        results[name][how] = await page.evaluate(([a, b, t, h]) => compare(a, b, t, h), [original, bytes, type, how]);
      }
    }
    return results;
  } finally {
    await browser.close();
  }
}

const percent = (x) => `${(100 * x).toFixed(1)}%`;
const show = (r) => (r.error ? 'nothing (not decoded)' : `${percent(r.same)} identical, ${percent(r.transparent)} transparent`);

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| file | `<img>` | `createImageBitmap` |\n|---|---|---|');
  for (const [name, r] of Object.entries(await measure())) console.log(`| \`${name}\` | ${show(r.img)} | ${show(r.bitmap)} |`);
}
