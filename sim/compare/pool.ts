import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { executeRun, type ExecuteOptions, type RunRecord } from './execute.js';
import type { RunSpec } from './plan.js';
import type { WorkerTask } from './worker.js';

/**
 * Runs a comparison's specs, serially or on worker threads. Each run depends only on its spec, so the
 * records (and every file) are the same either way; results come back in spec order whatever order the
 * workers finish in. The largest runs are dispatched first so that no core idles at the end.
 */

export interface PoolOptions {
  readonly jobs: number;
  /** Wall clock in ms for the serial path (the workers read their own). */
  readonly clockMs: () => number;
  /** Called as each run finishes (in completion order), for progress output. */
  readonly onDone?: (record: RunRecord, done: number, total: number) => void;
}

type WorkerReply =
  | { index: number; record: RunRecord }
  | { index: number; error: { name: string; message: string; stack: string } };

/** Estimated cost of a run, to dispatch the big ones first: nodes × simulated seconds. */
function cost(spec: RunSpec, opts: ExecuteOptions): number {
  return spec.scenario.nodes * Math.min(spec.scenario.durationSeconds, opts.untilSeconds ?? Infinity);
}

export async function runAll(specs: readonly RunSpec[], opts: ExecuteOptions, pool: PoolOptions): Promise<RunRecord[]> {
  const jobs = Math.max(1, Math.min(pool.jobs, specs.length));
  const results: RunRecord[] = new Array<RunRecord>(specs.length);
  if (jobs === 1) {
    specs.forEach((spec, i) => {
      results[i] = executeRun(spec, opts, pool.clockMs);
      pool.onDone?.(results[i]!, i + 1, specs.length);
    });
    return results;
  }
  const order = specs.map((_, i) => i).sort((a, b) => cost(specs[b]!, opts) - cost(specs[a]!, opts) || a - b);
  const workers = Array.from({ length: jobs }, () => startWorker());
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (next >= order.length) return;
        const index = order[next++]!;
        const task: WorkerTask = { index, spec: specs[index]!, opts };
        w.postMessage(task);
      };
      for (const w of workers) {
        w.on('message', (reply: WorkerReply) => {
          if ('error' in reply) {
            const e = new Error(`run ${specs[reply.index]!.relDir}: ${reply.error.message}`);
            e.stack = `${e.message}\n${reply.error.stack}`;
            reject(e);
            return;
          }
          results[reply.index] = reply.record;
          done++;
          pool.onDone?.(reply.record, done, specs.length);
          if (done === specs.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (done < specs.length) reject(new Error(`a compare worker exited with code ${code} before the runs finished`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/**
 * A worker running worker.js beside this module. Under the TypeScript sources (vitest, tsx) the worker is
 * worker.ts, which Node cannot load by itself: the worker first registers tsx's loader, then imports it.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL('./worker.js', here));
  // tsx's ESM entry of its API, read from its package exports (require.resolve would give the CJS one).
  const pkgPath = createRequire(here).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsxApi = pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}
