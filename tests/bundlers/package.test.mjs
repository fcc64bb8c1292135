// The npm package as `make npm-pack` leaves it: exactly one tarball, holding
// the built files, the README, both licences and the types; and `npm pack`
// refuses to run without a build. Run: make test-bundlers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from '../e2e/harness.mjs';

const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
const { version } = JSON.parse(readFileSync(join(ROOT, 'www/package.json'), 'utf8'));

test('make npm-pack leaves one tarball with the built files, README, licences and types', () => {
  const dir = join(TARGET, 'npm');
  assert.deepEqual(readdirSync(dir), [`prescreen-${version}.tgz`]);
  const files = execFileSync('tar', ['tzf', join(dir, `prescreen-${version}.tgz`)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''))
    .map((f) => f.replace(/chunk-[A-Z0-9]+\.js$/, 'chunk-*.js'))
    .sort();
  assert.deepEqual(files, [
    'LICENSE-APACHE',
    'LICENSE-MIT',
    'README.md',
    'package.json',
    'pkg/chunk-*.js',
    'pkg/chunk-*.js',
    'pkg/index.d.ts',
    'pkg/index.js',
    'pkg/node.js',
    'pkg/prescreen_wasm_bg.simd.wasm',
    'pkg/prescreen_wasm_bg.wasm',
    'pkg/uppy.d.ts',
    'pkg/uppy.js',
    'pkg/worker.js',
  ]);
  const extracted = mkdtempSync(join(tmpdir(), 'prescreen-pack-'));
  execFileSync('tar', ['xzf', join(dir, `prescreen-${version}.tgz`), '-C', extracted]);
  for (const licence of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.equal(readFileSync(join(extracted, 'package', licence), 'utf8'), readFileSync(join(ROOT, licence), 'utf8'));
  }
});

test('npm pack without a build fails and says what to run', () => {
  // A copy of the repository's www/ and scripts/ with no www/pkg.
  const copy = mkdtempSync(join(tmpdir(), 'prescreen-unbuilt-'));
  mkdirSync(join(copy, 'www'));
  for (const file of ['package.json', 'README.md']) cpSync(join(ROOT, 'www', file), join(copy, 'www', file));
  cpSync(join(ROOT, 'scripts'), join(copy, 'scripts'), { recursive: true });
  for (const licence of ['LICENSE-MIT', 'LICENSE-APACHE']) cpSync(join(ROOT, licence), join(copy, licence));
  const out = mkdtempSync(join(tmpdir(), 'prescreen-unbuilt-out-'));
  const result = spawnSync('npm', ['pack', '--pack-destination', out], { cwd: join(copy, 'www'), encoding: 'utf8' });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /pkg\/index\.js.*missing.*make wasm-pkg/);
  assert.deepEqual(readdirSync(out), []);
});
