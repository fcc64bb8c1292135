/** What a PDQ near-match, an unscreenable file and a screener that cannot load lead to. */
export interface Policy {
  /** A PDQ near-match flags the file (default) or blocks it. */
  pdq?: 'flag' | 'block';
  /**
   * A file whose picture could not be checked (not an image, no pixels
   * decoded, too large to decode, too little detail for PDQ): let through
   * (`'allow'`), let through marked for review (`'flag'`, the default), or
   * removed (`'block'`). Its digests are always checked.
   */
  unscreenable?: 'allow' | 'flag' | 'block';
  /**
   * When screening cannot run (the wasm, a worker or the filter cannot be
   * loaded or verified; a worker dies, a file times out): let files through
   * marked for review (`'fail-open'`), or remove them and refuse to submit
   * the form (`'fail-closed'`, the default). Cancelled (`aborted`) and
   * stopped (`closed`) files are never let through.
   */
  filterFailure?: 'fail-open' | 'fail-closed';
}

/** The default policy: `{ pdq: 'flag', unscreenable: 'flag', filterFailure: 'fail-closed' }`. */
export declare const DEFAULT_POLICY: Readonly<Required<Policy>>;

/** Options of {@link createScreener}. */
export interface ScreenerOptions {
  /** The filter: a URL (fetched, kept in the Cache API, revalidated with ETag) or its bytes. */
  filter: string | URL | ArrayBuffer | Uint8Array;
  /** The list owner's Ed25519 public key (64 hex digits or 32 bytes): the filter must be signed by it. */
  publicKey?: string | Uint8Array | ArrayBuffer;
  /** Screen in module Web Workers (default true); false screens on the page's thread. */
  worker?: boolean;
  /**
   * The most workers screening several files at once (each loads the filter
   * once). By default `navigator.hardwareConcurrency`, never more than 4; a
   * worker starts only when every running one is busy. A file of 1 MB or
   * more gets its MD5 from a second, idle worker while the first decodes it.
   */
  workers?: number;
  /**
   * How our wasm decodes images for PDQ. `'fast'` (the default in the
   * browser) decodes baseline JPEGs of 2048 pixels or more a side at 1/4 or
   * 1/8 scale: the PDQ hash may differ from the exact one by a few bits
   * (2 on the conformance photos, up to 6 on fine detail; docs/DESIGN-decoding.md),
   * far inside the match radius. `'exact'` decodes every pixel, as the CLI
   * and the server always do.
   */
  decode?: 'fast' | 'exact';
  /**
   * Which decoder gives PDQ its pixels. `'wasm'` (default): ours (JPEG, PNG,
   * GIF, WebP, BMP, PNM). `'browser'`: the browser's own (`createImageBitmap`
   * + `OffscreenCanvas`), for formats ours cannot read (AVIF; HEIC where the
   * browser can). Chromium applies the EXIF orientation, so a rotated photo
   * hashes as displayed (see docs/EMBED.md). Digests always come from the bytes.
   */
  decoder?: 'wasm' | 'browser';
  /**
   * Extra PDQ queries besides the image as it is, as `prescreen check
   * --extra-variants` takes them: `'trim'` (uniform borders cut off),
   * `'resample'` (images under 512x512 stretched to it), `'band'` (a caption
   * band or side panel cut off), `'frame'` (the picture inside a blurred-copy,
   * noise or gradient frame), `'deskew'` (a picture turned a few degrees on
   * a flat-filled canvas, turned back), `'screenshot'` (the photo inside a
   * screenshot), `'turned'` (those in all eight turns). An empty array
   * queries the image only. By default the CLI's default, every one but
   * `'turned'` (docs/EVALUATION.md, "Query-side variants").
   */
  extraVariants?: ReadonlyArray<'trim' | 'resample' | 'band' | 'frame' | 'deskew' | 'screenshot' | 'turned'>;
  /** The policy; every field is optional (see {@link DEFAULT_POLICY}). */
  policy?: Policy;
  /**
   * Milliseconds one file may take in a worker before the worker is
   * replaced and the file fails with `timeout` (default 60000). Not
   * enforced with `worker: false`.
   */
  timeout?: number;
  /** The wasm: a compiled module or its URL. By default `prescreen_wasm_bg.simd.wasm` next to this file where the browser runs wasm SIMD, else `prescreen_wasm_bg.wasm`. */
  wasm?: WebAssembly.Module | string | URL;
}

