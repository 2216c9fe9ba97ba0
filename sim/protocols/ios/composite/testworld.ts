import type { Micros } from '../../../kernel/time.js';
import type { MetricsTotals } from '../../../metrics/totals.js';
import { ScenarioSchema } from '../../../scenario/schema.js';
import type { Scenario, ScenarioInput } from '../../../scenario/schema.js';
import type { TraceRecorder } from '../../../trace/recorder.js';
import { runScenario } from '../../../run/runner.js';
import type { Effect, Input, ProtocolInstance, ProtocolNode } from '../../types.js';
import type { IosInstance } from './instance.js';

/**
 * A run of the IOS composite through the real runner (sim/run/runner.ts), instrumented: each node is
 * wrapped to tally its `commit` effects per shard and level and its `abort` effects (the metrics have no
 * per-shard series), and each client batch's entry node is recorded. For tests and experiments only.
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

export function iosScenario(overrides: Omit<Partial<ScenarioInput>, 'protocol'> & { protocol?: Record<string, unknown> } = {}): Scenario {
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
  const commits: IosRun['commits'][number][] = [];
  const aborts: IosRun['aborts'][number][] = [];
  const batches: IosRun['batches'][number][] = [];
  let instance: IosInstance | undefined;
  const run = runScenario(scenario, {
    seed,
    instrument: (created) => {
      instance = created as IosInstance;
      const nodes = created.nodes.map(
        (node): ProtocolNode<unknown, unknown> => ({
          step(now: Micros, input: Input<unknown, unknown>): readonly Effect<unknown, unknown>[] {
            const effects = node.step(now, input);
            for (const e of effects) {
              if (e.kind === 'commit') commits.push({ shard: e.shard, level: e.level, t: now, count: e.txs.count, ranges: e.txs.ranges });
              else if (e.kind === 'abort') aborts.push({ shard: e.shard, t: now, count: e.txs.count, ranges: e.txs.ranges });
            }
            return effects;
          },
        }),
      );
      const observed: ProtocolInstance<unknown, unknown> = {
        name: created.name,
        shards: created.shards,
        nodes,
        entryNode: (txs, now) => {
          const entry = created.entryNode(txs, now);
          batches.push({ t: now, entry, ranges: txs.ranges });
          return entry;
        },
        ...(created.invariants ? { invariants: () => created.invariants!() } : {}),
        ...(created.clientGroupOf ? { clientGroupOf: created.clientGroupOf } : {}),
      };
      return observed;
    },
  });
  return { scenario, instance: instance!, trace: run.trace, metrics: run.metrics, commits, aborts, batches, events: run.kernel.executed };
}
