// What the person picking files is told: one sentence per file, and an
// accessible status element next to the input that shows them. The same
// sentences travel in the guard's events, so a page that replaces the
// element (`status: false`) can show them its own way.

const REASON_TEXT = {
  'unsupported-format': 'not an image this page can check',
  'too-large': 'too large to check',
  truncated: 'damaged',
  corrupt: 'damaged',
  'low-quality': 'too little detail to compare',
};

/** Why a file could not be checked, in a few words. */
function unscreenableWhy(result) {
  if (result.reasons.some((r) => r.kind === 'incomplete')) return 'it could not be checked (only part of the picture arrived)';
  const reason = result.reasons.find((r) => r.kind === 'not-decoded' || r.kind === 'low-quality');
  if (!reason) return 'it could not be checked';
  const words = REASON_TEXT[reason.kind === 'low-quality' ? 'low-quality' : reason.code] ?? 'it could not be read as an image';
  return `it could not be checked (${words})`;
}

/** One sentence saying what happened to a screened file, and why. */
export function describe(result) {
  const name = result.name || 'The file';
  const error = result.error;
  if (error) {
    const why =
      error.code === 'aborted'
        ? 'checking was cancelled'
        : error.code === 'closed'
          ? 'checking was stopped'
          : `files cannot be checked right now (${error.code})`;
    return result.allowed ? `${name}: not checked, ${why}; it will be uploaded for review.` : `${name}: removed, ${why}.`;
  }
  const damaged = result.damaged ? ' The file is damaged.' : '';
  switch (result.verdict) {
    case 'block':
      return `${name}: removed, it matches a known file.${damaged}`;
    case 'flag':
      return `${name}: will be uploaded and reviewed, it resembles a known image.${damaged}`;
    case 'unscreenable':
      if (!result.allowed) return `${name}: removed, ${unscreenableWhy(result)}.`;
      return `${name}: ${unscreenableWhy(result)}; it will be uploaded${result.flagged ? ' for review' : ''}.`;
    default:
      return `${name}: checked.${damaged}`;
  }
}

/**
 * The status shown next to each guarded input: `role="status"` with a
 * polite live region, a summary line and a line per file. `where` is an
 * element to write into (one for every input), or null to create one
 * after each input.
 */
export class StatusView {
  constructor(where) {
    this.shared = where;
    this.owned = new Map(); // input -> element created here
  }

  element(input) {
    if (this.shared) return this.shared;
    let el = this.owned.get(input);
    if (!el) {
      el = document.createElement('div');
      el.className = 'prescreen-status';
      el.setAttribute('role', 'status');
      el.setAttribute('aria-live', 'polite');
      input.after(el);
      this.owned.set(input, el);
    }
    return el;
  }

  show(input, summary, lines = []) {
    const el = this.element(input);
    const head = document.createElement('p');
    head.textContent = summary;
    const list = document.createElement('ul');
    for (const line of lines) {
      const item = document.createElement('li');
      item.textContent = line;
      list.append(item);
    }
    el.replaceChildren(...(summary ? [head] : []), ...(lines.length ? [list] : []));
    el.dataset.state = input.dataset.prescreen ?? '';
  }

  /** Removes the elements this view created. */
  remove() {
    for (const el of this.owned.values()) el.remove();
    this.owned.clear();
  }
}
