// A typed embed, checked with `tsc --strict --noEmit` (make test-types): the
// declarations in www/src/index.d.ts must describe what a page really uses.
import { createScreener, guard, DEFAULT_POLICY, type ScreenResult, type ScreenErrorCode, type Progress } from 'prescreen';

const form = document.querySelector('form')!;
const input = form.querySelector<HTMLInputElement>('input[type=file]')!;
const controller = new AbortController();

const guarded = guard(form, {
  filter: '/filter.psf',
  policy: { pdq: 'block', unscreenable: DEFAULT_POLICY.unscreenable },
  signal: controller.signal,
  status: document.querySelector<HTMLElement>('#status') ?? true,
  onProgress(file: File, progress: Progress) {
    if (progress.phase === 'read' || progress.phase === 'digest') console.log(file.name, progress.done / progress.total);
  },
});

input.addEventListener('prescreen:result', (event) => {
  const { file, result, message } = event.detail;
  const label: string = `${file.name}: ${result.verdict} ${result.allowed ? '' : '(removed)'} ${message}`;
  console.log(label, result.flagged, result.damaged ?? 'intact');
});
input.addEventListener('prescreen:done', (event) => console.log(event.detail.removed.length, event.detail.messages.join('\n')));
form.addEventListener('prescreen:failed', (event) => {
  const code: ScreenErrorCode = event.detail.error.code;
  console.log(code);
});

async function byHand(file: File): Promise<boolean> {
  const screener = await guarded.ready;
  if (screener.loadError) return screener.policy.filterFailure === 'fail-open';
  const result: ScreenResult = await screener.screen(file, { signal: AbortSignal.timeout(30_000) });
  for (const reason of result.reasons) {
    if (reason.kind === 'pdq') console.log('near-match as', reason.turn);
    if (reason.kind === 'digest') console.log('exact', reason.digest);
  }
  return result.allowed;
}

const standalone = await createScreener({ filter: new Uint8Array(0), worker: false, decode: 'exact', timeout: 5_000 });
standalone.close();
void byHand;
