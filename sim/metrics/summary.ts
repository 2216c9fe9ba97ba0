import { z } from 'zod';
import { Histogram, percentiles } from './histogram.js';
import { roundedMs, type CrossShardTotals, type MetricsTotals } from './collector.js';
import { gini, nakamoto } from './decentralization.js';
import { idleSecondsOf, minFinalizedTps } from './series.js';

/**
 * summary.json, the contract of DESIGN §9: every key always present, units in the name or the
 * description, null where a protocol has no such notion. Browser-safe (zod and sim/metrics only).
 */

const NO_NOTION = 'null when the protocol has no such notion';
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.int().nonnegative();

const LatencyMs = z
  .strictObject({ p50: z.number().nonnegative(), p90: z.number().nonnegative(), p99: z.number().nonnegative() })
  .describe('milliseconds from submission, nearest-rank percentiles (±0.8%), 3 decimals');

const Epoch = z.strictObject({
  index: count,
  startSeconds: z.number().nonnegative().describe('simulated seconds at which the epoch began'),
  transitionSeconds: z
    .number()
    .nonnegative()
    .nullable()
    .describe('seconds from the epoch start until every moving node was ready; null when it had not finished by the end of the run'),
  moved: count.describe('nodes that changed shard'),
  abandoned: count.describe("moves given up because the node's next move began first (IOS: a state download that outlasted the next batch)"),
  minTpsDuringTransition: z
    .number()
    .nonnegative()
    .nullable()
    .describe('lowest finalised tx/s over the metric buckets overlapping the transition; null when no bucket covers it or it took no time'),
});

export const SummarySchema = z.strictObject({
  schema: z.literal('shardsim-summary/1'),
  protocol: z.string(),
  scenario: z.string().describe('scenario name'),
  scenarioHash: hex64.describe('sha256 of the canonical scenario'),
  seed: count,
  traceHash: hex64.describe('sha256 over the canonical event lines; the same whatever trace format was written'),
  simulatedSeconds: z.number().nonnegative(),
  wallSeconds: z.number().nonnegative().describe('wall-clock seconds the run took; differs between identical runs'),
  events: count.describe('kernel events executed'),
  eventsPerSecond: z.number().nonnegative().describe('kernel events per wall-clock second; differs between identical runs'),
  nodes: z.int().positive(),
  shards: z.int().positive(),
  tx: z.strictObject({
    offered: count.describe('transactions submitted'),
    committed: count.describe('transactions finally confirmed (irreversible)'),
    aborted: count.describe('transactions rejected for good'),
    pending: z.int().describe('offered − committed − aborted; negative only if an invariant was violated'),
  }),
  throughputTps: z.number().nonnegative().describe('committed transactions per simulated second'),
  latencyMs: z.strictObject({
    confirm: LatencyMs.nullable().describe('first (soft) confirmation; null when no transaction was confirmed'),
    final: LatencyMs.nullable().describe('final confirmation; null when no transaction was committed'),
  }),
  crossShard: z
    .strictObject({
      fraction: z.number().min(0).max(1).describe('share of offered transactions that span several shards'),
      committed: count,
      aborted: count,
      latencyMs: LatencyMs.nullable().describe('to final confirmation; null when none was committed'),
    })
    .nullable()
    .describe(`${NO_NOTION} (unsharded protocols)`),
  epochs: z.array(Epoch).nullable().describe(NO_NOTION),
  idleSeconds: z
    .number()
    .nonnegative()
    .describe('seconds in which the whole system processes no transaction by design (Zilliqa PoW windows until the DS block), from the trace\'s idle.start/idle.end; 0 for protocols without such windows'),
  finalityLagBlocks: z
    .strictObject({ p50: z.number().nonnegative(), p99: z.number().nonnegative() })
    .nullable()
    .describe(`blocks between the head and the last final block; ${NO_NOTION}`),
  decentralization: z
    .strictObject({
      gini: z.number().min(0).max(1).describe('Gini coefficient of blocks proposed per node, all nodes'),
      nakamoto: count.describe('fewest nodes proposing more than 1/3 of the blocks'),
    })
    .nullable()
    .describe('null when no block was proposed'),
  invariants: z.strictObject({ checked: count, violations: count }),
  storage: z
    .strictObject({
      storageBytesPerNode: z.strictObject({ withMsb: count, withoutMsb: count }),
      bootstrapBytes: z.strictObject({ withMsb: count, withoutMsb: count }),
    })
    .nullable()
    .describe(`bytes one node stores at the end of the run, and a TransEpoch joiner downloads, with and without micro state blocks (IOS); ${NO_NOTION}`),
});

export type Summary = z.infer<typeof SummarySchema>;

