import { parentPort } from 'node:worker_threads';
import { executeRun, type ExecuteOptions } from './execute.js';
import type { RunSpec } from './plan.js';
import { wallNow } from '../cli/progress.js';

/**
 * Worker-thread entry of the compare pool (pool.ts): runs one spec per message and posts the record back.
 * A run shares nothing with other runs, so it gives the same bytes here as in the main thread (DESIGN §3).
 */

export interface WorkerTask {
  readonly index: number;
  readonly spec: RunSpec;
  readonly opts: ExecuteOptions;
}

const port = parentPort;
if (!port) throw new Error('sim/compare/worker.ts must run in a worker thread');
port.on('message', (task: WorkerTask) => {
  try {
    port.postMessage({ index: task.index, record: executeRun(task.spec, task.opts, wallNow) });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ index: task.index, error: { name: err.name, message: err.message, stack: err.stack ?? '' } });
  }
});
