// Screening with the wasm module, wherever it runs (a worker of the pool, or
// the page when `worker: false`). Every failure becomes `{ code, message }`; a
// trap in the wasm instance is marked `fatal`, because the instance is
// unusable after it.
import init, { Screener, Digester } from './prescreen_wasm.js';
import { webCryptoKinds, startWebCrypto } from './webcrypto.js';
import { decodeInBrowser } from './browser-decode.js';

/** Bytes read from a Blob per step while digests are streamed. */
export const CHUNK_BYTES = 4 << 20;

let instance = null;

/** Instantiates the wasm once (from a compiled WebAssembly.Module, bytes or URL). */
export function loadWasm(module) {
  instance ??= init({ module_or_path: module });
  return instance;
}

/**
 * Parses and verifies a filter; throws a PrescreenError with a `filter-*` code.
 * Returns the wasm Screener with the options screening needs beside it.
 */
export function openScreener({ filter, publicKey, pdq, decode, decoder, unscreenable, extraVariants }) {
  const wasm = new Screener(filter, publicKey ?? undefined, pdq, decode, unscreenable, extraVariants);
  return { wasm, decoder: decoder ?? 'wasm', kinds: wasm.digestKinds() };
}

/** What the page learns about a loaded filter. */
export function filterInfo(screener) {
  return { wantsPixels: screener.wasm.wantsPixels(), maxDecodeBytes: screener.wasm.maxDecodeBytes(), digests: screener.kinds };
}

/** Turns anything thrown into `{ code, message, fatal }`. */
export function errorInfo(err) {
  if (err instanceof WebAssembly.RuntimeError) {
    return { code: 'internal', message: `the wasm instance trapped: ${err.message}`, fatal: true };
  }
  if (err && typeof err.code === 'string') return { code: err.code, message: String(err.message) };
  if (err && err.name === 'NotReadableError') return { code: 'unreadable', message: String(err.message) };
  return { code: 'internal', message: String(err?.message ?? err) };
}

const now = () => performance.now();

/** Streams `kinds` of digests in wasm, CHUNK_BYTES at a time, from memory or from the Blob. */
async function wasmDigests(kinds, blob, whole, size, onProgress, clock) {
  const digester = new Digester(kinds);
  try {
    let offset = 0;
    while (kinds.length > 0 && offset < size) {
      const end = Math.min(size, offset + CHUNK_BYTES);
      let chunk;
      if (whole) {
        chunk = whole.subarray(offset, end);
      } else {
        const r = now();
        chunk = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
        clock.read += now() - r;
      }
      digester.update(chunk);
      offset = end;
      onProgress?.({ phase: 'digest', done: offset, total: size });
    }
    return digester.finish();
  } finally {
    release(digester);
  }
}

/** Frees a wasm object still held here (after a trap the instance is gone). */
function release(object) {
  try {
    object?.free();
  } catch {
    // The original error is what matters.
  }
}

function notDecoded(code, message) {
  return { kind: 'not-decoded', code, message };
}

/**
 * Screens a Blob: the digests the filter has sections for (those in
 * `help.kinds` from another worker; SHA-1/SHA-256 by WebCrypto, see
 * webcrypto.js; the rest streamed in wasm in CHUNK_BYTES slices, so a large
 * file is never copied whole into wasm memory), then, if the filter wants pixels and the file is within the
 * decode limit, decode (wasm, or the browser's decoder) + PDQ + probe.
 * `blob` may also be a Uint8Array (bytes transferred from the page).
 */
