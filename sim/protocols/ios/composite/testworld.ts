import { Kernel } from '../../../kernel/kernel.js';
import { RngRoot } from '../../../kernel/rng.js';
import { secondsToUs } from '../../../kernel/time.js';
import type { Micros } from '../../../kernel/time.js';
import { MetricsCollector } from '../../../metrics/collector.js';
import type { MetricsTotals } from '../../../metrics/totals.js';
import { Network } from '../../../net/network.js';
import { ScenarioSchema } from '../../../scenario/schema.js';
import type { Scenario, ScenarioInput } from '../../../scenario/schema.js';
import { TraceRecorder } from '../../../trace/recorder.js';
import { Workload } from '../../../workload/workload.js';
import { Host } from '../../host.js';
import type { Effect, Input, ProtocolInstance, ProtocolNode } from '../../types.js';
import { createIosInstance } from './instance.js';
import type { IosInstance } from './instance.js';

/**
 * A run of the IOS composite in the real world model (kernel, network, host, workload, metrics, trace),
 * built like sim/run/runner.ts but with createIosInstance, since `ios` is not in the protocol registry yet.
 * Each node is wrapped to tally its `commit` effects per shard and level and its `abort` effects (the
 * metrics have no per-shard series). For tests and experiments only.
 */
export interface IosRun {
  readonly scenario: Scenario;
  readonly instance: IosInstance;
  readonly trace: TraceRecorder;
  readonly metrics: MetricsTotals;
  /** Per shard, per level: [timeUs, txCount] of every commit effect. */
  readonly commits: { readonly shard: number; readonly level: 'confirm' | 'final'; readonly t: Micros; readonly count: number; readonly ranges: readonly number[] }[];
  /** Every abort effect: [timeUs, shard, ids]. */
  readonly aborts: { readonly shard: number; readonly t: Micros; readonly count: number; readonly ranges: readonly number[] }[];
  /** Every client batch: when, to which node (−1: not admitted), its ids. */
  readonly batches: { readonly t: Micros; readonly entry: number; readonly ranges: readonly number[] }[];
  readonly events: number;
}

export function iosScenario(overrides: Partial<ScenarioInput> & { protocol?: Record<string, unknown> } = {}): Scenario {
  const { protocol, ...rest } = overrides;
  return ScenarioSchema.parse({
    name: 'ios-composite-test',
    seed: 1,
    durationSeconds: 200,
    nodes: 120,
    shards: 4,
    workload: { offeredTps: 200, shardMapping: 'locality', locality: 1, accounts: 10_000 },
    ...rest,
    protocol: { type: 'ios', epochSeconds: 60, ...protocol },
  });
}

export function runIos(scenario: Scenario, seed = scenario.seed): IosRun {
  const endUs = secondsToUs(scenario.durationSeconds);
  const rng = new RngRoot(seed);
  const kernel = new Kernel();
  const network = new Network(scenario.network, scenario.nodes, rng);
  const trace = new TraceRecorder(scenario.output.traceLevel);
  const workload = new Workload(scenario.workload, scenario.shards, rng);
  const instance = createIosInstance({
    scenario,
    nodeCount: scenario.nodes,
    regionOf: network.regionOf,
    stream: (name) => rng.stream(name),
    rng,
    book: workload.book,
    workload,
  });
  const commits: IosRun['commits'][number][] = [];
  const aborts: IosRun['aborts'][number][] = [];
  const batches: IosRun['batches'][number][] = [];
  const tallied = instance.nodes.map(
    (node): ProtocolNode<unknown, unknown> => ({
      step(now: Micros, input: Input<unknown, unknown>): readonly Effect<unknown, unknown>[] {
        const effects = (node as ProtocolNode<unknown, unknown>).step(now, input);
        for (const e of effects) {
          if (e.kind === 'commit') commits.push({ shard: e.shard, level: e.level, t: now, count: e.txs.count, ranges: e.txs.ranges });
          else if (e.kind === 'abort') aborts.push({ shard: e.shard, t: now, count: e.txs.count, ranges: e.txs.ranges });
        }
        return effects;
      },
    }),
  );
  const hosted: ProtocolInstance<unknown, unknown> = {
    name: instance.name,
    shards: instance.shards,
    nodes: tallied,
    entryNode: (txs, now) => instance.entryNode(txs, now),
    ...(instance.invariants ? { invariants: () => instance.invariants!() } : {}),
  };
  const metrics = new MetricsCollector({ bucketUs: secondsToUs(scenario.output.metricsBucketSeconds), book: workload.book, crossShard: true });
  const host = new Host(kernel, network, hosted, trace, metrics, scenario.nodes, scenario.output.traceLevel === 'messages');
  const evBatch = kernel.register(() => {
    for (const batch of workload.batchesEndingAt(kernel.now)) {
      metrics.offered(batch.count, kernel.now, batch.cross ? batch.count : 0);
      const entry = hosted.entryNode(batch.txs, kernel.now);
      batches.push({ t: kernel.now, entry, ranges: batch.txs.ranges });
      if (entry >= 0) host.step(entry, { kind: 'txs', txs: batch.txs });
    }
    if (kernel.now + workload.intervalUs <= endUs) kernel.after(workload.intervalUs, evBatch);
  });
  if (workload.intervalUs <= endUs) kernel.schedule(workload.intervalUs, evBatch);
  const evStart = kernel.register((node) => host.step(node, { kind: 'start' }));
  for (let n = 0; n < scenario.nodes; n++) kernel.schedule(0, evStart, n);
  kernel.run(endUs);
  const totals = metrics.finish(endUs, (ev) => trace.record(ev));
  return { scenario, instance, trace, metrics: totals, commits, aborts, batches, events: kernel.executed };
}
