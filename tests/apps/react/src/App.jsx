// An upload form whose file list lives in React state. The file input is
// only a picker: what it picks is screened, the input is cleared, and only
// files the policy allows join the list that is uploaded with fetch.
import { useState } from 'react';
import { usePrescreen } from './usePrescreen.js';

/** Why a file was refused, in a few words. */
function why(result) {
  if (result.error) return `it could not be checked (${result.error.code})`;
  if (result.verdict === 'block') return 'it matches a known file';
  return 'it could not be checked';
}

export default function App() {
  const { ready, loadError, screen } = usePrescreen({ filter: '/filter.psf', policy: { pdq: 'block' } });
  const [files, setFiles] = useState([]);
  const [notes, setNotes] = useState([]);
  const [checking, setChecking] = useState(0);
  const [sent, setSent] = useState(null);

  async function pick(event) {
    const picked = [...event.target.files];
    event.target.value = '';
    setChecking((n) => n + picked.length);
    const screened = await screen(picked);
    setChecking((n) => n - picked.length);
    setFiles((kept) => [...kept, ...screened.filter(({ result }) => result.allowed).map(({ file }) => file)]);
    setNotes((all) => [...all, ...screened.map(({ file, result }) => ({ name: file.name, allowed: result.allowed, why: why(result) }))]);
  }

  async function upload(event) {
    event.preventDefault();
    const body = new FormData();
    for (const file of files) body.append('file', file);
    const response = await fetch('/upload', { method: 'POST', body });
    setSent(response.ok ? `${files.length} uploaded` : `upload failed (${response.status})`);
    setFiles([]);
  }

  const status = loadError
    ? `Files cannot be checked right now (${loadError.code}): nothing will be uploaded.`
    : !ready
      ? 'Loading the checker…'
      : checking > 0
        ? `Checking ${checking}…`
        : '';
  return (
    <form onSubmit={upload}>
      <input type="file" multiple accept="image/*" aria-label="Choose images" onChange={pick} />
      <p role="status">{status}</p>
      <ul>
        {notes.map((note, i) => (
          <li key={i} data-allowed={String(note.allowed)}>
            {note.allowed ? `${note.name}: ready to upload` : `${note.name}: refused, ${note.why}`}
          </li>
        ))}
      </ul>
      <button disabled={files.length === 0 || checking > 0}>Upload {files.length === 1 ? '1 file' : `${files.length} files`}</button>
      {sent && <p data-testid="sent">{sent}</p>}
    </form>
  );
}
