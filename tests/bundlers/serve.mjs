// A static file server on 127.0.0.1 (free port) for the bundler tests: the
// built app, plus the filter at /filter.psf; optionally with CORS headers
// (the second origin acting as a CDN) and with some paths answering 404.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.psf': 'application/octet-stream',
  '.json': 'application/json',
};

/**
 * Serves `dir` (and `files`, a map from URL path to file path); resolves to
 * `{ url, close() }`. `cors` adds `Access-Control-Allow-Origin: *`;
 * `missing` lists URL paths that answer 404 even if the file exists.
 */
export function serveStatic(dir, { files = {}, cors = false, missing = [] } = {}) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const headers = cors ? { 'access-control-allow-origin': '*' } : {};
    const file = files[path] ?? join(dir, normalize(path === '/' ? '/index.html' : path));
    try {
      if (missing.includes(path) || !file.startsWith(dir) && !files[path]) throw new Error('not served');
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      response.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, headers);
      response.end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
    });
  });
}