/**
 * Why screening could not run: the wasm (`wasm-unavailable`), a worker
 * (`worker-unavailable`), the filter (`filter-*`, the same codes as the
 * CLI's JSON), options a page passed to `guard` (`invalid-argument`), a
 * worker that trapped or died (`internal`), a file over `timeout`
 * (`timeout`), a file the browser could not read (`unreadable`), a
 * cancelled file (`aborted`) or a closed screener (`closed`).
 */
export type ScreenErrorCode =
  | 'wasm-unavailable'
  | 'worker-unavailable'
  | 'filter-unavailable'
  | 'filter-magic'
  | 'filter-version'
  | 'filter-truncated'
  | 'filter-checksum'
  | 'filter-malformed'
  | 'filter-signature'
  | 'filter-expired'
  | 'invalid-argument'
  | 'internal'
  | 'timeout'
  | 'unreadable'
  | 'aborted'
  | 'closed';

/** A stable error with a string `code`. */
export interface ScreenError {
  code: ScreenErrorCode;
  message: string;
}

/** The eight rotations and mirrors a PDQ match may be found under: the reference's names, spelled the same in the CLI's and the server's JSON. */
export type Turn = 'original' | 'rotate90' | 'rotate180' | 'rotate270' | 'flipX' | 'flipY' | 'flipPlus1' | 'flipMinus1';

/** Why a verdict is what it is. */
export type Reason =
  | { kind: 'digest'; digest: 'md5' | 'sha1' | 'sha256' }
  | { kind: 'pdq'; turn: Turn }
  | { kind: 'low-quality'; quality: number }
  | { kind: 'not-decoded'; code: string; message: string }
  /** Only part of the picture arrived (a cut file) and that part matched nothing: no verdict on the rest. */
  | { kind: 'incomplete'; damage: Damage };

/** How a damaged file was damaged; it was decoded as a browser shows it. */
export type Damage = 'truncated' | 'missing-end' | 'bad-checksum';

/** The hashes computed on the device (lower-case hex); none leave it. Only the digests the filter has sections for are computed. */
export interface Hashes {
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** The PDQ hash of the image as it is (64 hex digits). */
  pdq?: string;
  /** PDQ quality, 0..100. */
  quality?: number;
}

/** Milliseconds spent on each step. */
export interface Timings {
  read: number;
  /** The digests the filter needs (wasm, and WebCrypto for SHA-1/SHA-256 where faster). */
  digest: number;
  /** Decoding the image (wasm or browser). */
  decode: number;
  /** PDQ (with dihedral variants) and the filter probe. */
  hash: number;
  /** `decode + hash`. */
  screen: number;
  total: number;
}

/** The result of screening one file. */
export interface ScreenResult {
  name: string;
  size: number;
  verdict: 'block' | 'flag' | 'allow' | 'unscreenable';
  /** What the policy makes of the verdict: `unscreenable` becomes `allow`, `flag` or `block` (`policy.unscreenable`). */
  action: 'block' | 'flag' | 'allow';
  /** Whether the policy lets this file be uploaded. */
  allowed: boolean;
  /** Let through, but a person should look (a PDQ near-match, an unscreenable file under `unscreenable: 'flag'`, a failure under fail-open). */
  flagged: boolean;
  reasons: Reason[];
  hashes: Hashes;
  width?: number;
  height?: number;
  /** Set when the image was decoded from a damaged file, as a browser shows it (and hashed and matched like any image). */
  damaged?: Damage;
  timings: Timings;
  /** Set when screening could not run for this file; the verdict is then `unscreenable`, and `allowed` follows `policy.filterFailure`. */
  error?: ScreenError;
}

/**
 * Where a file's screening is: reading it (`read`, bytes), its digests
 * streamed in wasm (`digest`, bytes; only for the kinds not computed
 * elsewhere), decoding the image (`decode`), then PDQ and the filter match
 * (`hash`). Reported for every file, with or without workers.
 */
export type Progress =
  | { phase: 'read' | 'digest'; done: number; total: number }
  | { phase: 'decode' | 'hash' };

