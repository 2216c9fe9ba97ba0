import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { preview } from 'vite';

/**
 * Serve the built dashboard (web/dist) with `vite preview` on 127.0.0.1, with the results directory under
 * /results/, and say where: `npm run dashboard` (after `vite build`) and the end-to-end test both use it.
 *
 *   tsx web/serve.ts [--port 4173] [--results results] [--group NAME]
 *
 * The printed URL opens the comparison group asked for, else the newest one in results/index.json.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

export interface DashboardOptions {
  resultsDir?: string;
  /** 0 = any free port. */
  port?: number;
  group?: string | null;
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** The group to open: the one asked for, else the last group listed in results/index.json, else none. */
export function newestGroup(resultsDir: string): string | null {
  const file = join(resultsDir, 'index.json');
  if (!existsSync(file)) return null;
  try {
    const idx = JSON.parse(readFileSync(file, 'utf8')) as { runs?: { group?: string | null }[] };
    const groups = (idx.runs ?? []).map((r) => r.group).filter((g): g is string => typeof g === 'string');
    return groups.at(-1) ?? null;
  } catch {
    return null; // the dashboard itself reports a broken index
  }
}

export async function startDashboard(opts: DashboardOptions = {}): Promise<Dashboard> {
  const resultsDir = resolve(opts.resultsDir ?? join(ROOT, 'results'));
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is missing: build the dashboard first (npx vite build)');
  }
  process.env['SHARDSIM_RESULTS'] = resultsDir;
  const port = opts.port === 0 ? await freePort() : (opts.port ?? 4173);
  const server = await preview({
    configFile: join(ROOT, 'vite.config.ts'),
    root: join(ROOT, 'web'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: opts.port === 0, open: false },
  });
  const local = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  const group = opts.group === undefined ? newestGroup(resultsDir) : opts.group;
  const url = group ? `${local}?group=${encodeURIComponent(group)}` : local;
  return {
    url,
    close: () =>
      new Promise<void>((ok) => {
        const http = server.httpServer as { close(cb: () => void): void; closeAllConnections?: () => void };
        http.close(() => ok());
        http.closeAllConnections?.();
      }),
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = arg('port');
  startDashboard({
    ...(port !== undefined ? { port: Number(port) } : {}),
    ...(arg('results') !== undefined ? { resultsDir: arg('results')! } : {}),
    ...(arg('group') !== undefined ? { group: arg('group')! } : {}),
  }).then(
    (d) => {
      process.stdout.write(`\nshardsim dashboard: ${d.url}\n(serving results/ read-only on 127.0.0.1; Ctrl+C to stop)\n`);
    },
    (e: unknown) => {
      process.stderr.write(`shardsim dashboard: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
