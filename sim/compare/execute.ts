import { join } from 'node:path';
import { runScenario } from '../run/runner.js';
import { summarize, writeResults, type TraceFormat } from '../run/output.js';
import { roundedMs } from '../metrics/collector.js';
import type { Histogram } from '../metrics/histogram.js';
import { formatCsvNumber } from '../metrics/csv.js';
import { secondsToUs } from '../kernel/time.js';
import type { Summary } from '../metrics/summary.js';
import type { RunSpec } from './plan.js';
import { bucketSeries, finalizedRateFrom, type BucketSeries } from './series.js';
import { EPOCH_EVENT_TYPES, IDLE_EVENT_TYPES, deriveEpochs, deriveIdleWindows, type EpochWindow, type IdleWindow } from '../trace/derive.js';

/**
 * One run of a comparison: simulate, summarise, write its directory (summary.json, metrics.csv, the
 * trace, latency-cdf.csv, run-extras.json), and hand back what the table and figures need. Runs in a
 * worker or in the main thread with the same result; the wall clock is passed in (only sim/cli reads it).
 */

export interface ExecuteOptions {
  /** The compare directory; the run writes to `<compareDir>/<spec.relDir>`. */
  readonly compareDir: string;
  readonly traceFormat: TraceFormat;
  readonly warmupSeconds: number;
  readonly untilSeconds?: number;
}

/** Quantile grid of latency-cdf.csv: 0, 0.001, …, 1. */
export const CDF_STEPS = 1000;

export type LatencyLevel = 'confirm' | 'final' | 'crossShard';
export const LATENCY_LEVELS: readonly LatencyLevel[] = ['confirm', 'final', 'crossShard'];

/** A latency distribution as its quantile function on the CDF_STEPS grid (ms), with its sample count. */
export interface LatencyQuantiles {
  readonly count: number;
  readonly ms: number[];
}

/** Facts of a run that summary.json does not carry; written to run-extras.json. */
export interface RunExtras {
  readonly schema: 'shardsim-compare-run/1';
  readonly protocol: string;
  readonly seed: number;
  readonly shards: number;
  readonly nodes: number;
  /** Messages each node handed to the network, on average (every hop of a gossip counts). */
  readonly messagesPerNode: number;
  /** Bytes each node uploaded, on average, and by the node that uploaded most. */
  readonly bytesPerNode: number;
  readonly maxBytesPerNode: number;
  /** Epochs begun in the run ('epoch.start' events; Zilliqa: DS epochs); 0 for protocols without epochs. */
  readonly epochs: number;
  /**
   * summary.idleSeconds / epochs: seconds the whole system was idle by design (Zilliqa's PoW window) per
   * epoch begun; a protocol without epochs counts the run as one epoch.
   */
  readonly idleSecondsPerEpoch: number;
  /** Soft-confirmed transactions per simulated second (first confirmation, any level). */
  readonly confirmedTps: number;
  /** Finalised tx/s over the buckets after `warmupSeconds`; null when the run is no longer than the warm-up. */
  readonly steadyFinalTps: number | null;
  readonly warmupSeconds: number;
  readonly latencySamples: Readonly<Record<LatencyLevel, number>>;
}

