// Hooks for prescreen's own tests, kept off the public screener object.
// package.json does not export this module: pages import only index.js.
import { backendOf } from './internals.js';

/**
 * The test hooks of a screener made by createScreener: `trap()` makes its
 * wasm instance trap (resolves to the error reply), `failNextHelp()` makes
 * the next file's helper worker report a failure, and `instances` counts the
 * wasm instances (workers) started.
 */
export function testHooks(screener) {
  const backend = backendOf.get(screener);
  return {
    trap: () => backend.trap(),
    failNextHelp() {
      backend.failHelp = true;
    },
    get instances() {
      return backend?.instances ?? 0;
    },
  };
}
