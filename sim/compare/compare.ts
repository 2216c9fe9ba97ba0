import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OutputTransaction } from '../trace/atomic.js';
import type { TraceFormat } from '../run/output.js';
import type { ComparePlan } from './plan.js';
import type { RunRecord } from './execute.js';
import { aggregate, compareMetrics, type CompareGroup } from './metrics.js';
import { buildReport, type CompareReport } from './report.js';
import { runAll } from './pool.js';

/**
 * A whole comparison: run every spec of the plan (on `jobs` worker threads), then write the compare
 * directory's own files in one transaction, so a comparison interrupted before the end leaves complete
 * run directories but no summary.csv or figure that would mix old and new runs.
 */

export interface CompareOptions {
  readonly dir: string;
  readonly jobs: number;
  readonly traceFormat: TraceFormat;
  readonly untilSeconds?: number;
  readonly clockMs: () => number;
  readonly onDone?: (record: RunRecord, done: number, total: number) => void;
}

export interface CompareResult {
  readonly records: readonly RunRecord[];
  readonly groups: readonly CompareGroup[];
  readonly report: CompareReport;
  /** The compare directory's own files, as written (paths including `dir`). */
  readonly files: readonly string[];
}

export async function runCompare(plan: ComparePlan, opts: CompareOptions): Promise<CompareResult> {
  const records = await runAll(
    plan.runs,
    {
      compareDir: opts.dir,
      traceFormat: opts.traceFormat,
      warmupSeconds: plan.warmupSeconds,
      ...(opts.untilSeconds !== undefined ? { untilSeconds: opts.untilSeconds } : {}),
    },
    { jobs: opts.jobs, clockMs: opts.clockMs, ...(opts.onDone ? { onDone: opts.onDone } : {}) },
  );
  const groups = aggregate(records, compareMetrics(plan.warmupSeconds));
  const report = buildReport(plan, records, groups);
  const tx = new OutputTransaction();
  try {
    // compare.json last: it marks the directory complete.
    const names = Object.keys(report.files).sort((a, b) => Number(a === 'compare.json') - Number(b === 'compare.json') || (a < b ? -1 : 1));
    for (const name of names) {
      const path = join(opts.dir, name);
      mkdirSync(dirname(path), { recursive: true });
      tx.stage(path, report.files[name]!);
    }
    return { records, groups, report, files: tx.commit() };
  } catch (e) {
    tx.abort();
    throw e;
  }
}
