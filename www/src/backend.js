// Where screening runs: a pool of module Web Workers (default), one worker,
// or the page itself. All expose start(init) -> info, screen(source,
// onProgress), pixels(w, h, rgba), trap(), close(), and `instances` (how many
// wasm instances were started).

import { wasmUrl } from './simd.js';

function failure(error) {
  return Object.assign(new Error(error.message), { code: error.code, fatal: error.fatal });
}

/**
 * Starts the screening worker. The literal `new Worker(new URL('./worker.js',
 * import.meta.url), …)` is the form bundlers turn into a worker entry. Served
 * from another origin (a CDN), the browser refuses a worker script of that
 * origin; then a same-origin blob: module imports it instead (the CDN must send
 * CORS headers, as it must for the module itself).
 */
function startWorker() {
  try {
    return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'prescreen' });
  } catch (err) {
    if (err?.name !== 'SecurityError') throw err;
    // worker.js sits next to the wasm files in the package; deriving its URL
    // from theirs adds no second `new URL('./worker.js', …)` for bundlers to copy.
    const script = new URL('./worker.js', wasmUrl(false));
    const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(script.href)};`], { type: 'text/javascript' }));
    try {
      return new Worker(shim, { type: 'module', name: 'prescreen' });
    } finally {
      URL.revokeObjectURL(shim);
    }
  }
}

/**
 * A worker that is replaced when its wasm instance traps or the worker dies:
 * the request that trapped fails with `internal`; requests queued behind it
 * are sent again to the new worker.
 */
export class WorkerBackend {
  constructor(module, timeout = Infinity) {
    this.module = module;
    /** Milliseconds a file may take before its worker is replaced and it fails with `timeout`. */
    this.timeout = timeout;
    /** Set when a worker cannot be started at all: every request fails with it. */
    this.dead = null;
    this.pending = new Map();
    this.nextId = 1;
    this.instances = 0;
    this.worker = null;
    this.init = null;
    /** Screening requests sent and not yet answered (the pool balances on it). */
    this.busy = 0;
  }

  async start(init) {
    this.init = init;
    return this.spawn();
  }

  spawn() {
    this.worker?.terminate();
    this.worker = null;
    let worker;
    try {
      worker = startWorker();
    } catch (err) {
      this.dead = { code: 'worker-unavailable', message: `the browser refused the screening worker: ${err?.message ?? err}` };
      return Promise.reject(failure(this.dead));
    }
    this.worker = worker;
    this.started = false;
    this.instances += 1;
    worker.onmessage = (event) => this.receive(worker, event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.crash(worker, null, { code: 'internal', message: `the screening worker failed: ${event.message ?? 'unknown error'}` });
    };
    worker.onmessageerror = () => this.crash(worker, null, { code: 'internal', message: 'a worker message could not be read' });
    // Init first; requests posted after it queue behind it in the worker.
    const init = this.request({ type: 'init', module: this.module, ...this.init }, [], { resend: false });
    init.then(() => {
      if (this.worker === worker) this.started = true;
    }, () => {});
    return init;
  }

  /**
   * Posts `message` to the worker; resolves with its reply.
   * @param {object} message
   * @param {Transferable[]} [transfer]
   * @param {{ resend?: boolean, onProgress?: (progress: object) => void, timed?: boolean }} [options]
   */
  request(message, transfer = [], { resend = transfer.length === 0, onProgress, timed = false } = {}) {
    if (this.dead) return Promise.reject(failure(this.dead));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const worker = this.worker;
      const entry = { message, resolve, reject, resend, onProgress, worker };
      if (timed && Number.isFinite(this.timeout)) {
        const seconds = Math.round(this.timeout / 100) / 10;
        entry.timer = setTimeout(() => {
          if (this.pending.get(id) === entry) this.crash(worker, id, { code: 'timeout', message: `screening took longer than ${seconds} s` }, entry);
        }, this.timeout);
      }
      this.pending.set(id, entry);
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  receive(worker, data) {
    const entry = this.pending.get(data?.id);
    if (!entry || worker !== this.worker) return;
    if (data.progress) {
      entry.onProgress?.(data.progress);
      return;
    }
    this.pending.delete(data.id);
    clearTimeout(entry.timer);
    if (data.ok) {
      entry.resolve(data.value);
    } else if (data.error?.fatal) {
      this.crash(worker, data.id, data.error, entry);
    } else {
      entry.reject(failure(data.error));
    }
  }

  /** The worker is unusable: fail `failedId`, start a new worker, resend the rest. */
  crash(worker, failedId, error, failedEntry) {
    if (worker !== this.worker) return;
    failedEntry?.reject(failure(error));
    const survivors = [...this.pending.entries()].filter(([id]) => id !== failedId);
    this.pending.clear();
    for (const [, entry] of survivors) clearTimeout(entry.timer);
    if (!this.started) {
      // It never got as far as loading the filter: a new one would fail the same way.
      this.worker.terminate();
      this.worker = null;
      this.dead = { code: 'worker-unavailable', message: error.message };
      for (const [, entry] of survivors) entry.reject(failure(this.dead));
      return;
    }
    if (failedId === null) {
      // We do not know which request killed it: fail them all rather than loop.
      for (const [, entry] of survivors) entry.reject(failure(error));
      this.spawn().catch(() => {});
      return;
    }
    this.spawn().catch(() => {});
    for (const [, entry] of survivors) {
      if (entry.resend) {
        const message = { ...entry.message, help: undefined };
        const timed = message.type === 'screen';
        this.request(message, [], { resend: true, onProgress: entry.onProgress, timed }).then(entry.resolve, entry.reject);
      } else {
        entry.reject(failure({ code: 'internal', message: 'the screening worker was replaced' }));
      }
    }
  }

  /** `request`, counted in `busy` until it settles. */
  counted(message, transfer, options) {
    this.busy += 1;
    const done = () => {
      this.busy -= 1;
    };
    const reply = this.request(message, transfer, options);
    reply.then(done, done);
    return reply;
  }

  screen(source, onProgress, help) {
    if (source instanceof Uint8Array) {
      // Bytes handed over by the caller are transferred, not copied.
      return this.counted({ type: 'screen', file: source }, [source.buffer], { onProgress, timed: true });
    }
    if (help) {
      // If this worker is replaced, the file is sent again without the help.
      return this.counted({ type: 'screen', file: source, help }, [help.port], { onProgress, resend: true, timed: true });
    }
    return this.counted({ type: 'screen', file: source }, [], { onProgress, timed: true });
  }

  /** Digests of `kinds` over a Blob, for another worker's screening. */
  digest(source, kinds) {
    return this.counted({ type: 'digest', file: source, kinds }, []);
  }

  pixels(width, height, rgba) {
    const copy = new Uint8Array(rgba).buffer;
    return this.counted({ type: 'pixels', width, height, data: copy }, [copy]);
  }

  trap() {
    return this.request({ type: 'trap' }, [], { resend: false });
  }

  close() {
    this.worker?.terminate();
    this.worker = null;
    this.dead = { code: 'closed', message: 'the screener was closed' };
    for (const [, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(failure(this.dead));
    }
    this.pending.clear();
  }
}

/** The most workers a pool starts, whatever `navigator.hardwareConcurrency` says. */
export const MAX_WORKERS = 4;

/** Files from this size on get their digests from an idle worker while another decodes. */
const HELP_MIN_BYTES = 1 << 20;

/**
 * Up to `size` workers (each loads the filter once, when it starts). The
 * first starts with the screener; another starts when a file arrives while
 * every running one is busy. Each file goes to the least busy worker; each
 * worker recovers from a trap on its own (WorkerBackend).
 */
export class WorkerPool {
  constructor(module, size, timeout) {
    this.module = module;
    this.timeout = timeout;
    this.size = Math.max(1, Math.min(MAX_WORKERS, Math.floor(size) || 1));
    this.workers = [];
    this.init = null;
    /** Test hook: the next helper's digests are reported as failed. */
    this.failHelp = false;
  }

  async start(init) {
    this.init = init;
    const first = new WorkerBackend(this.module, this.timeout);
    this.workers.push(first);
    this.info = await first.start(init);
    return this.info;
  }

  /** A new worker; its init is queued in the worker ahead of the request sent next. */
  grow() {
    const fresh = new WorkerBackend(this.module, this.timeout);
    this.workers.push(fresh);
    fresh.start(this.init).catch(() => {});
    return fresh;
  }

  /** The least busy worker; a new one if all are busy and the pool may grow. */
  pick() {
    const live = this.workers.filter((w) => !w.dead);
    if (live.length === 0) return this.workers[0];
    const idle = live.reduce((best, w) => (w.busy < best.busy ? w : best));
    if (idle.busy === 0 || this.workers.length >= this.size) return idle;
    return this.grow();
  }

  /**
   * An idle worker (other than `worker`) to compute a large file's digests
   * while `worker` decodes it: with a free core, neither MD5 nor WebCrypto's
   * SHA-1/SHA-256 adds to the file's time. Null when none is free or nothing to gain.
   */
  helperFor(worker, source) {
    if (!(source instanceof Blob) || source.size < HELP_MIN_BYTES) return null;
    const kinds = this.info?.digests ?? [];
    if (kinds.length === 0) return null;
    const idle = this.workers.find((w) => w !== worker && w.busy === 0);
    const helper = idle ?? (this.workers.length < this.size ? this.grow() : null);
    return helper && { helper, kinds };
  }

  screen(source, onProgress) {
    const worker = this.pick();
    const help = this.helperFor(worker, source);
    if (!help) return worker.screen(source, onProgress);
    const { port1, port2 } = new MessageChannel();
    const failing = this.failHelp;
    this.failHelp = false;
    // The screening worker's message goes first: posting a File costs the
    // page a few milliseconds in Chromium, and the decode is the long path.
    const screened = worker.screen(source, onProgress, { port: port2, kinds: help.kinds });
    help.helper.digest(source, help.kinds).then(
      (digests) => port1.postMessage(failing ? { ok: false } : { ok: true, digests }),
      () => port1.postMessage({ ok: false }),
    );
    return screened;
  }

  pixels(width, height, rgba) {
    return this.pick().pixels(width, height, rgba);
  }

  trap() {
    return this.workers[0].trap();
  }

  get instances() {
    return this.workers.reduce((n, w) => n + w.instances, 0);
  }

  close() {
    for (const w of this.workers) w.close();
  }
}

/**
 * Screening on the page's own thread (`worker: false`), one file at a time.
 * A wasm instance cannot be replaced in place: after a trap every later file
 * reports `internal` too. Use the worker (the default) for recovery.
 */
export class InlineBackend {
  constructor(module) {
    this.module = module;
    this.instances = 0;
    this.queue = Promise.resolve();
    this.broken = null;
  }

  async start(init) {
    this.engine = await import('./engine.js');
    await this.engine.loadWasm(this.module);
    this.instances = 1;
    this.screener = this.engine.openScreener(init);
    return this.engine.filterInfo(this.screener);
  }

  run(job) {
    const result = this.queue.then(async () => {
      if (this.broken) throw failure(this.broken);
      try {
        return await job();
      } catch (err) {
        const error = this.engine.errorInfo(err);
        if (error.fatal) this.broken = error;
        throw failure(error);
      }
    });
    this.queue = result.catch(() => {});
    return result;
  }

  screen(source, onProgress) {
    return this.run(() => this.engine.screenBlob(this.screener, source, onProgress));
  }

  pixels(width, height, rgba) {
    return this.run(() => this.engine.screenPixels(this.screener, width, height, rgba));
  }

  trap() {
    return this.run(async () => (await this.engine.loadWasm()).__wbindgen_malloc(0xfffffff0, 1));
  }

  close() {
    this.broken = { code: 'closed', message: 'the screener was closed' };
  }
}
