// Times PDQ's stages in the wasm builds given as arguments (directories made
// by run.sh), median of 9 samples each; prints a Markdown table per build and
// checks that all builds give the same hashes.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const IMAGES = ['coffee-12mp-4000x3000.jpg', 'hubble-1600x1004.jpg', 'astronaut.png'];
const root = new URL('../../tests/conformance/images/', import.meta.url);

function median(f, reps, runs = 9) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) f();
    samples.push((performance.now() - start) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[runs >> 1].toFixed(3);
}

const hashes = new Map();
for (const dir of process.argv.slice(2)) {
  const glue = await import(pathToFileURL(resolve(dir, 'pdq_wasm_bench.js')).href);
  await glue.default({ module_or_path: await readFile(resolve(dir, 'pdq_wasm_bench_bg.wasm')) });
  console.log(`\n${dir}\n\n| image | pre-resize + luma | blur + decimate | DCT + quality + bits | pdq::hash | hash_turned (8 runs) |\n|---|---:|---:|---:|---:|---:|`);
  for (const name of IMAGES) {
    const size = glue.load(await readFile(new URL(name, root)));
    glue.luma();
    glue.blur();
    const got = `${glue.dct()} ${glue.turned()}`;
    if (hashes.has(name) && hashes.get(name) !== got) throw new Error(`${dir}: ${name} hashes differently`);
    hashes.set(name, got);
    const cells = [median(glue.luma, 20), median(glue.blur, 10), median(glue.dct, 200), median(glue.hash, 10), median(glue.turned, 3)];
    console.log(`| ${name} (${size}) | ${cells.join(' | ')} |`);
  }
}
console.log('\nSame hashes (plain and turned) from every build.');
