// The demo page: guards the form with prescreen, draws a result card per
// picked file and uploads only what the policy allows.
// Query parameters (used by the tests): filter, publicKey, worker=0, workers=N,
// decode=fast|exact, decoder=wasm|browser, timeout=MS,
// pdq=flag|block, unscreenable=allow|flag|block, filterFailure=fail-open|fail-closed.
import { guard } from '/pkg/index.js';

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);
const form = $('#upload-form');
const input = $('#file-input');
const results = $('#results');
const filterStatus = $('#filter-status');
const uploadStatus = $('#upload-status');
const dropZone = $('#drop-zone');

const VERDICT_TEXT = {
  block: 'Blocked: matches a listed file',
  flag: 'Flagged: looks like a listed image',
  allow: 'Allowed: no match',
  unscreenable: 'Unscreenable: could not be checked',
};

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c != null));
  return node;
}

function ms(x) {
  return `${x.toFixed(x < 10 ? 1 : 0)} ms`;
}

function reasonText(reason) {
  switch (reason.kind) {
    case 'digest': return `exact ${reason.digest.toUpperCase()} match`;
    case 'pdq': return `PDQ near-match (${reason.turn} orientation)`;
    case 'low-quality': return `too little detail for PDQ (quality ${reason.quality})`;
    case 'not-decoded': return `not decoded: ${reason.message} (${reason.code})`;
    case 'incomplete': return `only part of the picture arrived (${reason.damage}); that part matches nothing`;
    default: return reason.kind;
  }
}

/** The 256 bits of a PDQ hash as a 16x16 grid: dark = 1. */
function pdqGrid(hex) {
  const canvas = el('canvas', { width: 16, height: 16 });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `PDQ hash ${hex} drawn as 16 by 16 bits`);
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(16, 16);
  for (let bit = 0; bit < 256; bit++) {
    const on = (parseInt(hex[bit >> 2], 16) >> (3 - (bit & 3))) & 1;
    image.data.set(on ? [17, 24, 39, 255] : [243, 244, 246, 255], bit * 4);
  }
  ctx.putImageData(image, 0, 0);
  return el('figure', { className: 'pdq' }, canvas, el('figcaption', {}, el('code', { textContent: hex })));
}

const cards = new Map(); // File -> card element

function newCard(file) {
  const card = el('li', { className: 'card' });
  card.dataset.testid = 'result';
  card.dataset.filename = file.name;
  card.dataset.verdict = 'pending';
  const thumb = el('img', { className: 'thumb', alt: `Preview of ${file.name}` });
  thumb.addEventListener('error', () => thumb.replaceWith(el('div', { className: 'thumb', textContent: 'no preview' })));
  if (file.type.startsWith('image/')) thumb.src = URL.createObjectURL(file);
  const body = el('div', {},
    el('h3', { textContent: file.name }),
    el('p', { className: 'verdict', textContent: 'Screening…' }),
    el('ul', { className: 'reasons' }),
    el('p', { className: 'meta hashes' }),
    el('p', { className: 'meta timings' }),
    el('p', { className: 'left-device', textContent: 'Nothing has left this device.' }));
  card.append(thumb, body, el('div', { className: 'grid-slot' }));
  card.setAttribute('aria-busy', 'true');
  return card;
}

function fillCard(card, result, message) {
  card.dataset.verdict = result.verdict;
  card.dataset.allowed = String(result.allowed);
  card.removeAttribute('aria-busy');
  card.querySelector('.verdict').textContent = `${VERDICT_TEXT[result.verdict]}. ${message}`;
  const reasons = card.querySelector('.reasons');
  reasons.replaceChildren(...result.reasons.map((r) => el('li', { textContent: reasonText(r) })));
  if (result.error) reasons.append(el('li', { textContent: `error: ${result.error.message} (${result.error.code})` }));
  const size = result.width ? `${result.width}×${result.height}, ` : '';
  card.querySelector('.hashes').textContent =
    `${size}${result.size} bytes` + (result.hashes.sha256 ? ` · SHA-256 ${result.hashes.sha256.slice(0, 16)}…` : '') +
    (result.hashes.quality != null ? ` · PDQ quality ${result.hashes.quality}` : '');
  const t = result.timings;
  card.querySelector('.timings').textContent =
    `read ${ms(t.read)} · digests ${ms(t.digest)} · decode ${ms(t.decode)} · PDQ + filter ${ms(t.hash)} · total ${ms(t.total)}`;
  card.querySelector('.left-device').textContent = result.allowed
    ? 'Nothing has left this device yet: the file is sent only when you submit. Its hashes are never sent.'
    : 'Nothing has left this device, and this file will not be sent.';
  if (result.hashes.pdq) card.querySelector('.grid-slot').replaceChildren(pdqGrid(result.hashes.pdq));
}