/** What `guard` and `attach` take besides the screener's options. */
export interface GuardOptions {
  /** Called with each file's result, in the order the files were picked. */
  onResult?: (result: ScreenResult, file: File, input: HTMLInputElement) => void;
  /** Called as each file's screening moves on (also the `prescreen:progress` event). */
  onProgress?: (file: File, progress: Progress, input: HTMLInputElement) => void;
  /**
   * Aborting it cancels the screening of every file being screened and of
   * every file picked later: they are `aborted` and removed, never allowed.
   */
  signal?: AbortSignal;
  /**
   * Where the person is told what happened to each file: `true` (default)
   * writes into an element with `data-prescreen-status` inside the form, or
   * creates a `role="status"` live region after each input; an Element to
   * write into; `false` for none (listen to the events instead).
   */
  status?: boolean | Element;
}

/** A handle on a guarded input or form. */
export interface Attachment {
  /** Resolves to the screener once loaded; check its `loadError`. */
  readonly ready: Promise<Screener>;
  /** Resolves when every picked file is screened. */
  settled(): Promise<void>;
  /** Removes the listeners and the status elements it created. */
  detach(): void;
}

/** A loaded filter with a policy. */
export interface Screener {
  readonly policy: Readonly<Required<Policy>>;
  /** The decode mode and decoder chosen. */
  readonly options: Readonly<{ decode: 'fast' | 'exact'; decoder: 'wasm' | 'browser' }>;
  /** Why the screener could not be made ready (wasm, worker or filter), or null. */
  readonly loadError: ScreenError | null;
  /** Facts about the loaded filter, or null when it failed. */
  readonly filterInfo: { wantsPixels: boolean; maxDecodeBytes: number; digests: Array<'md5' | 'sha1' | 'sha256'> } | null;
  /**
   * Screens one file. Never rejects for a bad file or a failure: those are
   * in `error`. A Uint8Array or ArrayBuffer is transferred to the worker
   * (detached here). Aborting `signal` settles the result at once as
   * `aborted` (never allowed).
   */
  screen(file: Blob | ArrayBuffer | Uint8Array, options?: { onProgress?: (p: Progress) => void; signal?: AbortSignal }): Promise<ScreenResult>;
  /** Screens raw pixels (e.g. from a canvas); PDQ only, no digests. */
  screenPixels(image: { width: number; height: number; data: Uint8ClampedArray | Uint8Array }): Promise<ScreenResult>;
  /** Guards an input or form with this screener, as {@link guard} does. */
  attach(target: HTMLInputElement | HTMLFormElement, options?: GuardOptions): Attachment;
  /** Stops the workers: files being screened, and any screened later, are `closed` and never allowed. */
  close(): void;
}

/**
 * Loads the wasm, the workers and the filter. Rejects only for invalid
 * options (TypeError); a load failure resolves with `loadError` set.
 */
export declare function createScreener(options: ScreenerOptions): Promise<Screener>;

/**
 * The safe embed: guards `target` at once and loads the screener behind
 * it. Files picked before it is ready wait for it; a submit waits for every
 * verdict; files the policy refuses are removed; if loading fails (even
 * for invalid options) the filter-failure policy decides. Enables any
 * `<fieldset disabled data-prescreen>` in the form once it is guarded.
 */
export declare function guard(target: HTMLInputElement | HTMLFormElement, options: ScreenerOptions & GuardOptions): Attachment;

/** Same as `screener.attach(target, options)`. */
export declare function attach(screener: Screener, target: HTMLInputElement | HTMLFormElement, options?: GuardOptions): Attachment;

/** The `detail` of each event the guard fires. */
export interface PrescreenEventMap {
  'prescreen:start': { files: File[] };
  'prescreen:progress': { file: File; progress: Progress };
  'prescreen:result': { file: File; result: ScreenResult; message: string };
  'prescreen:done': { results: ScreenResult[]; removed: File[]; messages: string[] };
  'prescreen:ready': { screener: Screener };
  'prescreen:failed': { error: ScreenError };
  'prescreen:refused': { reason: 'filter-failure'; error: ScreenError };
}

declare global {
  interface HTMLElementEventMap {
    'prescreen:start': CustomEvent<PrescreenEventMap['prescreen:start']>;
    'prescreen:progress': CustomEvent<PrescreenEventMap['prescreen:progress']>;
    'prescreen:result': CustomEvent<PrescreenEventMap['prescreen:result']>;
    'prescreen:done': CustomEvent<PrescreenEventMap['prescreen:done']>;
    'prescreen:ready': CustomEvent<PrescreenEventMap['prescreen:ready']>;
    'prescreen:failed': CustomEvent<PrescreenEventMap['prescreen:failed']>;
    'prescreen:refused': CustomEvent<PrescreenEventMap['prescreen:refused']>;
  }
}
