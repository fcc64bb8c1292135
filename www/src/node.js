// prescreen in Node backends: the same wasm and the same screening as the
// browser package, on the calling thread (no workers), for Buffers and
// files on disk; and an Express middleware that re-checks multipart
// uploads, because a client can always skip the page's screen.
import { readFile } from 'node:fs/promises';
import { loadWasm, openScreener, filterInfo, screenBlob, errorInfo } from './engine.js';
import { normalisePolicy, extraVariantNames, judge } from './results.js';

const wasmFile = new URL('./prescreen_wasm_bg.simd.wasm', import.meta.url);

/** The filter's bytes from a path, Buffer, Uint8Array or ArrayBuffer. */
async function filterBytes(filter) {
  if (filter instanceof Uint8Array) return new Uint8Array(filter);
  if (filter instanceof ArrayBuffer) return new Uint8Array(filter.slice(0));
  if (typeof filter === 'string' || filter instanceof URL) return new Uint8Array(await readFile(filter));
  throw new TypeError('prescreen: filter must be a path, URL, Buffer, Uint8Array or ArrayBuffer');
}

function fail(err) {
  const { code, message } = errorInfo(err);
  return Object.assign(new Error(`prescreen: ${message}`), { code });
}

/**
 * Loads the wasm and the filter; rejects (with a `code`) when either fails,
 * so a server does not start without its screen. `decode` is `'exact'` by
 * default (bit-exact with the CLI and the reference server).
 */
/**
 * @param {{ filter: string | URL | Uint8Array | ArrayBuffer, publicKey?: string | Uint8Array, policy?: import('./index.js').Policy, decode?: 'fast' | 'exact', extraVariants?: import('./index.js').ScreenerOptions['extraVariants'] }} options
 */
export async function createScreener({ filter, publicKey, policy, decode = 'exact', extraVariants }) {
  const chosen = normalisePolicy(policy);
  const extras = extraVariantNames(extraVariants);
  let engine;
  try {
    await loadWasm(await readFile(wasmFile));
    engine = openScreener({ filter: await filterBytes(filter), publicKey, pdq: chosen.pdq, unscreenable: chosen.unscreenable, decode, decoder: 'wasm', extraVariants: extras });
  } catch (err) {
    throw fail(err);
  }
  // One file at a time: screening is synchronous wasm between awaits.
  let queue = Promise.resolve();
  const run = (job) => {
    const result = queue.then(job);
    queue = result.catch(() => {});
    return result;
  };
  return {
    policy: chosen,
    /** Facts about the loaded filter (`wantsPixels`, `maxDecodeBytes`, `digests`). */
    filterInfo: filterInfo(engine),
    /** Screens bytes (Buffer, Uint8Array, ArrayBuffer or Blob); `name` is reported back. */
    screen(bytes, { name = '' } = {}) {
      const source = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
      if (!(source instanceof Uint8Array) && !(source instanceof Blob)) {
        return Promise.reject(new TypeError('prescreen: screen() takes a Buffer, Uint8Array, ArrayBuffer or Blob'));
      }
      const size = source instanceof Blob ? source.size : source.byteLength;
      return run(async () => {
        try {
          return judge(chosen, { name, size, ...(await screenBlob(engine, source)) });
        } catch (err) {
          throw fail(err);
        }
      });
    },
    /** Reads and screens a file on disk. */
    async screenFile(path) {
      return this.screen(new Uint8Array(await readFile(path)), { name: String(path).split(/[\\/]/).pop() });
    },
  };
}

/**
 * Express (or plain `node:http`) middleware that screens every file of a
 * multipart/form-data request. A request with a refused file gets 451 and
 * JSON `{ error: 'blocked', files }`, and the route never runs; otherwise
 * `req.files` holds `{ fieldname, originalname, mimetype, size, buffer,
 * prescreen }` for each file (multer's shape, plus the result) and
 * `req.body` the text fields. Bodies over `limit` bytes (default 64 MB)
 * get 413 before they are read whole. Other requests pass untouched.
 */
/**
 * @param {{ screener: Awaited<ReturnType<typeof createScreener>>, limit?: number }} options
 */
export function expressMiddleware({ screener, limit = 64 << 20 }) {
  if (!screener) throw new TypeError('prescreen: expressMiddleware needs { screener }');
  return async (req, res, next) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(type)) return next();
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reply(res, 413, { error: 'too-large' }, true);
    let form;
    try {
      const body = await readLimited(req, limit);
      if (!body) return reply(res, 413, { error: 'too-large' }, true);
      form = await new Response(body, { headers: { 'content-type': type } }).formData();
    } catch (err) {
      return reply(res, 400, { error: 'bad-request', message: String(err?.message ?? err) });
    }
    const files = [];
    const fields = {};
    for (const [fieldname, value] of form.entries()) {
      if (typeof value === 'string') {
        fields[fieldname] = value;
        continue;
      }
      const buffer = Buffer.from(await value.arrayBuffer());
      let result;
      try {
        result = await screener.screen(buffer, { name: value.name });
      } catch (err) {
        return reply(res, 500, { error: err.code ?? 'internal', message: err.message });
      }
      files.push({ fieldname, originalname: value.name, mimetype: value.type, size: buffer.length, buffer, prescreen: result });
    }
    const report = files.map((f) => ({ name: f.originalname, size: f.size, verdict: f.prescreen.verdict, allowed: f.prescreen.allowed, flagged: f.prescreen.flagged, reasons: f.prescreen.reasons }));
    if (files.some((f) => !f.prescreen.allowed)) return reply(res, 451, { error: 'blocked', files: report });
    req.files = files;
    req.body = fields;
    return next();
  };
}

/** The request body, or null as soon as it passes `limit` bytes (the rest is not read). */
function readLimited(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let total = 0;
    const onData = (chunk) => {
      total += chunk.length;
      if (total <= limit) return chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Sends JSON; `close` ends the connection after it (a body left unread). */
function reply(res, status, value, close = false) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  if (close) res.setHeader('Connection', 'close');
  res.end(JSON.stringify(value));
}
