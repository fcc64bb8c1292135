// A React hook around prescreen's createScreener() and screen(). The
// screener loads once per mounted component and is closed on unmount;
// files screened before it is ready wait for it. `screen(files)` never
// rejects: it resolves to `[{ file, result }]`, and only files whose
// `result.allowed` is true may be uploaded.
import { useCallback, useEffect, useRef, useState } from 'react';
import { createScreener } from 'prescreen';

function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/** Stands in for a screener whose options were invalid: every file is refused. */
function refusing(err) {
  const loadError = { code: 'invalid-argument', message: String(err?.message ?? err) };
  const screen = async (file) => ({ name: file.name, size: file.size, verdict: 'unscreenable', allowed: false, flagged: false, reasons: [], hashes: {}, error: loadError });
  return { loadError, screen, close() {} };
}

/**
 * `usePrescreen(options)`: `options` are createScreener's, read on the
 * first render. Returns `{ ready, loadError, screen(files, { signal }) }`.
 */
export function usePrescreen(options) {
  const [initial] = useState(options);
  const slot = useRef(null);
  if (slot.current === null) slot.current = deferred();
  const [state, setState] = useState({ ready: false, loadError: null });

  useEffect(() => {
    const loading = createScreener(initial).catch(refusing);
    slot.current.resolve(loading);
    let live = true;
    loading.then((screener) => live && setState({ ready: true, loadError: screener.loadError }));
    return () => {
      live = false;
      // Files still being screened by this screener are `closed`, never allowed.
      slot.current = deferred();
      loading.then((screener) => screener.close());
    };
  }, [initial]);

  const screen = useCallback(async (files, screenOptions) => {
    const screener = await slot.current.promise;
    return Promise.all(Array.from(files, async (file) => ({ file, result: await screener.screen(file, screenOptions) })));
  }, []);

  return { ...state, screen };
}
