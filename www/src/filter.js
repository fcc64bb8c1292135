// Getting the filter's bytes: given directly, or fetched from a URL and kept
// in the Cache API, revalidated with If-None-Match on every page load, and
// used from the cache when the network fails (it is still verified in wasm:
// checksum, signature, expiry).

const CACHE_NAME = 'prescreen-filter-v1';

function unavailable(message) {
  return Object.assign(new Error(message), { code: 'filter-unavailable' });
}

async function openCache() {
  try {
    return globalThis.caches ? await caches.open(CACHE_NAME) : null;
  } catch {
    return null; // opaque origins and some private modes have no Cache API
  }
}

async function fetchFilter(url) {
  const cache = await openCache();
  const cached = cache ? await cache.match(url) : undefined;
  const etag = cached?.headers.get('ETag');
  let response;
  try {
    response = await fetch(url, { cache: 'no-store', headers: etag ? { 'If-None-Match': etag } : {} });
  } catch (err) {
    if (cached) return new Uint8Array(await cached.arrayBuffer());
    throw unavailable(`cannot fetch the filter ${url}: ${err.message}`);
  }
  if (response.status === 304 && cached) return new Uint8Array(await cached.arrayBuffer());
  if (!response.ok) throw unavailable(`cannot fetch the filter ${url}: HTTP ${response.status}`);
  if (cache && response.headers.get('ETag')) {
    await cache.put(url, response.clone()).catch(() => {});
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The filter's bytes from a URL (string or URL), ArrayBuffer or Uint8Array. */
export async function loadFilter(filter) {
  if (filter instanceof Uint8Array) return new Uint8Array(filter);
  if (filter instanceof ArrayBuffer) return new Uint8Array(filter.slice(0));
  if (typeof filter === 'string' || filter instanceof URL) {
    return fetchFilter(new URL(filter, globalThis.location?.href).href);
  }
  throw new TypeError('prescreen: filter must be a URL, ArrayBuffer or Uint8Array');
}
