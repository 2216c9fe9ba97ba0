import { formatCsvNumber } from '../metrics/csv.js';
import type { CompareGroup } from './metrics.js';

/**
 * summary.csv: tidy (long) data, one value per row, for pandas or R:
 *
 *   protocol,shards,seed,metric,unit,stat,value
 *
 * - one row per run and metric with `stat` = `value` and the run's seed;
 * - then, per protocol, shard count and metric, the statistics over the seeds with `seed` empty and
 *   `stat` one of `n` (seeds with a value), `mean`, `sd` (sample), `ci95_low`, `ci95_high` (Student t).
 *
 * Values are in the per-run files' units (`unit`: ms, not the table's seconds). An empty `value` is
 * NA: the protocol has no such notion, or n = 1 leaves no sd and no interval. Filter `stat == "value"`
 * for the raw runs, or pivot the aggregates wide.
 */

export const SUMMARY_CSV_HEADER = 'protocol,shards,seed,metric,unit,stat,value';

const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : formatCsvNumber(v));

export function summaryCsv(groups: readonly CompareGroup[]): string {
  const rows: string[] = [SUMMARY_CSV_HEADER];
  for (const g of groups) {
    for (const r of g.records) {
      for (const a of g.metrics) {
        rows.push(`${g.protocol},${g.shards},${r.seed},${a.metric.key},${a.metric.unit},value,${num(a.metric.get(r))}`);
      }
    }
  }
  for (const g of groups) {
    for (const a of g.metrics) {
      const st = a.stats;
      const stat = (name: string, v: number | null | undefined) =>
        rows.push(`${g.protocol},${g.shards},,${a.metric.key},${a.metric.unit},${name},${num(v)}`);
      stat('n', st?.n ?? 0);
      stat('mean', st?.mean);
      stat('sd', st?.sd);
      stat('ci95_low', st?.ci95?.low);
      stat('ci95_high', st?.ci95?.high);
    }
  }
  return rows.join('\n') + '\n';
}