/** The keys allowed to differ between two runs of the same scenario and seed. */
export const WALL_CLOCK_KEYS = ['wallSeconds', 'eventsPerSecond'] as const;

export interface EpochFacts {
  index: number;
  startUs: number;
  /** When every moving node was ready; null if the transition had not finished. */
  readyUs: number | null;
  moved: number;
  abandoned: number;
}

export interface SummaryInput {
  protocol: string;
  scenario: string;
  scenarioHash: string;
  seed: number;
  traceHash: string;
  simulatedSeconds: number;
  wallSeconds: number;
  /** Kernel events executed. */
  events: number;
  nodes: number;
  shards: number;
  totals: MetricsTotals;
  /** Defaults to `totals.crossShard` when omitted; an explicit null means "no notion" (unsharded). */
  crossShard?: CrossShardTotals | null;
  epochs?: readonly EpochFacts[] | null;
  /** A protocol's own idle figure; by default derived from the bucket series. */
  idleSeconds?: number | null;
  finalityLagBlocks?: Histogram | null;
  /** Defaults to gini and nakamoto of `totals.blocksByNode`. */
  decentralization?: { gini: number; nakamoto: number } | null;
  invariants: { checked: number; violations: number };
  storage?: Summary['storage'];
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function latencyMs(h: Histogram): z.infer<typeof LatencyMs> | null {
  const p = percentiles(h);
  return p && { p50: roundedMs(p.p50), p90: roundedMs(p.p90), p99: roundedMs(p.p99) };
}

/** Assemble and validate the summary; throws (a programming error) if a field is out of its schema. */
export function buildSummary(input: SummaryInput): Summary {
  const m = input.totals;
  const cross = input.crossShard !== undefined ? input.crossShard : m.crossShard;
  const blocks = m.blocksByNode;
  const dec =
    input.decentralization ?? (blocks.some((b) => b > 0) ? { gini: gini(blocks), nakamoto: nakamoto(blocks) } : null);
  const lag = input.finalityLagBlocks ? percentiles(input.finalityLagBlocks) : null;
  const summary: Summary = {
    schema: 'shardsim-summary/1',
    protocol: input.protocol,
    scenario: input.scenario,
    scenarioHash: input.scenarioHash,
    seed: input.seed,
    traceHash: input.traceHash,
    simulatedSeconds: input.simulatedSeconds,
    wallSeconds: round(input.wallSeconds, 3),
    events: input.events,
    eventsPerSecond: input.wallSeconds > 0 ? Math.round(input.events / input.wallSeconds) : 0,
    nodes: input.nodes,
    shards: input.shards,
    tx: { offered: m.offered, committed: m.finalized, aborted: m.aborted, pending: m.offered - m.finalized - m.aborted },
    throughputTps: input.simulatedSeconds > 0 ? round(m.finalized / input.simulatedSeconds, 3) : 0,
    latencyMs: { confirm: latencyMs(m.confirmLatencyUs), final: latencyMs(m.finalLatencyUs) },
    crossShard: cross && {
      fraction: m.offered > 0 ? round(cross.offered / m.offered, 6) : 0,
      committed: cross.committed,
      aborted: cross.aborted,
      latencyMs: latencyMs(cross.latencyUs),
    },
    epochs: input.epochs?.map((e) => epochSummary(e, m)) ?? null,
    idleSeconds: round(input.idleSeconds ?? idleSecondsOf(m.buckets), 6),
    finalityLagBlocks: lag && { p50: lag.p50, p99: lag.p99 },
    decentralization: dec && { gini: round(dec.gini, 6), nakamoto: dec.nakamoto },
    invariants: { checked: input.invariants.checked, violations: input.invariants.violations },
    storage: input.storage ?? null,
  };
  return SummarySchema.parse(summary);
}

function epochSummary(e: EpochFacts, m: MetricsTotals): z.infer<typeof Epoch> {
  // A transition that took no time (genesis) has no throughput to speak of.
  const instant = e.readyUs !== null && e.readyUs <= e.startUs;
  const minTps = instant ? null : minFinalizedTps(m.buckets, e.startUs, e.readyUs ?? m.endUs);
  return {
    index: e.index,
    startSeconds: e.startUs / 1_000_000,
    transitionSeconds: e.readyUs === null ? null : (e.readyUs - e.startUs) / 1_000_000,
    moved: e.moved,
    abandoned: e.abandoned,
    minTpsDuringTransition: minTps === null ? null : round(minTps, 3),
  };
}

/** summary.json text: validated, keys in schema order, 2-space indent, trailing newline. */
export function summaryJson(s: Summary): string {
  return JSON.stringify(SummarySchema.parse(s), null, 2) + '\n';
}
