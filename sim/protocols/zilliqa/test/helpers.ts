import type { Micros } from '../../../kernel/time.js';
import { ScenarioSchema } from '../../../scenario/schema.js';
import type { Scenario, ScenarioInput } from '../../../scenario/schema.js';
import { runScenario } from '../../../run/runner.js';
import type { RunResult } from '../../../run/runner.js';
import type { TraceEvent } from '../../../trace/schema.js';
import type { Effect, Input, NodeId, ProtocolInstance, ProtocolNode } from '../../types.js';
import type { ZilliqaInstance } from '../instance.js';

/**
 * A small Zilliqa world for tests: 40 DS members and 300 miners in shards of about 100, a 20 s PoW window
 * and 3 TX epochs per DS epoch, so that 150 s hold two or three DS epochs.
 */
export function zilScenario(
  overrides: Partial<ScenarioInput> & { protocol?: Record<string, unknown> } = {},
): Scenario {
  const { protocol, ...rest } = overrides;
  return ScenarioSchema.parse({
    name: 'zilliqa-test',
    seed: 1,
    durationSeconds: 150,
    nodes: 340,
    shards: 3,
    workload: { offeredTps: 60 },
    ...rest,
    protocol: {
      type: 'zilliqa',
      dsCommitteeSize: 40,
      shardSize: 100,
      shardSizeToleranceLo: 20,
      finalBlocksPerDsEpoch: 3,
      powWindowSeconds: 20,
      pow: { meanSolveSeconds: 3 },
      ...protocol,
    },
  });
}

export interface ZilRun {
  readonly run: RunResult;
  readonly instance: ZilliqaInstance;
  readonly events: readonly TraceEvent[];
  /** Every commit effect: when, at which node, its level, shard tag and transaction count. */
  readonly commits: { readonly t: Micros; readonly node: NodeId; readonly level: string; readonly shard: number; readonly count: number }[];
}

/** runScenario with each node wrapped to log its commit effects (passed through unchanged). */
export function runZil(scenario: Scenario, seed = scenario.seed): ZilRun {
  const commits: ZilRun['commits'][number][] = [];
  let instance: ZilliqaInstance | undefined;
  const run = runScenario(scenario, {
    seed,
    instrument: (created) => {
      instance = created as unknown as ZilliqaInstance;
      const nodes = created.nodes.map(
        (node, i): ProtocolNode<unknown, unknown> => ({
          step(now: Micros, input: Input<unknown, unknown>): readonly Effect<unknown, unknown>[] {
            const effects = node.step(now, input);
            for (const e of effects) {
              if (e.kind === 'commit') commits.push({ t: now, node: i, level: e.level, shard: e.shard, count: e.txs.count });
            }
            return effects;
          },
        }),
      );
      const observed: ProtocolInstance<unknown, unknown> = {
        name: created.name,
        get shards() {
          return created.shards;
        },
        nodes,
        entryNode: (txs, now) => created.entryNode(txs, now),
      };
      return observed;
    },
  });
  return { run, instance: instance!, events: run.trace.events(), commits };
}

export function ofType<T extends TraceEvent['type']>(events: readonly TraceEvent[], type: T): Extract<TraceEvent, { type: T }>[] {
  return events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}

/** The idle (PoW) windows of a trace, as [start, end) µs per DS epoch; an open one ends at +Infinity. */
export function idleWindows(events: readonly TraceEvent[]): { epoch: number; start: number; end: number }[] {
  const ends = new Map(ofType(events, 'idle.end').map((e) => [e.epoch, e.t] as const));
  return ofType(events, 'idle.start').map((e) => ({ epoch: e.epoch, start: e.t, end: ends.get(e.epoch) ?? Infinity }));
}
