// An Uppy plugin that screens files before Uppy uploads them. Each file is
// screened as it is added; files the policy refuses are removed from Uppy,
// with the reason shown in its Dashboard (`uppy.info`); and a preprocessor
// holds every upload (a click, autoProceed, a retry, `upload()` by script)
// until each of its files has a verdict that allows it, for the bytes Uppy
// holds at that moment. If the screener cannot load, `policy.filterFailure`
// decides (fail-closed by default: nothing is uploaded). It needs nothing
// from Uppy's packages: `uppy.use()` takes any class of this shape.
import { createScreener } from './index.js';
import { describe } from './status.js';
import { errorOf, judge, normalisePolicy, unscreened, DEFAULT_POLICY } from './results.js';

const REMOTE_CHOICES = ['block', 'allow'];
const VERSION = '0.1.0';

/** Stands in for a screener whose options were invalid: every file gets `error` under `policy`. */
function refusingScreener(options, error) {
  let policy = DEFAULT_POLICY;
  try {
    policy = normalisePolicy(options.policy);
  } catch {
    // An invalid policy fails closed with the defaults.
  }
  return { policy, loadError: error, screen: async (file) => judge(policy, unscreened(file, error)), close() {} };
}

/**
 * A file Uppy imports through Companion (a URL, a cloud drive): its bytes
 * go from that service to the upload target and never pass through the
 * page, so there is nothing to screen here.
 */
function remoteResult(file, remote) {
  const error = { code: 'unreadable', message: 'a file imported from another service has no bytes on this device' };
  const allowed = remote === 'allow';
  return { ...unscreened(file, error), allowed, flagged: allowed };
}

/** What the person is told about a remote file. */
function describeRemote(result) {
  return result.allowed
    ? `${result.name}: not checked, it comes from another service; it will be uploaded for review.`
    : `${result.name}: removed, files from other services cannot be checked on this device.`;
}

/**
 * The prescreen plugin for Uppy: `uppy.use(PrescreenPlugin, { filter: '/filter.psf', policy: { pdq: 'block' } })`.
 * Options besides those of `createScreener`: `id` (default `'Prescreen'`),
 * `screener` (a screener, or a promise of one, to use instead of creating
 * one; it is not closed on uninstall), `remote` (`'block'`, the default, or
 * `'allow'` for files imported through Companion), `infoDuration` (how long
 * Uppy's Informer shows a message, default 10000 ms) and `onResult(result, file)`.
 */
export default class PrescreenPlugin {
  /** Verdict checks per Uppy file id: the Blob screened -> a promise of its result. */
  #checks = new Map();
  #loaded = null;
  #installed = false;
  #screenerOptions;
  #given;

  /**
   * @param {any} uppy The Uppy instance (`uppy.use()` passes it).
   * @param {Partial<import('./index.js').ScreenerOptions> & {
   *   id?: string,
   *   screener?: import('./index.js').Screener | Promise<import('./index.js').Screener>,
   *   remote?: 'block' | 'allow',
   *   infoDuration?: number,
   *   onResult?: (result: import('./index.js').ScreenResult, file: any) => void,
   * }} [options]
   */
  constructor(uppy, { id = 'Prescreen', screener, remote = 'block', infoDuration = 10_000, onResult, ...screenerOptions } = {}) {
    if (!REMOTE_CHOICES.includes(remote)) throw new TypeError(`prescreen: remote must be one of ${REMOTE_CHOICES.join(', ')}`);
    /** The Uppy instance this plugin belongs to. */
    this.uppy = uppy;
    /** Uppy's plugin id. */
    this.id = id;
    /** Uppy's plugin type: it changes what is uploaded, as Compressor does. */
    this.type = 'modifier';
    /** The options, as Uppy and the Dashboard read them (no `target`: this plugin draws nothing). */
    this.opts = { ...screenerOptions, screener, id, remote, infoDuration, onResult };
    /** The package version, which Uppy logs. */
    this.VERSION = VERSION;
    /** No strings of its own: the messages are the package's (English). */
    this.defaultLocale = { strings: {} };
    this.i18n = (key) => key;
    this.i18nArray = (key) => [key];
    this.#screenerOptions = screenerOptions;
    this.#given = screener;
  }

