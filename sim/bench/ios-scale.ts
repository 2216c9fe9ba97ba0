import { getHeapStatistics } from 'node:v8';
import { parseScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { runScenario } from '../run/runner.js';

/**
 * How the full IOS model's cost grows towards the paper scale (IOST whitepaper: 100,000 tx/s over 16 shards;
 * the project's `ios-paper-scale` target is 10,000 nodes, one simulated hour, ≤ 60 s wall and ≤ 2 GB on one
 * core). Each size keeps the paper's per-shard shape — 625 validators and 6,250 offered tx/s per shard — so
 * nodes/shards/load grow together: 2,500/4/25,000, 5,000/8/50,000, 10,000/16/100,000. Everything else is
 * scenarios/ios-paper-scale.json's (600 s epochs, 1,000,000 accounts, 1% double spends, schema defaults), so a size differs from the paper-scale
 * scenario only in `durationSeconds`: a short run here is the first seconds of that run.
 *
 * `clock` (ms), `maxRss` (bytes) and `cpuMs` (the process's CPU time, ms) are injected so this module reads none; the CLI runs each size in
 * its own process so that one size's heap does not inflate the next one's peak.
 */

export const IOS_SCALE_SIZES: readonly number[] = [2500, 5000, 10000];
export const NODES_PER_SHARD = 625;
export const TPS_PER_SHARD = 6250;
/** ios-paper-scale's budget: 60 s of wall time for 3,600 simulated seconds. */
export const TARGET_WALL_PER_SIM_SECOND = 60 / 3600;

export interface IosScaleOptions {
  readonly nodes: number;
  readonly seconds: number;
  /** Client batch interval (workload.batchIntervalMs); default the schema's. */
  readonly batchIntervalMs?: number;
  readonly seed?: number;
}

export function iosScaleScenario(o: IosScaleOptions): Scenario {
  if (!Number.isInteger(o.nodes) || o.nodes < NODES_PER_SHARD || o.nodes % NODES_PER_SHARD !== 0) {
    throw new RangeError(`ios-scale: nodes must be a positive multiple of ${NODES_PER_SHARD}, got ${o.nodes}`);
  }
  const shards = o.nodes / NODES_PER_SHARD;
  return parseScenario(
    {
      name: `ios-scale-${o.nodes}`,
      description: `IOS growth benchmark: ${o.nodes} nodes, ${shards} shards of ${NODES_PER_SHARD}, ${TPS_PER_SHARD} tx/s per shard`,
      seed: o.seed ?? 1,
      durationSeconds: o.seconds,
      nodes: o.nodes,
      shards,
      network: { uplink: 'priority' },
      // As scenarios/ios-paper-scale.json: a 625-node shard's transition (70 batches, Δ apart) needs > 210 s.
      protocol: { type: 'ios', epochSeconds: 600, pob: { announce: 'short-ids' }, league: { fidelity: 'round' }, transEpoch: { bootstrapFrom: 'previous-members' } },
      workload: {
        offeredTps: TPS_PER_SHARD * shards,
        accounts: 1_000_000,
        doubleSpendFraction: 0.01,
        batchIntervalMs: 100,
        ...(o.batchIntervalMs !== undefined ? { batchIntervalMs: o.batchIntervalMs } : {}),
      },
    },
    `ios-scale-${o.nodes}`,
  );
}

export interface IosScaleResult {
  readonly nodes: number;
  readonly shards: number;
  readonly offeredTps: number;
  readonly simulatedSeconds: number;
  /** Building the world and running it (not the process start). */
  readonly wallSeconds: number;
  /**
   * CPU time of the process over the same span, user and system, every thread: the simulation's and V8's
   * collector threads, which run beside it on a second core. Less sensitive than wall time to a busy or
   * throttled machine, and closer to what one core alone would need.
   */
  readonly cpuSeconds: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly eventsPerSimSecondPerShard: number;
  readonly wallPerSimSecond: number;
  /** wallPerSimSecond over the paper-scale budget (60 s / 3,600 s): how many times too slow. */
  readonly slowerThanTarget: number;
  /** Transactions final by the end (0 while the normal leagues have finalised nothing yet). */
  readonly finalTx: number;
  readonly offeredTx: number;
  readonly peakRssBytes: number;
  /** V8's heap limit in the process that ran it (v8.getHeapStatistics().heap_size_limit). */
  readonly heapLimitBytes: number;
}

export function runIosScale(o: IosScaleOptions, clock: () => number, maxRss: () => number, cpuMs: () => number): IosScaleResult {
  const scenario = iosScaleScenario(o);
  const t0 = clock();
  const c0 = cpuMs();
  const run = runScenario(scenario, { traceLevel: 'summary' });
  const wallSeconds = (clock() - t0) / 1000;
  const cpuSeconds = (cpuMs() - c0) / 1000;
  const events = run.kernel.executed;
  const wallPerSimSecond = wallSeconds / o.seconds;
  return {
    nodes: scenario.nodes,
    shards: scenario.shards,
    offeredTps: scenario.workload.offeredTps,
    simulatedSeconds: o.seconds,
    wallSeconds,
    cpuSeconds,
    events,
    eventsPerSecond: events / wallSeconds,
    eventsPerSimSecondPerShard: events / o.seconds / scenario.shards,
    wallPerSimSecond,
    slowerThanTarget: wallPerSimSecond / TARGET_WALL_PER_SIM_SECOND,
    finalTx: run.metrics.finalized,
    offeredTx: run.metrics.offered,
    peakRssBytes: maxRss(),
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  };
}
