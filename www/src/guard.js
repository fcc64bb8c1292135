// Form integration that fails closed. From the moment `guardForm` returns,
// no file in a guarded input is submitted unless it has a verdict the policy
// allows: files picked before the screener is ready wait for it, files
// already in the input are screened, a submit waits for every verdict, and
// files the policy refuses are removed (via DataTransfer). If the screener
// failed to load, its filter-failure policy decides (fail-closed: nothing is
// submitted). The person is told what happened to each file (status.js).
//
// Events (bubbling): on the input `prescreen:start` {files},
// `prescreen:progress` {file, progress}, `prescreen:result` {file, result,
// message} (in the order the files were picked), `prescreen:done`
// {results, removed, messages}; on the form
// `prescreen:ready` {screener}, `prescreen:failed` {error} and
// `prescreen:refused` {reason, error}. The input carries
// data-prescreen="waiting" | "screening" | "done" | "removed".
import { describe, StatusView } from './status.js';
import { errorOf, judge, unscreened } from './results.js';

function emit(target, type, detail) {
  target.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
}

const filesOf = (input) => [...(input.files ?? [])];

/**
 * Guards `target` (a `<form>`: all its file inputs; or one
 * `<input type=file>`) with the screener `loaded` resolves to. `loaded`
 * must never reject: a screener that failed to load carries `loadError`.
 * Returns `{ ready, settled(), detach() }`.
 * @param {HTMLFormElement | HTMLInputElement} target
 * @param {Promise<any>} loaded
 * @param {import('./index.js').GuardOptions} [options]
 */
