// Drop-in form integration: screens files when an <input type=file> changes,
// removes files the policy does not allow (via DataTransfer), holds a form's
// submission until every file is screened, and fires events a page can style.
//
// Events (bubbling, on the input): `prescreen:start` {files},
// `prescreen:result` {file, result} (in the order the files were picked),
// `prescreen:done` {results, removed}.
// On the form: `prescreen:refused` {reason} when submission is refused.
// Attributes: the input gets data-prescreen="screening" | "done" | "removed".

function emit(target, type, detail) {
  target.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
}

function watchInput(screener, input, onResult) {
  const state = { generation: 0, settled: Promise.resolve([]) };
  const onChange = () => {
    const generation = ++state.generation;
    const files = [...(input.files ?? [])];
    input.dataset.prescreen = 'screening';
    emit(input, 'prescreen:start', { files });
    // Files are screened in parallel (the worker pool); results are
    // reported in the order the files were picked.
    let reported = Promise.resolve();
    state.settled = Promise.all(
      files.map((file) => {
        const screened = screener.screen(file);
        reported = reported.then(async () => {
          const result = await screened;
          if (generation === state.generation) {
            onResult?.(result, file, input);
            emit(input, 'prescreen:result', { file, result });
          }
          return { file, result };
        });
        return reported;
      }),
    ).then((pairs) => {
      if (generation !== state.generation) return state.settled;
      const kept = pairs.filter(({ result }) => result.allowed);
      const removed = pairs.filter(({ result }) => !result.allowed).map(({ file }) => file);
      if (removed.length > 0) {
        const transfer = new DataTransfer();
        for (const { file } of kept) transfer.items.add(file);
        input.files = transfer.files; // setting .files fires no change event
      }
      input.dataset.prescreen = removed.length > 0 ? 'removed' : 'done';
      emit(input, 'prescreen:done', { results: pairs.map(({ result }) => result), removed });
      return pairs;
    });
  };
  input.addEventListener('change', onChange);
  return { state, detach: () => input.removeEventListener('change', onChange) };
}

/**
 * Attaches `screener` to an `<input type=file>` or to every file input of a
 * `<form>`. Returns `{ detach, settled() }`; `settled()` resolves when every
 * picked file is screened.
 */
export function attachTo(screener, target, { onResult } = {}) {
  const form = target instanceof HTMLFormElement ? target : target.form;
  const inputs =
    target instanceof HTMLFormElement ? [...target.querySelectorAll('input[type=file]')] : [target];
  const watchers = inputs.map((input) => watchInput(screener, input, onResult));
  const settled = async () => {
    // A change during the wait starts a new generation; wait for the latest.
    for (;;) {
      const generations = watchers.map((w) => w.state.generation);
      await Promise.all(watchers.map((w) => w.state.settled));
      if (watchers.every((w, i) => w.state.generation === generations[i])) return;
    }
  };

  let releasing = false;
  const onSubmit = (event) => {
    if (releasing) return;
    const refuse = screener.filterError && screener.policy.filterFailure === 'fail-closed';
    event.preventDefault();
    event.stopImmediatePropagation();
    if (refuse) {
      emit(form, 'prescreen:refused', { reason: 'filter-failure', error: screener.filterError });
      return;
    }
    const submitter = event.submitter;
    // Resubmit in a later task: during this submit event's dispatch the form
    // ignores requestSubmit() (its "firing submission events" flag is set).
    settled().then(() =>
      setTimeout(() => {
        releasing = true;
        try {
          form.requestSubmit(submitter ?? undefined);
        } finally {
          releasing = false;
        }
      }),
    );
  };
  form?.addEventListener('submit', onSubmit, { capture: true });

  return {
    settled,
    detach() {
      watchers.forEach((w) => w.detach());
      form?.removeEventListener('submit', onSubmit, { capture: true });
    },
  };
}