export interface RunRecord {
  readonly protocol: string;
  readonly shards: number;
  readonly seed: number;
  readonly relDir: string;
  readonly summary: Summary;
  readonly extras: RunExtras;
  readonly series: BucketSeries;
  /** Epochs from the trace (sim/trace/derive.ts), by index. */
  readonly epochs: EpochWindow[];
  readonly idle: IdleWindow[];
  readonly latency: Readonly<Record<LatencyLevel, LatencyQuantiles | null>>;
  readonly endUs: number;
  /** Files written, relative to the compare directory. */
  readonly files: string[];
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function quantiles(h: Histogram | undefined): LatencyQuantiles | null {
  if (!h || h.count === 0) return null;
  const ms: number[] = [];
  for (let i = 0; i <= CDF_STEPS; i++) ms.push(roundedMs(h.quantile(i / CDF_STEPS)));
  return { count: round6(h.count), ms };
}

/** latency-cdf.csv: tidy `level,quantile,latency_ms`, levels confirm, final, cross_shard; a level without samples has no rows. */
export function latencyCdfCsv(latency: Readonly<Record<LatencyLevel, LatencyQuantiles | null>>): string {
  const names: Record<LatencyLevel, string> = { confirm: 'confirm', final: 'final', crossShard: 'cross_shard' };
  let out = 'level,quantile,latency_ms\n';
  for (const level of LATENCY_LEVELS) {
    const q = latency[level];
    if (!q) continue;
    q.ms.forEach((v, i) => (out += `${names[level]},${formatCsvNumber(i / CDF_STEPS)},${formatCsvNumber(v)}\n`));
  }
  return out;
}

/** Run `spec` and write its directory; `clockMs` is a wall clock in ms, read only to report wallSeconds. */
export function executeRun(spec: RunSpec, opts: ExecuteOptions, clockMs: () => number): RunRecord {
  const t0 = clockMs();
  const run = runScenario(spec.scenario, {
    seed: spec.seed,
    ...(opts.untilSeconds !== undefined ? { untilSeconds: opts.untilSeconds } : {}),
  });
  const summary = summarize(run, (clockMs() - t0) / 1000);
  // Only the types these derivations read: the others are not built (1.5 M events in the paper-scale hour).
  const events = run.trace.eventList([...EPOCH_EVENT_TYPES, ...IDLE_EVENT_TYPES, 'metrics.bucket']);
  const series = bucketSeries(events);
  const starts = deriveEpochs(events);
  const idle = deriveIdleWindows(events, run.endUs);
  const m = run.metrics;
  const latency: Record<LatencyLevel, LatencyQuantiles | null> = {
    confirm: quantiles(m.confirmLatencyUs),
    final: quantiles(m.finalLatencyUs),
    crossShard: quantiles(m.crossShard?.latencyUs),
  };
  const nodes = spec.scenario.nodes;
  let maxBytes = 0;
  for (const b of run.network.bytesSent) if (b > maxBytes) maxBytes = b;
  const extras: RunExtras = {
    schema: 'shardsim-compare-run/1',
    protocol: summary.protocol,
    seed: spec.seed,
    shards: spec.shards,
    nodes,
    messagesPerNode: round6(run.host.messages / nodes),
    bytesPerNode: round6(run.host.bytes / nodes),
    maxBytesPerNode: maxBytes,
    epochs: starts.length,
    idleSecondsPerEpoch: round6(summary.idleSeconds / Math.max(1, starts.length)),
    confirmedTps: summary.simulatedSeconds > 0 ? round6(m.confirmed / summary.simulatedSeconds) : 0,
    steadyFinalTps: nullableRound(finalizedRateFrom(series, secondsToUs(opts.warmupSeconds), run.endUs)),
    warmupSeconds: opts.warmupSeconds,
    latencySamples: {
      confirm: latency.confirm?.count ?? 0,
      final: latency.final?.count ?? 0,
      crossShard: latency.crossShard?.count ?? 0,
    },
  };
  const dir = join(opts.compareDir, spec.relDir);
  const written = writeResults(run, summary, dir, opts.traceFormat, {
    'latency-cdf.csv': latencyCdfCsv(latency),
    'run-extras.json': JSON.stringify(extras, null, 2) + '\n',
  });
  return {
    protocol: spec.protocol,
    shards: spec.shards,
    seed: spec.seed,
    relDir: spec.relDir,
    summary,
    extras,
    series,
    epochs: starts,
    idle,
    latency,
    endUs: run.endUs,
    files: written.map((f) => `${spec.relDir}/${f.slice(dir.length + 1)}`),
  };
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : round6(x);
}
