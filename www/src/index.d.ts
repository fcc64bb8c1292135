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
  /** Screen in a module Web Worker (default true); false screens on the page's thread. */
  worker?: boolean;
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

/** The hashes computed on the device (lower-case hex); none leave it. */
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
  digest: number;
  /** Decode, PDQ (with dihedral variants) and the filter probe. */
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
  /** Why the filter could not be loaded or verified, or null. */
  readonly filterError: ScreenError | null;
  /** Facts about the loaded filter, or null when it failed. */
  readonly filterInfo: { wantsPixels: boolean; maxDecodeBytes: number } | null;
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
  /** Stops the worker. */
  close(): void;
}

/** Loads the wasm and the filter. Resolves even when the filter fails (see `filterError`). */
export declare function createScreener(options: ScreenerOptions): Promise<Screener>;

/** Same as `screener.attach(target, options)`. */
export declare function attach(screener: Screener, target: HTMLInputElement | HTMLFormElement, options?: { onResult?: (result: ScreenResult, file: File, input: HTMLInputElement) => void }): Attachment;
