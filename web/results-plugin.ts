import { createReadStream, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

/**
 * Serves the results directory under /results/ in `vite dev` and `vite preview`: GET and HEAD only, only
 * regular files inside it (no listing, no `..`, no symlink tricks beyond what resolve() removes). Files go
 * out as they are on disk: a .gz trace is sent as application/gzip without Content-Encoding, so the
 * browser hands the dashboard the gzip bytes, which it decompresses and checks itself.
 */
const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.gz': 'application/gzip',
  '.ndjson': 'application/x-ndjson; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
};

export function resultsHandler(dir: string) {
  const root = resolve(dir);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    const m = /^\/results\/([^?#]*)/.exec(url);
    if (!m) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      return void res.end();
    }
    let rel: string;
    try {
      rel = decodeURIComponent(m[1]!);
    } catch {
      res.statusCode = 400;
      return void res.end('bad path');
    }
    const file = resolve(root, rel);
    if (!file.startsWith(root + sep) || rel.split('/').includes('..')) {
      res.statusCode = 403;
      return void res.end('outside results/');
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.statusCode = 404;
      return void res.end(`results/${rel} not found`);
    }
    const ext = Object.keys(TYPES).find((e) => file.endsWith(e));
    res.setHeader('Content-Type', ext ? TYPES[ext]! : 'application/octet-stream');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };
}

export function resultsPlugin(dir: string): Plugin {
  return {
    name: 'shardsim-results',
    configureServer(server) {
      server.middlewares.use(resultsHandler(dir));
    },
    configurePreviewServer(server) {
      server.middlewares.use(resultsHandler(dir));
    },
  };
}
