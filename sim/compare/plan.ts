import { PROTOCOL_TYPES, type Scenario } from '../scenario/schema.js';
import { parseScenario } from '../scenario/load.js';

/**
 * What a comparison runs (README "Comparing protocols"): the scenario's network, workload and node count
 * under each protocol and seed, and in a scaling sweep at each shard count. Every run is the scenario
 * with only `protocol` replaced (plus `shards`, `nodes` and the offered load in a sweep), so a comparison
 * changes one thing at a time (DESIGN §7).
 */

/** Bad compare input (a flag or the compare block): exit code 2, the message names the flag or field. */
export class CompareInputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'CompareInputError';
  }
}

/** CLI flags; each replaces the compare block's field of the same meaning. */
export interface CompareOverrides {
  readonly protocols?: readonly string[];
  readonly seeds?: readonly number[];
  readonly shards?: readonly number[];
  readonly nodesPerShard?: number;
}

export interface RunSpec {
  readonly protocol: string;
  readonly shards: number;
  readonly seed: number;
  /** The run's directory inside the compare directory, '/'-separated: `<protocol>/seed-<n>` (`<protocol>/shards-<m>/seed-<n>` in a sweep). */
  readonly relDir: string;
  /** The validated scenario of this run, without the compare block. */
  readonly scenario: Scenario;
}

export interface ScalingPlan {
  readonly shards: readonly number[];
  readonly nodesPerShard: number;
  /** null: the scenario's offeredTps at every shard count. */
  readonly offeredTpsPerShard: number | null;
}

export interface ComparePlan {
  readonly name: string;
  readonly protocols: readonly string[];
  readonly seeds: readonly number[];
  readonly scaling: ScalingPlan | null;
  readonly warmupSeconds: number;
  readonly throughputWindowSeconds: number;
  /** Runs in output order: shard count, then protocol, then seed, each in the order given. */
  readonly runs: readonly RunSpec[];
}

/** The default output directory: results/compare-<name>, or results/<name> when the name already starts with "compare". */
export function defaultCompareDir(name: string): string {
  return `results/${name.startsWith('compare') ? name : `compare-${name}`}`;
}

function duplicates<T>(xs: readonly T[]): T[] {
  return xs.filter((x, i) => xs.indexOf(x) !== i);
}

/** Build the run list from a validated scenario and the CLI overrides; throws CompareInputError or ScenarioError. */
export function planCompare(scenario: Scenario, file: string, over: CompareOverrides = {}): ComparePlan {
  const block = scenario.compare;
  const protocols = over.protocols ?? block?.protocols ?? [scenario.protocol.type];
  const unknown = protocols.filter((p) => !PROTOCOL_TYPES.includes(p));
  if (unknown.length > 0) {
    throw new CompareInputError(`--protocols: unknown protocol "${unknown[0]}"; known: ${PROTOCOL_TYPES.join(', ')}`);
  }
  if (protocols.length === 0) throw new CompareInputError('--protocols: expected at least one protocol');
  if (duplicates(protocols).length > 0) throw new CompareInputError(`--protocols: "${duplicates(protocols)[0]}" listed twice`);
  const seeds = over.seeds ?? block?.seeds ?? [1, 2, 3];
  if (duplicates(seeds).length > 0) throw new CompareInputError(`--seeds: seed ${duplicates(seeds)[0]} listed twice`);

  const scaling = scalingPlan(scenario, over);
  const shardCounts = scaling ? scaling.shards : [scenario.shards];
  const runs: RunSpec[] = [];
  for (const m of shardCounts) {
    for (const protocol of protocols) {
      const runScenario = parseScenario(runInput(scenario, protocol, m, scaling), `${file} (compare: ${protocol}${scaling ? `, ${m} shards` : ''})`);
      for (const seed of seeds) {
        const relDir = scaling ? `${protocol}/shards-${m}/seed-${seed}` : `${protocol}/seed-${seed}`;
        runs.push({ protocol, shards: m, seed, relDir, scenario: runScenario });
      }
    }
  }
  return {
    name: scenario.name,
    protocols,
    seeds,
    scaling,
    warmupSeconds: block?.warmupSeconds ?? 0,
    throughputWindowSeconds: block?.throughputWindowSeconds ?? 5,
    runs,
  };
}

function scalingPlan(scenario: Scenario, over: CompareOverrides): ScalingPlan | null {
  const block = scenario.compare?.scaling;
  const shards = over.shards ?? block?.shards;
  if (!shards) {
    if (over.nodesPerShard !== undefined) throw new CompareInputError('--nodes-per-shard: only with --shards or a compare.scaling block');
    return null;
  }
  const nodesPerShard = over.nodesPerShard ?? block?.nodesPerShard;
  if (nodesPerShard === undefined) {
    throw new CompareInputError('--shards: a scaling sweep needs a shard size: give --nodes-per-shard or compare.scaling.nodesPerShard');
  }
  if (duplicates(shards).length > 0) throw new CompareInputError(`--shards: ${duplicates(shards)[0]} listed twice`);
  return { shards, nodesPerShard, offeredTpsPerShard: block?.offeredTpsPerShard ?? null };
}

/**
 * The scenario input of one run: protocol parameters from compare.protocolParams, else the scenario's
 * own protocol object when it is of that type, else the protocol's defaults.
 */
function runInput(scenario: Scenario, protocol: string, shards: number, scaling: ScalingPlan | null): Record<string, unknown> {
  const given = (scenario.compare?.protocolParams as Record<string, object | undefined> | undefined)?.[protocol];
  const own = scenario.protocol.type === protocol ? scenario.protocol : {};
  const { compare: _compare, ...base } = scenario;
  const input: Record<string, unknown> = { ...base, protocol: { ...(given ?? own), type: protocol } };
  if (scaling) {
    input['shards'] = shards;
    input['nodes'] = shards * scaling.nodesPerShard;
    if (scaling.offeredTpsPerShard !== null) {
      input['workload'] = { ...scenario.workload, offeredTps: shards * scaling.offeredTpsPerShard };
    }
  }
  return input;
}
