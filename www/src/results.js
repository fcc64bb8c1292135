// The policy, and what it makes of a screening result: `allowed` (the file
// may be uploaded) and `flagged` (it may, but a person should look).

const POLICY_CHOICES = {
  pdq: ['flag', 'block'],
  unscreenable: ['allow', 'flag', 'block'],
  filterFailure: ['fail-open', 'fail-closed'],
};

/** The default policy; every field can be overridden in `createScreener`. */
export const DEFAULT_POLICY = Object.freeze({ pdq: 'flag', unscreenable: 'flag', filterFailure: 'fail-closed' });

/** The policy with defaults filled in; a TypeError names a bad field. */
export function normalisePolicy(policy = {}) {
  const out = { ...DEFAULT_POLICY };
  for (const [key, value] of Object.entries(policy ?? {})) {
    if (!(key in POLICY_CHOICES)) throw new TypeError(`prescreen: unknown policy field "${key}"`);
    if (!POLICY_CHOICES[key].includes(value)) {
      throw new TypeError(`prescreen: policy.${key} must be one of ${POLICY_CHOICES[key].join(', ')}`);
    }
    out[key] = value;
  }
  return Object.freeze(out);
}

/**
 * Error codes that mean screening never ran to a verdict for a reason that
 * is not the file's content. A cancelled or stopped file is never let
 * through; other failures go as `policy.filterFailure` says.
 */
const NEVER_ALLOWED = new Set(['aborted', 'closed']);

/** Only string codes travel: a DOMException's numeric `code` is not one of ours. */
export function errorOf(err, fallback = 'internal') {
  const code = typeof err?.code === 'string' ? err.code : fallback;
  return { code, message: String(err?.message ?? err) };
}

/** A result for a file that was not screened because of `error`. */
export function unscreened(file, error) {
  return {
    name: file?.name ?? '',
    size: file?.size ?? file?.byteLength ?? 0,
    verdict: 'unscreenable',
    reasons: [],
    hashes: {},
    timings: { read: 0, digest: 0, decode: 0, hash: 0, screen: 0, total: 0 },
    error: { code: error.code, message: error.message },
  };
}

/** Adds `allowed` and `flagged` to a result: from its `action`, or for a failure from `policy.filterFailure`. */
export function judge(policy, result) {
  let allowed;
  let flagged;
  if (result.error) {
    allowed = !NEVER_ALLOWED.has(result.error.code) && policy.filterFailure === 'fail-open';
    flagged = allowed;
    result.action = allowed ? 'flag' : 'block';
  } else {
    // The wasm applied the policy (pdq, unscreenable): its action decides.
    allowed = result.action !== 'block';
    flagged = result.action === 'flag';
  }
  return Object.assign(result, { allowed, flagged: Boolean(flagged) });
}

const EXTRA_VARIANTS = ['trim', 'resample', 'band', 'frame', 'deskew', 'screenshot', 'turned'];

/**
 * The `extraVariants` list as the wasm takes it (`"none"` for an empty list), or undefined for the default.
 * @param {ReadonlyArray<string> | null | undefined} list
 * @returns {string | undefined}
 */
export function extraVariantNames(list) {
  if (list == null) return undefined;
  if (!Array.isArray(list) || !list.every((name) => EXTRA_VARIANTS.includes(name))) {
    throw new TypeError(`prescreen: extraVariants must be an array of ${EXTRA_VARIANTS.join(', ')}`);
  }
  return list.length ? list.join(',') : 'none';
}

