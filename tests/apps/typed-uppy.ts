// The Uppy plugin's declarations (www/src/uppy.d.ts) against Uppy 6's own
// types, under tsc --strict (make test-apps): what a TypeScript page writes.
import Uppy from '@uppy/core';
import type { Body, Meta, UppyFile } from '@uppy/core';
import type { Screener, ScreenResult } from 'prescreen';
import PrescreenPlugin from 'prescreen/uppy';

const uppy = new Uppy<Meta, Body>().use(PrescreenPlugin, {
  filter: '/filter.psf',
  policy: { pdq: 'block', filterFailure: 'fail-closed' },
  remote: 'block',
  infoDuration: 5000,
  onResult(result: ScreenResult, file: UppyFile<Meta, Body>) {
    console.log(file.name, result.verdict, result.allowed, result.error?.code);
  },
});

const plugin = uppy.getPlugin<PrescreenPlugin>('Prescreen');
const ready: Promise<Screener> | null | undefined = plugin?.ready;
ready?.then((screener) => console.log(screener.loadError?.code ?? 'ready'));

declare const shared: Promise<Screener>;
new Uppy().use(PrescreenPlugin, { screener: shared, id: 'Shared' });

// @ts-expect-error remote is 'block' or 'allow'
new Uppy().use(PrescreenPlugin, { filter: '/filter.psf', remote: 'sometimes' });
// @ts-expect-error a filter or a screener is needed
new Uppy().use(PrescreenPlugin, { policy: { pdq: 'block' } });
