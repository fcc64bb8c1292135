// prescreen for the browser: screen files against a filter of known hashes
// on the device, before upload. See index.d.ts for the documented API.
import { loadFilter } from './filter.js';
import { WorkerPool, InlineBackend } from './backend.js';
import { guardForm } from './guard.js';
import { wasmUrl } from './simd.js';
import { DEFAULT_POLICY, normalisePolicy, extraVariantNames, errorOf, unscreened, judge } from './results.js';
import { backendOf } from './internals.js';

export { DEFAULT_POLICY };

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
/** Compiles the wasm once per page (a failed load is tried again next time); workers receive the compiled module. */
function compileWasm(source) {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (!source && compiled) return compiled;
  const url = source ?? wasmUrl();
  const promise = fetch(url)
    .then(async (response) => {
      if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
      return WebAssembly.compile(await response.arrayBuffer());
    })
    .catch((err) => {
      if (compiled === promise) compiled = null;
      throw Object.assign(new Error(`prescreen: ${err.message}`), { code: 'wasm-unavailable' });
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

function positive(name, value) {
  if (!(typeof value === 'number' && value > 0)) throw new TypeError(`prescreen: ${name} must be a positive number of milliseconds`);
  return value;
}

function aborted(signal) {
  return { code: 'aborted', message: String(signal.reason?.message ?? signal.reason ?? 'aborted') };
}

/** Settles with `work`, or with `onAbort()` as soon as `signal` aborts. */
function abortable(work, signal, onAbort) {
  if (!signal) return work;
  return new Promise((resolve) => {
    const stop = () => resolve(onAbort());
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, resolve).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * Creates a screener. Rejects only for invalid options (a TypeError). When
 * the wasm, a worker or the filter cannot be loaded, it resolves with
 * `loadError` set, and every file is treated as `policy.filterFailure` says.
 * @param {import('./index.js').ScreenerOptions} options
 */
export async function createScreener({
  filter,
  publicKey,
  worker = true,
  workers,
  policy,
  decode = 'fast',
  decoder = 'wasm',
  extraVariants,
  timeout = 60_000,
  wasm,
}) {
  const chosen = normalisePolicy(policy);
  const key = publicKeyBytes(publicKey);
  const options = { decode: choice('decode', decode), decoder: choice('decoder', decoder) };
  const extras = extraVariantNames(extraVariants);
  const size = poolSize(workers);
  const fileTimeout = positive('timeout', timeout);
  let loadError = null;
  let backend = null;
  let info = null;
  let closed = false;
  try {
    const [module, bytes] = await Promise.all([compileWasm(wasm), loadFilter(filter)]);
    backend = worker ? new WorkerPool(module, size, fileTimeout) : new InlineBackend(module);
    info = await backend.start({ filter: bytes, publicKey: key, pdq: chosen.pdq, unscreenable: chosen.unscreenable, extraVariants: extras, ...options });
  } catch (err) {
    if (err instanceof TypeError && !('code' in err)) throw err;
    loadError = errorOf(err, 'filter-unavailable');
    backend?.close();
    backend = null;
  }

  const finish = (described, result) => {
    const full = { name: described.name, size: described.size, ...result };
    if (full.error) full.error = { code: full.error.code, message: full.error.message };
    return judge(chosen, full);
  };
  const failed = (described, error) => finish(described, unscreened(described, error));
  const stopped = () => ({ code: 'closed', message: 'the screener was closed' });

  const screener = {
    policy: chosen,
    /** The decode mode (`fast`, `exact`) and decoder (`wasm`, `browser`) chosen. */
    options: Object.freeze(options),
    /** Why the screener could not be made ready (wasm, worker or filter), or null. */
    loadError,
    /** Facts about the loaded filter (`wantsPixels`, `maxDecodeBytes`, `digests`), or null. */
    filterInfo: info,
    /**
     * @param {Blob | ArrayBuffer | Uint8Array} file
     * @param {{ onProgress?: (progress: import('./index.js').Progress) => void, signal?: AbortSignal }} [screenOptions]
     */
    async screen(file, { onProgress, signal } = {}) {
      let source = file;
      if (file instanceof ArrayBuffer) source = new Uint8Array(file);
      else if (!(file instanceof Blob) && !(file instanceof Uint8Array)) {
        throw new TypeError('prescreen: screen() takes a File, Blob, ArrayBuffer or Uint8Array');
      }
      const described = { name: file instanceof File ? file.name : '', size: file instanceof Blob ? file.size : file.byteLength };
      if (signal?.aborted) return failed(described, aborted(signal));
      if (closed) return failed(described, stopped());
      if (loadError) return failed(described, loadError);
      const work = backend.screen(source, onProgress).then(
        (result) => finish(described, result),
        (error) => failed(described, errorOf(error)),
      );
      return abortable(work, signal, () => failed(described, aborted(signal)));
    },
    async screenPixels(imageData) {
      const described = { name: '', size: 0 };
      if (closed) return failed(described, stopped());
      if (loadError) return failed(described, loadError);
      try {
        return finish(described, await backend.pixels(imageData.width, imageData.height, imageData.data));
      } catch (error) {
        return failed(described, errorOf(error));
      }
    },
    attach(target, attachOptions) {
      return guardForm(target, Promise.resolve(screener), attachOptions);
    },
    /** Stops the workers; files still being screened, and any screened later, are `closed` (never allowed). */
    close() {
      closed = true;
      backend?.close();
    },
  };
  if (backend) backendOf.set(screener, backend);
  return screener;
}

/** A screener that never loaded: every file gets `error` under `policy`. */
function unavailableScreener(policy, error) {
  const failed = (file) => judge(policy, unscreened(file, error));
  const screener = {
    policy,
    options: Object.freeze({ decode: 'fast', decoder: 'wasm' }),
    loadError: error,
    filterInfo: null,
    screen: async (file) => failed(file),
    screenPixels: async () => failed(null),
    attach: (target, options) => guardForm(target, Promise.resolve(screener), options),
    close() {},
  };
  return screener;
}

/**
 * Guards a form (or one file input) at once and loads the screener behind
 * it: the safe embed. Nothing picked in the form is submitted before it has
 * a verdict the policy allows; if loading fails, even with invalid options,
 * the form fails closed (or open, if the policy says so) and the person is
 * told. Returns `{ ready, settled(), detach() }`.
 * @param {HTMLFormElement | HTMLInputElement} target
 * @param {import('./index.js').ScreenerOptions & import('./index.js').GuardOptions} options
 */
export function guard(target, { onResult, onProgress, signal, status, ...options } = /** @type {any} */ ({})) {
  const loaded = createScreener(options).catch((err) => {
    let policy = DEFAULT_POLICY;
    try {
      policy = normalisePolicy(options.policy);
    } catch {
      // An invalid policy fails closed with the defaults.
    }
    console.error(err);
    return unavailableScreener(policy, errorOf(err, 'invalid-argument'));
  });
  return guardForm(target, loaded, { onResult, onProgress, signal, status });
}

/** Same as `screener.attach(target, options)`. */
export function attach(screener, target, options) {
  return screener.attach(target, options);
}
