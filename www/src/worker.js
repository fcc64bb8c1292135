// The module Web Worker that screens files off the page's main thread.
// Protocol: requests `{ id, type, ... }`; replies `{ id, ok: true, value }`,
// `{ id, ok: false, error: { code, message, fatal? } }`, or progress
// `{ id, progress }`. Requests run one at a time, in order. Nothing throws
// out of the handler: every failure becomes an error reply.
import { loadWasm, openScreener, filterInfo, screenBlob, digestBlob, screenPixels, errorInfo } from './engine.js';

let screener = null;
let queue = Promise.resolve();

async function handle(request) {
  switch (request.type) {
    case 'init': {
      await loadWasm(request.module);
      screener = openScreener(request);
      return filterInfo(screener);
    }
    case 'screen':
      return screenBlob(screener, request.file, (progress) => self.postMessage({ id: request.id, progress }), request.help);
    case 'digest':
      return digestBlob(screener, request.file, request.kinds);
    case 'pixels':
      return screenPixels(screener, request.width, request.height, new Uint8Array(request.data));
    case 'trap':
      // Test hook: a real trap in this instance (an impossible allocation aborts).
      return (await loadWasm()).__wbindgen_malloc(0xfffffff0, 1);
    default:
      throw Object.assign(new Error(`unknown request type ${request.type}`), { code: 'invalid-argument' });
  }
}

self.onmessage = (event) => {
  const request = event.data ?? {};
  queue = queue.then(async () => {
    let reply;
    try {
      if (request.type !== 'init' && request.type !== 'trap' && !screener) {
        throw Object.assign(new Error('the worker has no filter loaded'), { code: 'internal' });
      }
      reply = { id: request.id, ok: true, value: await handle(request) };
    } catch (err) {
      reply = { id: request.id, ok: false, error: errorInfo(err) };
    }
    try {
      self.postMessage(reply);
    } catch (err) {
      self.postMessage({ id: request.id, ok: false, error: errorInfo(err) });
    }
  });
};