export function guardForm(target, loaded, { onResult, onProgress, signal, status = true } = {}) {
  const isForm = target instanceof HTMLFormElement;
  const form = isForm ? target : target.form;
  /** Files whose verdict lets them through; nothing else is ever submitted. */
  const passed = new WeakSet();
  const watchers = new Map(); // input -> { state, run }
  const shared = status instanceof Element ? status : status ? form?.querySelector('[data-prescreen-status]') : null;
  const view = status === false ? null : new StatusView(shared ?? null);

  /** @returns {HTMLInputElement[]} */
  const inputs = () => (isForm ? [.../** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[type=file]'))] : [target]);

  function report(input, summary, lines) {
    view?.show(input, summary, lines);
  }

  function watch(input) {
    const state = { generation: 0, settled: Promise.resolve() };
    const run = () => {
      const generation = ++state.generation;
      const files = filesOf(input);
      if (files.length === 0) {
        delete input.dataset.prescreen;
        report(input, '');
        state.settled = Promise.resolve();
        emit(input, 'prescreen:start', { files });
        emit(input, 'prescreen:done', { results: [], removed: [], messages: [] });
        return;
      }
      input.dataset.prescreen = 'waiting';
      emit(input, 'prescreen:start', { files });
      report(input, 'Preparing to check the files…');
      state.settled = loaded.then((ready) => screenBatch(ready, input, files, () => generation === state.generation));
    };
    input.addEventListener('change', run);
    const watcher = { state, run, detach: () => input.removeEventListener('change', run) };
    watchers.set(input, watcher);
    // Files already in the input (picked before this guard existed) are screened too.
    if (filesOf(input).length > 0) run();
    return watcher;
  }

  async function screenBatch(ready, input, files, current) {
    if (current()) {
      input.dataset.prescreen = 'screening';
      report(input, `Checking ${files.length === 1 ? '1 file' : `${files.length} files`}…`);
    }
    // In parallel (the worker pool); reported in the order the files were picked.
    const lines = [];
    /** @type {Promise<any>} */
    let reported = Promise.resolve();
    const pairs = await Promise.all(
      files.map((file) => {
        // screen() settles every failure as a result; this catch is the last line of defence.
        const progress = (p) => {
          if (!current()) return;
          onProgress?.(file, p, input);
          emit(input, 'prescreen:progress', { file, progress: p });
        };
        const screened = ready.screen(file, { onProgress: progress, signal }).catch((error) => judge(ready.policy, unscreened(file, errorOf(error))));
        reported = reported.then(async () => {
          const result = await screened;
          const message = describe(result);
          if (current()) {
            lines.push(message);
            report(input, 'Checking…', lines);
            onResult?.(result, file, input);
            emit(input, 'prescreen:result', { file, result, message });
          }
          return { file, result, message };
        });
        return reported;
      }),
    );
    if (!current()) return;
    for (const { file, result } of pairs) if (result.allowed) passed.add(file);
    const removed = pairs.filter(({ result }) => !result.allowed).map(({ file }) => file);
    if (removed.length > 0) {
      const transfer = new DataTransfer();
      for (const file of filesOf(input)) if (!removed.includes(file)) transfer.items.add(file);
      input.files = transfer.files; // setting .files fires no change event
    }
    input.dataset.prescreen = removed.length > 0 ? 'removed' : 'done';
    const summary = removed.length === 0 ? '' : `${removed.length === 1 ? '1 file was' : `${removed.length} files were`} removed.`;
    report(input, summary, lines);
    emit(input, 'prescreen:done', { results: pairs.map(({ result }) => result), removed, messages: lines });
  }

  const watcherOf = (input) => watchers.get(input) ?? watch(input);

  /** Resolves when every file in every guarded input has a verdict. */
  async function settled() {
    for (;;) {
      const all = inputs().map(watcherOf);
      const generations = all.map((w) => w.state.generation);
      await Promise.all(all.map((w) => w.state.settled));
      if (all.every((w, i) => w.state.generation === generations[i])) return;
    }
  }

  /** Inputs holding a file without a passing verdict (set by script, or newly added). */
  const unpassed = () => inputs().filter((input) => filesOf(input).some((file) => !passed.has(file)));

  let releasing = false;
  let waiting = false;

  function refuse(error) {
    for (const input of inputs()) report(input, `Nothing was sent: files cannot be checked right now (${error.code}).`);
    emit(form, 'prescreen:refused', { reason: 'filter-failure', error });
  }

  /** Waits for every verdict, then submits what passed (never an empty file part). */
  async function release(submitter) {
    for (;;) {
      const ready = await loaded;
      if (ready.loadError && ready.policy.filterFailure === 'fail-closed') return refuse(ready.loadError);
      await settled();
      const stale = unpassed();
      if (stale.length === 0) {
        // requestSubmit() is ignored while this submit event is dispatched: submit in a later task.
        await new Promise((resolve) => setTimeout(resolve));
        if (unpassed().length === 0) break;
      } else {
        // A file without a passing verdict is screened now; a refused one is removed.
        stale.forEach((input) => watcherOf(input).run());
      }
    }
    // A file input left empty would post a nameless, empty file part.
    const empty = inputs().filter((input) => !input.disabled && filesOf(input).length === 0);
    for (const input of empty) input.disabled = true;
    releasing = true;
    try {
      form.requestSubmit(submitter ?? undefined);
    } finally {
      releasing = false;
      for (const input of empty) input.disabled = false;
    }
  }

  const onSubmit = (event) => {
    if (releasing) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (waiting) return;
    waiting = true;
    release(event.submitter).finally(() => {
      waiting = false;
    });
  };

  for (const input of inputs()) watcherOf(input);
  form?.addEventListener('submit', onSubmit, { capture: true });
  // form.submit() skips submit events: send it through requestSubmit so the guard sees it.
  const ownSubmit = Object.hasOwn(form ?? {}, 'submit');
  if (form && !ownSubmit) form.submit = () => form.requestSubmit();
  // The embed keeps its controls disabled (<fieldset disabled data-prescreen>)
  // until the form is guarded, so nothing can be picked or sent before.
  const held = form ? [...form.querySelectorAll('fieldset[data-prescreen][disabled]')].map((f) => /** @type {HTMLFieldSetElement} */ (f)) : [];
  for (const fieldset of held) fieldset.disabled = false;

  const ready = loaded.then((ready) => {
    if (ready.loadError) {
      const closed = ready.policy.filterFailure === 'fail-closed';
      for (const input of inputs()) {
        if (filesOf(input).length === 0) {
          report(input, closed ? `Files cannot be checked right now (${ready.loadError.code}): nothing will be uploaded.` : `Files cannot be checked right now (${ready.loadError.code}); they will be uploaded for review.`);
        }
      }
      if (form) emit(form, 'prescreen:failed', { error: ready.loadError });
    } else if (form) {
      emit(form, 'prescreen:ready', { screener: ready });
    }
    return ready;
  });

  return {
    /** Resolves to the screener once loaded (check its `loadError`). */
    ready,
    settled,
    detach() {
      for (const watcher of watchers.values()) watcher.detach();
      watchers.clear();
      form?.removeEventListener('submit', onSubmit, { capture: true });
      if (form && !ownSubmit) delete form.submit;
      view?.remove();
    },
  };
}
