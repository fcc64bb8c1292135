// The browser's own SHA-1/SHA-256 (WebCrypto) instead of our wasm digests.
// Measured in Chromium (benches/browser.mjs; docs/BENCHMARKS.md, "Digests:
// WebCrypto vs wasm"), WebCrypto was faster at every size from 100 KB to
// 100 MB, for both. But crypto.subtle.digest needs the whole buffer at once
// (no streaming) and has no MD5: it is used for files read whole anyway (up
// to the decode limit); bigger files stream through wasm, so memory stays
// bounded. In Chromium, digest() holds up its calling thread while it hashes
// (about 10 ms for SHA-1 + SHA-256 of a 2 MB photo), so the pool computes
// them on a second worker while the first decodes (backend.js helperFor).

/** Files up to this size are read whole; above it, digests stream through wasm. */
export const WEBCRYPTO_MAX_BYTES = 64 << 20;

const ALGORITHM = { sha1: 'SHA-1', sha256: 'SHA-256' };

/** Which of `kinds` to compute with WebCrypto for a file of `size` bytes. */
export function webCryptoKinds(kinds, size) {
  if (!globalThis.crypto?.subtle || size > WEBCRYPTO_MAX_BYTES) return [];
  return kinds.filter((kind) => kind in ALGORITHM);
}

/**
 * Starts WebCrypto digests of `kinds` over `bytes`: one promise of a
 * Uint8Array per kind, in order, each already marked handled (the caller
 * awaits them later; a failure until then is not an unhandled rejection).
 */
export function startWebCrypto(kinds, bytes) {
  const pending = kinds.map(async (kind) => new Uint8Array(await crypto.subtle.digest(ALGORITHM[kind], bytes)));
  for (const digest of pending) digest.catch(() => {});
  return pending;
}
