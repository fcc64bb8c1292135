// The browser's own SHA-1/SHA-256 (WebCrypto) where it beats our wasm
// digests. crypto.subtle.digest needs the whole buffer at once (no
// streaming) and has no MD5; it runs off the calling thread, so it overlaps
// with the wasm decode. Thresholds from benches/browser.mjs (Chromium,
// docs/BENCHMARKS.md, "Digests: WebCrypto vs wasm").

/** From this size on, WebCrypto is faster than wasm for a kind (bytes). */
const FASTER_FROM = { sha1: 0, sha256: 0 };

/** Above this, files are streamed through wasm rather than read whole. */
export const WEBCRYPTO_MAX_BYTES = 64 << 20;

const ALGORITHM = { sha1: 'SHA-1', sha256: 'SHA-256' };

/** Which of `kinds` to compute with WebCrypto for a file of `size` bytes. */
export function webCryptoKinds(kinds, size) {
  if (!globalThis.crypto?.subtle || size > WEBCRYPTO_MAX_BYTES) return [];
  return kinds.filter((kind) => kind in FASTER_FROM && size >= FASTER_FROM[kind]);
}

/** The digest of `kind` over `bytes`, as a Uint8Array. */
export async function webCryptoDigest(kind, bytes) {
  return new Uint8Array(await crypto.subtle.digest(ALGORITHM[kind], bytes));
}