const policy = {};
for (const key of ['pdq', 'unscreenable', 'filterFailure']) {
  if (params.has(key)) policy[key] = params.get(key);
}

// Card listeners first: a file already in the input is screened as soon as
// the guard exists, and its events must find its card.
input.addEventListener('prescreen:start', (event) => {
  cards.clear();
  results.replaceChildren();
  uploadStatus.textContent = '';
  for (const file of event.detail.files) {
    const card = newCard(file);
    cards.set(file, card);
    results.append(card);
  }
});
input.addEventListener('prescreen:result', (event) => {
  const card = cards.get(event.detail.file);
  if (card) fillCard(card, event.detail.result, event.detail.message);
});
input.addEventListener('prescreen:done', (event) => {
  const n = event.detail.removed.length;
  uploadStatus.textContent = n ? `${n} file${n > 1 ? 's were' : ' was'} removed from the form.` : '';
});
form.addEventListener('prescreen:refused', () => {
  uploadStatus.textContent = 'Upload refused: files cannot be checked right now (fail-closed).';
  uploadStatus.dataset.state = 'refused';
});

const guarded = guard(form, {
  filter: params.get('filter') ?? '/filter.psf',
  publicKey: params.get('publicKey') ?? undefined,
  worker: params.get('worker') !== '0',
  workers: params.has('workers') ? Number(params.get('workers')) : undefined,
  decode: params.get('decode') ?? undefined,
  decoder: params.get('decoder') ?? undefined,
  timeout: params.has('timeout') ? Number(params.get('timeout')) : undefined,
  policy,
});
const screener = await guarded.ready;
globalThis.prescreenDemo = { screener, guarded };

if (screener.loadError) {
  const closed = screener.policy.filterFailure === 'fail-closed';
  filterStatus.textContent = `The screener could not be loaded: ${screener.loadError.message} ` +
    `(${screener.loadError.code}). ` + (closed ? 'Uploads are refused (fail-closed).' : 'Files are allowed unscreened (fail-open).');
  filterStatus.dataset.state = 'failed';
} else {
  filterStatus.textContent = `Filter loaded. Policy: PDQ near-match → ${screener.policy.pdq}; ` +
    `unscreenable → ${screener.policy.unscreenable}; filter failure → ${screener.policy.filterFailure}.`;
  filterStatus.dataset.state = 'ready';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const files = [...input.files];
  if (files.length === 0) {
    uploadStatus.textContent = 'Nothing to upload.';
    uploadStatus.dataset.state = 'empty';
    return;
  }
  uploadStatus.textContent = `Uploading ${files.length} file(s)…`;
  const response = await fetch(form.action, { method: 'POST', body: new FormData(form) });
  const reply = await response.json().catch(() => ({}));
  if (response.ok) {
    uploadStatus.textContent = `Uploaded ${files.length} file(s); the server screened them again and stored them.`;
    uploadStatus.dataset.state = 'uploaded';
    for (const [file, card] of cards) {
      if (files.includes(file)) card.querySelector('.left-device').textContent = `Uploaded: the file (${file.size} bytes) was sent to this server.`;
    }
  } else {
    uploadStatus.textContent = `The server refused the upload (HTTP ${response.status}${reply.error ? `: ${reply.error}` : ''}).`;
    uploadStatus.dataset.state = 'refused';
  }
});

dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  input.files = event.dataTransfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
});
document.body.dataset.ready = 'true';