export async function screenBlob(screener, blob, onProgress, help) {
  const { wasm } = screener;
  const t0 = now();
  const inMemory = blob instanceof Uint8Array;
  const size = inMemory ? blob.length : blob.size;
  const decodable = wasm.wantsPixels() && size <= wasm.maxDecodeBytes();
  // Kinds another worker of the pool computes meanwhile (see helped()),
  // WebCrypto's included (see webcrypto.js).
  const helpedKinds = help ? help.kinds.filter((k) => screener.kinds.includes(k)) : [];
  const outside = webCryptoKinds(screener.kinds.filter((k) => !helpedKinds.includes(k)), size);
  const readWhole = !inMemory && (decodable || outside.length > 0);
  if (readWhole) onProgress?.({ phase: 'read', done: 0, total: size });
  const whole = inMemory ? blob : readWhole ? new Uint8Array(await blob.arrayBuffer()) : null;
  if (readWhole) onProgress?.({ phase: 'read', done: size, total: size });
  const clock = { read: now() - t0 };
  const t1 = now();
  const native = startWebCrypto(outside, whole);
  const fromHelper = help ? new Promise((resolve) => (help.port.onmessage = (event) => resolve(event.data))) : null;
  const ownKinds = screener.kinds.filter((k) => !outside.includes(k) && !helpedKinds.includes(k));
  let digests = await wasmDigests(ownKinds, blob, whole, size, onProgress, clock);
  const t2 = now();
  let image;
  let pixels;
  let result;
  const extra = [];
  let t3;
  let t4;
  try {
    if (decodable) onProgress?.({ phase: 'decode' });
    if (decodable && screener.decoder === 'browser') {
      try {
        pixels = await decodeInBrowser(inMemory ? new Blob([whole]) : blob);
      } catch (err) {
        extra.push(notDecoded(err.code ?? 'unsupported-format', `the browser could not decode it: ${err.message}`));
      }
    } else if (decodable) {
      image = wasm.decodeImage(whole);
    }
    t3 = now();
    for (const [i, kind] of outside.entries()) digests.set(kind, await native[i]);
    if (help) await helped(digests, helpedKinds, fromHelper, help.port, () => wasmDigests(helpedKinds, blob, whole, size, null, clock));
    t4 = now();
    // Both move into wasm with the call (even if it throws): nothing left to free.
    const [moved, movedImage] = [digests, image];
    digests = image = undefined;
    onProgress?.({ phase: 'hash' });
    result = pixels
      ? wasm.screenPixels(pixels.width, pixels.height, pixels.data, moved)
      : wasm.screenImage(moved, movedImage);
  } finally {
    // On a failure before the call, the decoded pixels leave wasm memory now.
    release(digests);
    release(image);
  }
  const t5 = now();
  if (wasm.wantsPixels() && !decodable) {
    extra.push(notDecoded('too-large', `${size} bytes is over the decode limit of ${wasm.maxDecodeBytes()} bytes`));
  }
  result.reasons.push(...extra);
  const digestMs = t2 - t1 - (clock.read - (t1 - t0)) + (t4 - t3);
  result.timings = {
    read: clock.read,
    digest: digestMs,
    decode: t3 - t2,
    hash: t5 - t4,
    screen: t3 - t2 + (t5 - t4),
    total: t5 - t0,
  };
  return result;
}

/**
 * Adds the digests another worker computed (`{ ok, digests: { kind: bytes } }`
 * on `port`); if it failed, computes them here after all.
 */
async function helped(digests, kinds, reply, port, ownDigests) {
  if (kinds.length === 0) {
    port.close();
    return;
  }
  const { ok, digests: theirs } = await reply;
  port.close();
  let mine = null;
  if (!ok || kinds.some((kind) => !theirs?.[kind])) mine = await ownDigests();
  try {
    for (const kind of kinds) digests.set(kind, mine ? mine.get(kind) : theirs[kind]);
  } finally {
    release(mine);
  }
}

/**
 * The digests of `kinds` (those the filter has) over a Blob, for another
 * worker's screening, as `{ kind: Uint8Array }`: SHA-1/SHA-256 by WebCrypto
 * over the whole file when it is small enough to read whole, the rest in wasm.
 */
export async function digestBlob(screener, blob, kinds) {
  const wanted = kinds.filter((k) => screener.kinds.includes(k));
  const outside = webCryptoKinds(wanted, blob.size);
  const whole = outside.length > 0 ? new Uint8Array(await blob.arrayBuffer()) : null;
  const native = startWebCrypto(outside, whole);
  const own = wanted.filter((k) => !outside.includes(k));
  const digests = await wasmDigests(own, blob, whole, blob.size, null, { read: 0 });
  try {
    const values = await Promise.all(native);
    return Object.fromEntries([...own.map((kind) => [kind, digests.get(kind)]), ...outside.map((kind, i) => [kind, values[i]])]);
  } finally {
    release(digests);
  }
}

/** Screens raw RGBA pixels (width x height x 4 bytes); no digests. */
export function screenPixels(screener, width, height, rgba) {
  const t0 = now();
  const result = screener.wasm.screenPixels(width, height, rgba);
  const ms = now() - t0;
  result.timings = { read: 0, digest: 0, decode: 0, hash: ms, screen: ms, total: ms };
  return result;
}
