// Screening with the wasm module, wherever it runs (the worker, or the page
// when `worker: false`). Every failure becomes `{ code, message }`; a trap in
// the wasm instance is marked `fatal`, because the instance is unusable after it.
import init, { Screener, Digester } from './prescreen_wasm.js';

/** Bytes read from a Blob per step while digests are streamed. */
export const CHUNK_BYTES = 4 << 20;

let instance = null;

/** Instantiates the wasm once (from a compiled WebAssembly.Module, bytes or URL). */
export function loadWasm(module) {
  instance ??= init({ module_or_path: module });
  return instance;
}

/** Parses and verifies a filter; throws a PrescreenError with a `filter-*` code. */
export function openScreener({ filter, publicKey, pdq }) {
  return new Screener(filter, publicKey ?? undefined, pdq);
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

/**
 * Screens a Blob: digests streamed in CHUNK_BYTES slices (a large file is never
 * copied whole into wasm memory), then, if the filter wants pixels and the file
 * is within the decode limit, decode + PDQ + probe on the whole bytes.
 * `blob` may also be a Uint8Array (bytes transferred from the page).
 */
export async function screenBlob(screener, blob, onProgress) {
  const t0 = now();
  const inMemory = blob instanceof Uint8Array;
  const size = inMemory ? blob.length : blob.size;
  const decodable = screener.wantsPixels() && size <= screener.maxDecodeBytes();
  const whole = inMemory ? blob : decodable ? new Uint8Array(await blob.arrayBuffer()) : null;
  const t1 = now();
  let readMs = t1 - t0;
  const digester = new Digester();
  try {
    let offset = 0;
    do {
      const end = Math.min(size, offset + CHUNK_BYTES);
      let chunk;
      if (whole) {
        chunk = whole.subarray(offset, end);
      } else {
        const r = now();
        chunk = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
        readMs += now() - r;
      }
      digester.update(chunk);
      offset = end;
      onProgress?.({ phase: 'digest', done: offset, total: size });
    } while (offset < size);
    const t2 = now();
    const digests = digester.finish();
    const result = screener.screenParts(digests, decodable ? whole : undefined);
    digests.free();
    const t3 = now();
    if (screener.wantsPixels() && !decodable) {
      result.reasons.push({
        kind: 'not-decoded',
        code: 'too-large',
        message: `${size} bytes is over the decode limit of ${screener.maxDecodeBytes()} bytes`,
      });
    }
    result.timings = { read: readMs, digest: t2 - t1 - (readMs - (t1 - t0)), screen: t3 - t2, total: t3 - t0 };
    return result;
  } finally {
    try {
      digester.free();
    } catch {
      // After a trap the instance is gone; the original error is what matters.
    }
  }
}

/** Screens raw RGBA pixels (width x height x 4 bytes); no digests. */
export function screenPixels(screener, width, height, rgba) {
  const t0 = now();
  const result = screener.screenPixels(width, height, rgba);
  result.timings = { read: 0, digest: 0, screen: now() - t0, total: now() - t0 };
  return result;
}
