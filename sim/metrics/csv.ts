import { metricsBuckets, perSecond, type MetricsBucketEvent } from './series.js';

/**
 * metrics.csv (DESIGN §9): tidy data, one row per (bucket, metric), ready for pandas or R:
 * `time_s,metric,value`, where time_s is the bucket's start in simulated seconds. Rates are per second of
 * the bucket's own length (the last bucket may be short). Latency rows are omitted for buckets without a
 * sample rather than written as -1, so a plot or a mean never mistakes "no data" for a value.
 */

const RATE_METRICS = [
  ['offered_tps', 'offered'],
  ['confirmed_tps', 'confirmed'],
  ['finalized_tps', 'finalized'],
  ['aborted_tps', 'aborted'],
] as const;

const LATENCY_METRICS = [
  ['confirm_p50_ms', 'confirmP50Ms'],
  ['confirm_p99_ms', 'confirmP99Ms'],
  ['final_p50_ms', 'finalP50Ms'],
  ['final_p99_ms', 'finalP99Ms'],
] as const;

export const METRICS_CSV_HEADER = 'time_s,metric,value';

/**
 * A number as the CSV writes it: integers as they are, others rounded to 6 decimals, always in
 * ECMAScript's shortest round-trip form, so the same value always gives the same characters.
 */
export function formatCsvNumber(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`metrics.csv: cannot write ${x}`);
  if (Number.isInteger(x)) return String(x);
  const r = Math.round(x * 1e6) / 1e6;
  return String(Object.is(r, -0) ? 0 : r);
}

/** metrics.csv from a trace's events (only the 'metrics.bucket' ones are read), newline-terminated. */
export function metricsCsv(events: Iterable<{ readonly type: string }>): string {
  const rows: string[] = [METRICS_CSV_HEADER];
  for (const b of metricsBuckets(events)) rows.push(...bucketRows(b));
  return rows.join('\n') + '\n';
}

function bucketRows(b: MetricsBucketEvent): string[] {
  const time = formatCsvNumber(b.t / 1_000_000);
  const rows: string[] = [];
  for (const [metric, field] of RATE_METRICS) {
    rows.push(`${time},${metric},${formatCsvNumber(perSecond(b[field], b.lengthUs))}`);
  }
  for (const [metric, field] of LATENCY_METRICS) {
    if (b[field] >= 0) rows.push(`${time},${metric},${formatCsvNumber(b[field])}`);
  }
  return rows;
}
