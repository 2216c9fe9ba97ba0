import type { RunRecord } from './execute.js';
import { sampleStats, type SampleStats } from './stats.js';

/**
 * The quantities a comparison reports, each read from a run's summary.json or run-extras.json (so the
 * table and summary.csv can be checked against the per-run files), and their statistics over seeds.
 */

export interface CompareMetric {
  /** Column value in summary.csv, snake_case. */
  readonly key: string;
  /** Row label in the table. */
  readonly label: string;
  /** Unit of the value in summary.csv (the per-run files' unit). */
  readonly unit: string;
  /** The table shows value × tableScale in tableUnit (ms → s, bytes → MB). */
  readonly tableUnit: string;
  readonly tableScale: number;
  /** Decimals in the table when the interval cannot set them (n = 1, or all seeds equal). */
  readonly decimals: number;
  /** null where the protocol has no such notion (or nothing was measured). */
  get(r: RunRecord): number | null;
}

const s = (r: RunRecord) => r.summary;

function metric(
  key: string,
  label: string,
  unit: string,
  get: (r: RunRecord) => number | null | undefined,
  table: { unit?: string; scale?: number; decimals: number },
): CompareMetric {
  return {
    key,
    label,
    unit,
    tableUnit: table.unit ?? unit,
    tableScale: table.scale ?? 1,
    decimals: table.decimals,
    get: (r) => get(r) ?? null,
  };
}

/** Every metric, in table order; the steady-state row only when a warm-up is set. */
export function compareMetrics(warmupSeconds: number): CompareMetric[] {
  const sec = { unit: 's', scale: 1e-3, decimals: 2 };
  return [
    metric('throughput_final_tps', 'throughput, final', 'tx/s', (r) => s(r).throughputTps, { decimals: 1 }),
    ...(warmupSeconds > 0
      ? [metric('throughput_final_after_warmup_tps', `throughput, final after ${warmupSeconds} s`, 'tx/s', (r) => r.extras.steadyFinalTps, { decimals: 1 })]
      : []),
    metric('throughput_confirmed_tps', 'throughput, soft-confirmed', 'tx/s', (r) => r.extras.confirmedTps, { decimals: 1 }),
    metric('confirm_latency_p50_ms', 'soft latency p50', 'ms', (r) => s(r).latencyMs.confirm?.p50, sec),
    metric('confirm_latency_p99_ms', 'soft latency p99', 'ms', (r) => s(r).latencyMs.confirm?.p99, sec),
    metric('final_latency_p50_ms', 'final latency p50', 'ms', (r) => s(r).latencyMs.final?.p50, sec),
    metric('final_latency_p99_ms', 'final latency p99', 'ms', (r) => s(r).latencyMs.final?.p99, sec),
    metric('finality_lag_p50_blocks', 'finality lag p50', 'blocks', (r) => s(r).finalityLagBlocks?.p50, { decimals: 1 }),
    metric('finality_lag_p99_blocks', 'finality lag p99', 'blocks', (r) => s(r).finalityLagBlocks?.p99, { decimals: 1 }),
    metric('epochs', 'epochs begun', 'count', (r) => r.extras.epochs, { decimals: 1 }),
    metric('idle_seconds_per_epoch', 'idle per epoch', 's', (r) => r.extras.idleSecondsPerEpoch, { decimals: 1 }),
    metric('cross_shard_committed', 'cross-shard committed', 'tx', (r) => s(r).crossShard?.committed, { decimals: 0 }),
    metric('cross_shard_aborted', 'cross-shard aborted', 'tx', (r) => s(r).crossShard?.aborted, { decimals: 0 }),
    metric('gini_blocks', 'Gini of block production', '1', (r) => s(r).decentralization?.gini, { decimals: 3 }),
    metric('nakamoto_coefficient', 'Nakamoto coefficient', 'nodes', (r) => s(r).decentralization?.nakamoto, { decimals: 1 }),
    metric('messages_per_node', 'messages sent per node', 'messages', (r) => r.extras.messagesPerNode, { decimals: 0 }),
    metric('bytes_per_node', 'bytes sent per node', 'bytes', (r) => r.extras.bytesPerNode, { unit: 'MB', scale: 1e-6, decimals: 1 }),
  ];
}

/** A metric over one group's seeds: the values that exist and their statistics (null when none exists). */
export interface MetricAggregate {
  readonly metric: CompareMetric;
  /** Runs in the group, including those where the metric is null. */
  readonly runs: number;
  readonly stats: SampleStats | null;
}

/** The runs of one protocol at one shard count. */
export interface CompareGroup {
  readonly protocol: string;
  readonly shards: number;
  readonly records: readonly RunRecord[];
  readonly metrics: readonly MetricAggregate[];
}

/** Group records by (shard count, protocol) in the order they come, and aggregate each metric over seeds. */
export function aggregate(records: readonly RunRecord[], metrics: readonly CompareMetric[]): CompareGroup[] {
  const groups: { protocol: string; shards: number; records: RunRecord[] }[] = [];
  for (const r of records) {
    let g = groups.find((x) => x.protocol === r.protocol && x.shards === r.shards);
    if (!g) groups.push((g = { protocol: r.protocol, shards: r.shards, records: [] }));
    g.records.push(r);
  }
  return groups.map((g) => ({
    ...g,
    metrics: metrics.map((metric) => {
      const values = g.records.map((r) => metric.get(r)).filter((v): v is number => v !== null);
      return { metric, runs: g.records.length, stats: values.length > 0 ? sampleStats(values) : null };
    }),
  }));
}