  /** Called by `uppy.use()`: loads the screener, screens files added from now on and those already added, and holds uploads. */
  install() {
    this.#installed = true;
    const loading = this.#given ? Promise.resolve(this.#given) : createScreener(this.#screenerOptions);
    this.#loaded = loading.catch((err) => {
      console.error(err);
      return refusingScreener(this.#screenerOptions, errorOf(err, 'invalid-argument'));
    });
    this.#loaded.then((screener) => this.#announce(screener));
    this.uppy.on('file-added', this.#onFileAdded);
    this.uppy.on('file-removed', this.#onFileRemoved);
    this.uppy.addPreProcessor(this.#preprocess);
    for (const file of this.uppy.getFiles()) this.#check(file);
  }

  /** Called by `uppy.removePlugin()` and `uppy.destroy()`: uploads are no longer held. */
  uninstall() {
    this.#installed = false;
    this.uppy.off('file-added', this.#onFileAdded);
    this.uppy.off('file-removed', this.#onFileRemoved);
    this.uppy.removePreProcessor(this.#preprocess);
    this.#checks.clear();
    if (!this.#given) this.#loaded?.then((screener) => screener.close());
  }

  /** Uppy calls this on every state change; the plugin draws nothing. */
  update() {}

  /** Uppy calls this after a render; the plugin draws nothing. */
  afterUpdate() {}

  /** Uppy calls this when its locale changes; the plugin's options are fixed at `use()`. */
  setOptions() {}

  /** The plugin has no strings of its own to translate (its messages are the package's). */
  i18nInit() {}

  /** The plugin draws nothing, so no other plugin can mount into it. */
  addTarget() {
    return null;
  }

  /** This plugin's slice of Uppy's state (`plugins[id]`), as every Uppy plugin has. */
  getPluginState() {
    return this.uppy.getState().plugins?.[this.id] ?? {};
  }

  /** Merges `update` into this plugin's slice of Uppy's state. */
  setPluginState(update) {
    const { plugins } = this.uppy.getState();
    this.uppy.setState({ plugins: { ...plugins, [this.id]: { ...plugins?.[this.id], ...update } } });
  }

  /** Resolves to the screener once loaded (check its `loadError`). */
  get ready() {
    return this.#loaded;
  }

  #onFileAdded = (file) => {
    this.#check(file);
  };

  #onFileRemoved = (file) => {
    this.#checks.delete(file.id);
  };

  #announce(screener) {
    if (!this.#installed || !screener.loadError) return;
    const closed = screener.policy.filterFailure === 'fail-closed';
    const code = screener.loadError.code;
    const message = closed
      ? `Files cannot be checked right now (${code}): nothing will be uploaded.`
      : `Files cannot be checked right now (${code}); they will be uploaded for review.`;
    this.uppy.info(message, closed ? 'error' : 'warning', this.opts.infoDuration);
  }

  /** The check of the bytes `file` holds now, started once per Blob. */
  #check(file) {
    let checks = this.#checks.get(file.id);
    if (!checks) this.#checks.set(file.id, (checks = new Map()));
    let check = checks.get(file.data);
    if (!check) {
      check = this.#screen(file).then((result) => this.#settle(file.id, result));
      checks.set(file.data, check);
    }
    return check;
  }

  async #screen(file) {
    const screener = await this.#loaded;
    const name = file.meta?.name ?? file.name ?? '';
    if (file.isRemote) return remoteResult({ name, size: file.size ?? 0 }, this.opts.remote);
    let result;
    try {
      result = await screener.screen(file.data);
    } catch (err) {
      // Not a Blob (a file restored without its bytes): nothing can be read.
      result = judge(screener.policy, unscreened(file, errorOf(err, 'unreadable')));
    }
    // A Blob has no name; the person knows the file by the name Uppy shows.
    result.name = name;
    return result;
  }

  /** Tells the person what a verdict means for the file, and removes a refused one. */
  #settle(id, result) {
    const file = this.uppy.getFile(id);
    if (!this.#installed || !file) return result;
    const message = file.isRemote ? describeRemote(result) : describe(result);
    if (!result.allowed) {
      this.uppy.info(message, 'error', this.opts.infoDuration);
      this.#remove(id, message);
    } else if (result.flagged) {
      this.uppy.info(message, 'warning', this.opts.infoDuration);
    }
    try {
      this.opts.onResult?.(result, file);
    } catch (err) {
      // The page's callback cannot change the verdict, nor stop the removal.
      console.error(err);
    }
    return result;
  }

  #remove(id, message) {
    // Marked failed first: uploaders skip files in error.
    this.uppy.setFileState(id, { error: message });
    try {
      this.uppy.removeFile(id);
    } catch {
      // The uploader cannot drop one file from a running upload (XHRUpload's
      // `bundle: true`); the preprocessor stops that upload instead.
    }
  }

  /** Whether every check of file `id` allows it, including a check of the bytes it holds once the others settle. */
  async #cleared(id) {
    for (;;) {
      const file = this.uppy.getFile(id);
      if (!file) return true; // removed: it is no longer part of the upload
      this.#check(file);
      const checks = this.#checks.get(id);
      const results = await Promise.all(checks.values());
      if (results.some((result) => !result.allowed)) return false;
      // Its bytes may have been replaced while it was being checked.
      const now = this.uppy.getFile(id);
      if (!now || checks.get(now.data)) return true;
    }
  }

  /** Uppy's preprocessor: holds the upload until every file in it is cleared. */
  #preprocess = async (fileIDs) => {
    const files = fileIDs.map((id) => this.uppy.getFile(id)).filter(Boolean);
    for (const file of files) this.uppy.emit('preprocess-progress', file, { mode: 'indeterminate', message: 'Checking…' });
    const cleared = await Promise.all(files.map((file) => this.#cleared(file.id)));
    for (const file of files) {
      const now = this.uppy.getFile(file.id);
      if (now) this.uppy.emit('preprocess-complete', now);
    }
    const refused = files.filter((file, i) => !cleared[i] && this.uppy.getFile(file.id)).map((file) => file.id);
    if (refused.length > 0) {
      // Still in Uppy: the uploader could not drop them. Nothing of this
      // upload is sent; they are removed once Uppy has dropped it.
      setTimeout(() => {
        try {
          this.uppy.removeFiles(refused.filter((id) => this.uppy.getFile(id)));
        } catch {
          // Held by another running upload, whose preprocessor refuses them too.
        }
      });
      throw new Error('prescreen: this upload held files the policy refuses; nothing was sent');
    }
  };
}
