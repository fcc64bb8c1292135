/** What a PDQ near-match, an unscreenable file and a filter failure lead to. */
export interface Policy {
  /** A PDQ near-match flags the file (default) or blocks it. */
  pdq?: 'flag' | 'block';
  /** An unscreenable file (not an image, undecodable, too large to decode) is allowed (default) or blocked. */
  unscreenable?: 'allow' | 'block';
  /** When the filter cannot be fetched or verified: allow every file, or block every file and refuse form submission (default). */
  filterFailure?: 'fail-open' | 'fail-closed';
}

/** The default policy: `{ pdq: 'flag', unscreenable: 'allow', filterFailure: 'fail-closed' }`. */
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
  /** The policy; every field is optional (see {@link DEFAULT_POLICY}). */
  policy?: Policy;
  /** The wasm: a compiled module or its URL. By default `prescreen_wasm_bg.simd.wasm` next to this file where the browser runs wasm SIMD, else `prescreen_wasm_bg.wasm`. */
  wasm?: WebAssembly.Module | string | URL;
}

/** A stable error: `code` is the same code the CLI's JSON carries (e.g. `corrupt`, `filter-checksum`, `internal`). */
export interface ScreenError {
  code: string;
  message: string;
}

/** Why a verdict is what it is. */
export type Reason =
  | { kind: 'digest'; digest: 'md5' | 'sha1' | 'sha256' }
  | { kind: 'pdq'; variant: string }
  | { kind: 'low-quality'; quality: number }
  | { kind: 'not-decoded'; code: string; message: string };

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
  /** Whether the policy lets this file be uploaded. */
  allowed: boolean;
  reasons: Reason[];
  hashes: Hashes;
  width?: number;
  height?: number;
  timings: Timings;
  /** Set when the file could not be screened (or the filter failed); the verdict is then `unscreenable`. */
  error?: ScreenError;
}

/** Progress while digests are streamed. */
export interface Progress {
  phase: 'digest';
  done: number;
  total: number;
}

/** A handle on an attached input or form. */
export interface Attachment {
  /** Resolves when every picked file is screened. */
  settled(): Promise<void>;
  /** Removes the listeners. */
  detach(): void;
}

/** A loaded filter with a policy. */
export interface Screener {
  readonly policy: Readonly<Required<Policy>>;
  /** The decode mode and decoder chosen. */
  readonly options: Readonly<{ decode: 'fast' | 'exact'; decoder: 'wasm' | 'browser' }>;
  /** Why the filter could not be loaded or verified, or null. */
  readonly filterError: ScreenError | null;
  /** Facts about the loaded filter, or null when it failed. */
  readonly filterInfo: { wantsPixels: boolean; maxDecodeBytes: number; digests: Array<'md5' | 'sha1' | 'sha256'> } | null;
  /**
   * Screens one file. Never rejects for a bad file: failures are in `error`.
   * A Uint8Array or ArrayBuffer is transferred to the worker (detached here).
   */
  screen(file: Blob | ArrayBuffer | Uint8Array, options?: { onProgress?: (p: Progress) => void }): Promise<ScreenResult>;
  /** Screens raw pixels (e.g. from a canvas); PDQ only, no digests. */
  screenPixels(image: { width: number; height: number; data: Uint8ClampedArray | Uint8Array }): Promise<ScreenResult>;
  /**
   * Screens files as they are picked in an `<input type=file>` (or every file
   * input of a `<form>`), removes files the policy does not allow, and holds
   * submission until all are screened. Fires `prescreen:start`,
   * `prescreen:result`, `prescreen:done` on the input and `prescreen:refused`
   * on the form.
   */
  attach(target: HTMLInputElement | HTMLFormElement, options?: { onResult?: (result: ScreenResult, file: File, input: HTMLInputElement) => void }): Attachment;
  /** Stops the workers. */
  close(): void;
}

/** Loads the wasm and the filter. Resolves even when the filter fails (see `filterError`). */
export declare function createScreener(options: ScreenerOptions): Promise<Screener>;

/** Same as `screener.attach(target, options)`. */
export declare function attach(screener: Screener, target: HTMLInputElement | HTMLFormElement, options?: { onResult?: (result: ScreenResult, file: File, input: HTMLInputElement) => void }): Attachment;
