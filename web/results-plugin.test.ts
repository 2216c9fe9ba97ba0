import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsHandler } from './results-plugin.js';

/** The /results/ middleware: only files inside the results directory, bytes as on disk. */
let server: Server;
let port = 0;
let tmp = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'shardsim-results-'));
  mkdirSync(join(tmp, 'results/run a'), { recursive: true });
  writeFileSync(join(tmp, 'results/index.json'), '{"ok":true}');
  writeFileSync(join(tmp, 'results/run a/trace.columnar.json.gz'), gzipSync('{"header":1}'));
  writeFileSync(join(tmp, 'secret.txt'), 'SECRET-CONTENT');
  const handle = resultsHandler(join(tmp, 'results'));
  server = createServer((req, res) => handle(req, res, () => res.writeHead(418).end('next')));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A raw GET (no URL normalisation by the client, so `..` reaches the server as sent). */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('results middleware', () => {
  it('serves files under results/, gzip traces as bytes without Content-Encoding', async () => {
    const idx = await get('/results/index.json');
    expect([idx.status, idx.body.toString()]).toEqual([200, '{"ok":true}']);
    const tr = await get('/results/run%20a/trace.columnar.json.gz?x=1');
    expect(tr.status).toBe(200);
    expect(tr.headers['content-type']).toBe('application/gzip');
    expect(tr.headers['content-encoding']).toBeUndefined();
    expect([tr.body[0], tr.body[1]]).toEqual([0x1f, 0x8b]);
  });

  it('refuses to leave results/, to list directories, and to write', async () => {
    for (const p of ['/results/../secret.txt', '/results/%2e%2e/secret.txt', '/results/run%20a/..%2f..%2fsecret.txt']) {
      const r = await get(p);
      expect(r.status, p).toBe(403);
      expect(r.body.toString()).not.toContain('SECRET-CONTENT');
    }
    expect((await get('/results/run%20a')).status).toBe(404);
    expect((await get('/results/missing.json')).status).toBe(404);
    expect((await get('/results/index.json', 'PUT')).status).toBe(405);
  });

  it('leaves every other path to the next handler', async () => {
    expect((await get('/index.html')).status).toBe(418);
    expect((await get('/resultsx/index.json')).status).toBe(418);
  });
});
