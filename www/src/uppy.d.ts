import type { BasePlugin, Body, Meta, Uppy, UppyFile } from '@uppy/core';
import type { ScreenerOptions, Screener, ScreenResult } from './index.js';

/** Options of {@link PrescreenPlugin}: those of `createScreener`, and these. */
export type PrescreenPluginOptions<M extends Meta = Meta, B extends Body = Body> = (
  | ScreenerOptions
  | (Partial<ScreenerOptions> & {
      /** A screener (or a promise of one) to use instead of creating one from the other options; it is not closed on uninstall. */
      screener: Screener | Promise<Screener>;
    })
) & {
  /** Uppy's plugin id (default `'Prescreen'`). */
  id?: string;
  /**
   * Files imported through Companion (a URL, a cloud drive), whose bytes
   * never pass through the page: removed (`'block'`, the default) or
   * uploaded marked for review (`'allow'`).
   */
  remote?: 'block' | 'allow';
  /** How long Uppy's Informer shows a message about a file, in ms (default 10000). */
  infoDuration?: number;
  /** Called with each file's result once it is screened (after a refused file was removed). */
  onResult?: (result: ScreenResult, file: UppyFile<M, B>) => void;
};

/**
 * Screens files before Uppy uploads them: `uppy.use(PrescreenPlugin, { filter: '/filter.psf' })`.
 * Files are screened as they are added; those the policy refuses are
 * removed, with the reason in Uppy's Informer (the Dashboard shows it);
 * every upload (the upload button, `autoProceed`, a retry) waits until each
 * of its files has a verdict that allows it, for the bytes it holds then.
 * If the screener cannot load, `policy.filterFailure` decides (fail-closed
 * by default: nothing is uploaded). Needs no Uppy package at run time.
 */
export default class PrescreenPlugin<M extends Meta = Meta, B extends Body = Body> extends BasePlugin<
  PrescreenPluginOptions<M, B>,
  M,
  B
> {
  constructor(uppy: Uppy<M, B>, options: PrescreenPluginOptions<M, B>);
  /** Resolves to the screener once loaded (check its `loadError`); null before `install()`. */
  readonly ready: Promise<Screener> | null;
}
