// prescreen for the browser: screen files against a filter of known hashes
// on the device, before upload. See index.d.ts for the documented API.
import { loadFilter } from './filter.js';
import { WorkerPool, InlineBackend } from './backend.js';
import { attachTo } from './attach.js';
import { wasmUrl } from './simd.js';

export { attachTo as attach };

const POLICY_CHOICES = {
  pdq: ['flag', 'block'],
  unscreenable: ['allow', 'block'],
  filterFailure: ['fail-open', 'fail-closed'],
};

/** The default policy; every field can be overridden in `createScreener`. */
export const DEFAULT_POLICY = Object.freeze({ pdq: 'flag', unscreenable: 'allow', filterFailure: 'fail-closed' });

function normalisePolicy(policy = {}) {
  const out = { ...DEFAULT_POLICY };
  for (const [key, value] of Object.entries(policy)) {
    if (!(key in POLICY_CHOICES)) throw new TypeError(`prescreen: unknown policy field "${key}"`);
    if (!POLICY_CHOICES[key].includes(value)) {
      throw new TypeError(`prescreen: policy.${key} must be one of ${POLICY_CHOICES[key].join(', ')}`);
    }
    out[key] = value;
  }
  return Object.freeze(out);
}

function publicKeyBytes(key) {
  if (key == null) return undefined;
  if (key instanceof Uint8Array) return new Uint8Array(key);
  if (key instanceof ArrayBuffer) return new Uint8Array(key.slice(0));
  if (typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key)) {
    return Uint8Array.from(key.match(/../g), (h) => parseInt(h, 16));
  }
  throw new TypeError('prescreen: publicKey must be 64 hex digits or 32 bytes');
}

let compiled = null;
/** Compiles the wasm once per page; workers receive the compiled module. */
function compileWasm(source) {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (!source && compiled) return compiled;
  const url = source ?? wasmUrl();
  const promise = fetch(url).then(async (response) => {
    if (!response.ok) throw new Error(`prescreen: cannot load ${url}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  });
  if (!source) compiled = promise;
  return promise;
}

const OPTION_CHOICES = { decode: ['fast', 'exact'], decoder: ['wasm', 'browser'] };

function choice(name, value) {
  if (!OPTION_CHOICES[name].includes(value)) {
    throw new TypeError(`prescreen: ${name} must be one of ${OPTION_CHOICES[name].join(', ')}`);
  }
  return value;
}

/** Workers for a pool: `navigator.hardwareConcurrency` unless a smaller number is asked for. */
function poolSize(workers) {
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  if (workers == null) return cores;
  if (!Number.isInteger(workers) || workers < 1) throw new TypeError('prescreen: workers must be a positive integer');
  return Math.min(workers, cores);
}

/** Whether a result lets the file through under `policy`. */
function allowedUnder(policy, result, filterFailed) {
  if (filterFailed) return policy.filterFailure === 'fail-open';
  switch (result.verdict) {
    case 'block':
      return false;
    case 'unscreenable':
      return policy.unscreenable === 'allow';
    default:
      return true;
  }
}

function unscreened(file, error, reasons = []) {
  return {
    name: file?.name ?? '',
    size: file?.size ?? 0,
    verdict: 'unscreenable',
    reasons,
    hashes: {},
    timings: { read: 0, digest: 0, decode: 0, hash: 0, screen: 0, total: 0 },
    error,
  };
}

/**
 * Creates a screener. Resolves even when the filter cannot be loaded or
 * verified: then `screener.filterError` is set and every file is treated as
 * `policy.filterFailure` says.
 */
export async function createScreener({
  filter,
  publicKey,
  worker = true,
  workers,
  policy,
  decode = 'fast',
  decoder = 'wasm',
  wasm,
} = {}) {
  const chosen = normalisePolicy(policy);
  const key = publicKeyBytes(publicKey);
  const options = { decode: choice('decode', decode), decoder: choice('decoder', decoder) };
  const size = poolSize(workers);
  const module = await compileWasm(wasm);
  let filterError = null;
  let backend = null;
  let info = null;
  try {
    const bytes = await loadFilter(filter);
    backend = worker ? new WorkerPool(module, size) : new InlineBackend(module);
    info = await backend.start({ filter: bytes, publicKey: key, pdq: chosen.pdq, ...options });
  } catch (err) {
    if (err instanceof TypeError) throw err;
    filterError = { code: typeof err?.code === 'string' ? err.code : 'filter-unavailable', message: String(err?.message ?? err) };
    backend?.close();
    backend = null;
  }

  const finish = (file, result) => {
    const full = { name: file?.name ?? '', size: file?.size ?? 0, ...result };
    if (full.error) full.error = { code: full.error.code, message: full.error.message };
    full.allowed = allowedUnder(chosen, full, filterError !== null);
    return full;
  };

  const screener = {
    policy: chosen,
    /** The decode mode (`fast`, `exact`) and decoder (`wasm`, `browser`) chosen. */
    options: Object.freeze(options),
    filterError,
    /** Facts about the loaded filter (`wantsPixels`, `maxDecodeBytes`, `digests`), or null. */
    filterInfo: info,
    async screen(file, { onProgress } = {}) {
      if (filterError) return finish(file, unscreened(file, filterError));
      let source = file;
      if (file instanceof ArrayBuffer) source = new Uint8Array(file);
      else if (!(file instanceof Blob) && !(file instanceof Uint8Array)) {
        throw new TypeError('prescreen: screen() takes a File, Blob, ArrayBuffer or Uint8Array');
      }
      const described = { name: file.name ?? '', size: file.size ?? file.byteLength };
      try {
        return finish(described, await backend.screen(source, onProgress));
      } catch (error) {
        return finish(described, unscreened(described, error));
      }
    },
    async screenPixels(imageData) {
      if (filterError) return finish(null, unscreened(null, filterError));
      try {
        return finish(null, await backend.pixels(imageData.width, imageData.height, imageData.data));
      } catch (error) {
        return finish(null, unscreened(null, error));
      }
    },
    attach(target, options) {
      return attachTo(screener, target, options);
    },
    close() {
      backend?.close();
    },
    /** Test hook: makes the wasm instance trap; resolves to the error reply. */
    async __trapForTesting() {
      return backend.trap();
    },
    /** Test hook: the next file's helper worker reports a failure (its screening worker must compute the digests itself). */
    __failNextHelpForTesting() {
      if (backend) backend.failHelp = true;
    },
    /** How many wasm instances (workers) have been started, for tests. */
    get __instances() {
      return backend?.instances ?? 0;
    },
  };
  return screener;
}
